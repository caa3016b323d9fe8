"""The intervention measures on real databases (rates per 100 sessions, acknowledgement
times, open ketamine discrepancies) and the sessions CSV's new columns at its end."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.services import quality
from monitor.services.errors import PermissionDenied
from monitor.services.intervention_measures import EXPORT_COLUMNS
from tests import factories, ketamine_rows
from tests.factories import T0

START, END = T0 - timedelta(days=1), T0 + timedelta(days=1)


def test_rates_times_and_discrepancies(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    auditor = factories.user(database, Role.AUDITOR)
    first, _ = ketamine_rows.balanced(database, config, nurse, witness, lot="A")
    second, delivered = ketamine_rows.stopped(database, config, nurse, chair=1)
    ketamine_rows.draw(
        database, config, nurse, second, lot="B", volume_ml=round(delivered / 10 + 2, 2)
    )
    nausea = ketamine_rows.adverse_event(database, nurse, first)
    ketamine_rows.given(database, nurse, first, nausea)
    ketamine_rows.given(database, nurse, first, nausea, at=T0 + timedelta(minutes=5))
    severe = ketamine_rows.adverse_event(
        database, nurse, second, kind="symptomatic_hypertension", severity="severe"
    )
    ketamine_rows.acknowledge(database, physician, second, severe, T0 + timedelta(minutes=6))
    ketamine_rows.adverse_event(database, nurse, second, severity="moderate", serious=True)
    m = quality.intervention_measures(
        database=database, config=config, actor=auditor, start=START, end=END
    )
    assert (m.sessions, m.adverse_events, m.administrations) == (2, 3, 2)
    kinds = {r.key: (r.count, r.per_100) for r in m.by_kind}
    assert kinds["nausea"] == (2, 100.0) and kinds["symptomatic_hypertension"] == (1, 50.0)
    assert kinds["headache"] == (0, 0.0)  # the whole picklist, in its order
    grades = {r.key: r.count for r in m.by_grade}
    assert grades == {"mild": 1, "moderate": 1, "severe": 1, "life_threatening": 0}
    drugs = {r.key: (r.count, r.per_100) for r in m.by_drug}
    assert drugs["ondansetron"] == (2, 100.0) and drugs["midazolam"] == (0, 0.0)
    ack = m.acknowledgement
    assert (ack.flagged, ack.acknowledged, ack.unacknowledged) == (2, 1, 1)
    assert ack.median_minutes == ack.longest_minutes == 6.0
    assert [o.session_id for o in m.open_discrepancies] == [second]
    assert m.given_without_record == 0


def test_an_empty_period_has_no_rates(database: Database, config: Config) -> None:
    m = quality.intervention_measures(
        database=database,
        config=config,
        actor=factories.user(database, Role.AUDITOR),
        start=START,
        end=END,
    )
    assert m.sessions == 0 and all(r.per_100 is None for r in (*m.by_kind, *m.by_grade))
    assert m.acknowledgement.median_minutes is None and m.open_discrepancies == ()


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN, Role.ADMIN])
def test_only_the_auditor(database: Database, config: Config, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        quality.intervention_measures(
            database=database,
            config=config,
            actor=factories.user(database, role),
            start=START,
            end=END,
        )


def test_the_sessions_csv_ends_with_what_was_given_and_what_happened(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    sid, drawn = ketamine_rows.balanced(database, config, nurse, witness, lot="A", wasted_ml=0.5)
    event = ketamine_rows.adverse_event(database, nurse, sid, severity="severe")
    ketamine_rows.adverse_event(database, nurse, sid)
    ketamine_rows.given(database, nurse, sid, event)
    plain = factories.session(database, config, nurse, chair=config.clinic.chairs[1])
    lines = quality.sessions_csv(
        database=database,
        config=config,
        actor=factories.user(database, Role.AUDITOR),
        query=aq.HistoryFilter(),
    )
    rows = {int(r["session_id"]): r for r in csv.DictReader(io.StringIO("".join(lines)))}
    header = list(next(iter(rows.values())))
    assert header[-len(EXPORT_COLUMNS) :] == list(EXPORT_COLUMNS)
    assert header[: len(quality.SESSION_COLUMNS) - len(EXPORT_COLUMNS)][-1] == "course_planned"
    given = rows[sid]
    assert (given["adverse_events"], given["highest_grade"]) == ("2", "3")
    assert (given["serious_adverse_event"], given["rescue_medications"]) == ("yes", "1")
    assert given["ketamine_drawn_ml"] == f"{drawn:.2f}" and given["ketamine_wasted_ml"] == "0.50"
    assert float(given["ketamine_given_ml"]) == pytest.approx(drawn - 0.5)
    assert given["ketamine_balance"] == "Balanced"
    none = rows[plain]
    assert (none["adverse_events"], none["highest_grade"], none["serious_adverse_event"]) == (
        "0",
        "",
        "no",
    )
    assert none["ketamine_drawn_ml"] == "" and none["ketamine_balance"] == "No ketamine recorded"
