"""The reconciliation use case on real databases: a balanced lot, an open discrepancy that a
physician's resolution closes, a session given ketamine without a draw, the roles, a few
statements for many sessions, and the CSV (an iterator, cells neutralised, audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.services import reconciliation
from monitor.services.early_end import end_session_early
from monitor.services.errors import PermissionDenied
from tests import factories, ketamine_rows
from tests.factories import T0

START, END = T0 - timedelta(days=1), T0 + timedelta(days=1)


def read(
    database: Database, config: Config, role: Role = Role.AUDITOR
) -> reconciliation.ReconciliationReport:
    return reconciliation.reconciliation(
        database=database,
        config=config,
        actor=factories.user(database, role),
        start=START,
        end=END,
    )


def test_a_balanced_lot_and_an_open_discrepancy(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    sid, drawn = ketamine_rows.balanced(database, config, nurse, witness, lot="LOT-A")
    short, delivered = ketamine_rows.stopped(
        database, config, factories.user(database, Role.NURSE), at=T0 + timedelta(hours=1), chair=1
    )
    given_ml = delivered / 10
    ketamine_rows.draw(
        database, config, nurse, short, lot="LOT-B", volume_ml=round(given_ml + 1.25, 2)
    )
    report = read(database, config)
    lots = dict(report.reconciliation.by_lot)
    assert lots["LOT-A"].sessions == 1 and lots["LOT-A"].drawn_ml == drawn
    assert lots["LOT-A"].unaccounted_ml == 0.0 and lots["LOT-A"].open_discrepancies == 0
    assert lots["LOT-A"].witnesses == (witness.full_name,)
    assert lots["LOT-B"].open_discrepancies == 1 and lots["LOT-B"].unaccounted_ml == 1.25
    (opened,) = report.reconciliation.open
    assert (opened.session_id, opened.imbalance_ml, opened.lots) == (short, 1.25, ("LOT-B",))
    assert sid != short and report.first_day == START.astimezone(config.clinic.zone).date()

    ketamine_rows.resolve(database, physician, short, 1.25)
    after = read(database, config, Role.PHYSICIAN).reconciliation
    assert after.open == () and after.totals.resolved == 1
    assert after.totals.sessions == 2 and after.totals.open_discrepancies == 0


def test_given_without_a_record_and_pending(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    ketamine_rows.stopped(database, config, nurse)  # the pump gave ketamine; no draw
    running = factories.infusing(database, config, nurse, chair=config.clinic.chairs[1])
    ketamine_rows.draw(database, config, nurse, running, lot="LOT-C", volume_ml=4.0)
    planned = factories.session(database, config, nurse, chair=config.clinic.chairs[2])
    assert planned  # opened, nothing drawn, nothing given: not in the reconciliation
    totals = read(database, config).reconciliation.totals
    assert (totals.sessions, totals.given_without_record, totals.pending) == (2, 1, 1)
    assert totals.drawn_ml == 4.0 and totals.given_ml == 0.0


def test_outside_the_period_is_left_out(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    ketamine_rows.balanced(database, config, nurse, witness, lot="OLD", at=T0 - timedelta(days=3))
    assert read(database, config).reconciliation.by_lot == ()


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMIN])
def test_only_physicians_and_auditors(database: Database, config: Config, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        read(database, config, role)
    with pytest.raises(PermissionDenied):
        reconciliation.reconciliation_csv(
            database=database,
            config=config,
            actor=factories.user(database, role),
            start=START,
            end=END,
        )


def test_many_sessions_are_read_in_a_few_statements(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    for k in range(4):
        sid, _ = ketamine_rows.stopped(
            database, config, nurse, at=T0 + timedelta(minutes=k), chair=k
        )
        did = ketamine_rows.draw(database, config, nurse, sid, lot=f"L{k}", volume_ml=5.0)
        ketamine_rows.waste(database, nurse, sid, did, volume_ml=0.3, witness=witness)
    auditor = factories.user(database, Role.AUDITOR)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        report = reconciliation.reconciliation(
            database=database, config=config, actor=auditor, start=START, end=END
        )
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert report.reconciliation.totals.sessions == 4
    assert len(statements) <= 5, statements  # a few reads, whatever the number of sessions


def test_the_csv_is_streamed_neutralised_and_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    ketamine_rows.balanced(database, config, nurse, witness, lot="=HYPERLINK(1)")
    lines = reconciliation.reconciliation_csv(
        database=database, config=config, actor=auditor, start=START, end=END
    )
    assert isinstance(lines, Iterator)
    with database.session_scope() as db:
        audited = db.scalars(select(AuditEvent).where(AuditEvent.action == "record.exported")).all()
    assert [a.new_values["export"] for a in audited if a.new_values] == ["reconciliation.csv"]
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    assert [r["table"] for r in rows] == ["day", "lot", "total"]
    assert rows[1]["lot"] == "'=HYPERLINK(1)"
    assert rows[1]["witnesses"] == witness.full_name
    assert rows[2]["sessions"] == "1" and rows[2]["unaccounted_ml"] == "0.00"


def test_a_session_stopped_early_before_a_start_with_a_draw(
    database: Database, config: Config
) -> None:
    """Drawn but never started, then ended: given is 0, so the whole draw is unaccounted
    until it is wasted and witnessed."""
    nurse = factories.user(database, Role.NURSE)
    sid = factories.session(database, config, nurse)
    ketamine_rows.draw(database, config, nurse, sid, lot="L9", volume_ml=2.0)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=sid, reason="transferred", now=T0
    )
    (opened,) = read(database, config).reconciliation.open
    assert opened.imbalance_ml == 2.0
