"""The adverse-event and medication exports: streamed CSV lines for a period, times in the
clinic's zone, the record's words, each export audited, cells that look like formulas
neutralised, and only for the auditor."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.record_access import RECORD_EXPORTED
from monitor.services.errors import PermissionDenied
from monitor.services.intervention_exports import (
    ADVERSE_EVENT_COLUMNS,
    MEDICATION_COLUMNS,
    adverse_events_csv,
    medications_csv,
)
from tests import factories
from tests import intervention_rows as rows
from tests.factories import T0

START, END = T0 - timedelta(hours=1), T0 + timedelta(hours=2)


def _read(lines: object) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))  # type: ignore[arg-type]


def test_adverse_events_export(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    rows.adverse_event(
        database, t.nurse, t.session_id, T0 + timedelta(minutes=30), kind="other",
        kind_label="Other (say what in the note)", note='=HYPERLINK("http://x","y")',
        action_taken="+1 sip of water",
    )  # fmt: skip
    auditor = factories.user(database, Role.AUDITOR)
    lines = adverse_events_csv(
        database=database, config=config, actor=auditor, start=START, end=END
    )
    got = _read(lines)
    assert list(got[0]) == list(ADVERSE_EVENT_COLUMNS)
    nausea, hypertension, other = got
    assert nausea["onset_at"] == "2026-11-20T08:10:00-07:00"
    assert (nausea["event"], nausea["grade"], nausea["serious"]) == ("Nausea", "1", "no")
    assert nausea["outcome"] == "Resolved" and nausea["resolved_at"].endswith("08:25:00-07:00")
    assert hypertension["acknowledged_by"] == t.doctor.full_name and hypertension["outcome"] == ""
    assert other["note"] == '\'=HYPERLINK("http://x","y")'  # neutralised
    assert other["action_taken"] == "'+1 sip of water"
    assert nausea["mrn"] and nausea["session_id"] == str(t.session_id)
    with database.session_scope() as db:
        audited = db.scalars(
            select(AuditEvent.new_values).where(AuditEvent.action == RECORD_EXPORTED)
        ).all()
    assert any(a and a.get("export") == "adverse_events.csv" for a in audited)


def test_medications_export(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    auditor = factories.user(database, Role.AUDITOR)
    got = _read(
        medications_csv(database=database, config=config, actor=auditor, start=START, end=END)
    )
    assert list(got[0]) == list(MEDICATION_COLUMNS)
    ondansetron, labetalol = got
    assert ondansetron["given_at"] == "2026-11-20T08:12:00-07:00"
    assert (ondansetron["dose"], ondansetron["unit"], ondansetron["route"]) == ("4.0", "mg", "IV")
    assert ondansetron["indication"] == "Nausea (Grade 1: mild)"
    assert ondansetron["ordered_by"] == "standing order"
    assert labetalol["indication"] == "excursion 08:20 185/95"
    assert (
        labetalol["ordered_by"] == t.doctor.full_name and labetalol["given_by"] == t.nurse.full_name
    )


def test_outside_the_period_nothing(database: Database, config: Config) -> None:
    rows.treated_session(database, config)
    auditor = factories.user(database, Role.AUDITOR)
    later = END + timedelta(days=1)
    assert (
        _read(
            medications_csv(database=database, config=config, actor=auditor, start=END, end=later)
        )
        == []
    )


def test_only_the_auditor_exports(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    for export in (adverse_events_csv, medications_csv):
        with pytest.raises(PermissionDenied):
            export(database=database, config=config, actor=nurse, start=START, end=END)
