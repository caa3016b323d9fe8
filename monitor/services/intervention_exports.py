"""The auditor's exports of what was given and what happened over a period: adverse events
and rescue medications as CSV lines, streamed (bounded memory) and audited before the
first line leaves. Times in the clinic's zone (ISO 8601 with offset), words as the record
shows them, every cell neutralised against spreadsheet formulas (domain/csv_cells.py), as
every other export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries.intervention_stream import adverse_events_in, medications_in
from monitor.db.queries.interventions import excursion_words
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_iso
from monitor.domain.csv_cells import csv_line
from monitor.domain.permissions import Action
from monitor.domain.record_access import RECORD_EXPORTED
from monitor.domain.vocabulary import AdverseEventOutcome, MedicationRoute, Severity, label_of
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit

ADVERSE_EVENT_COLUMNS = (
    "session_id",
    "mrn",
    "onset_at",
    "kind",
    "event",
    "grade",
    "severity",
    "serious",
    "action_taken",
    "note",
    "outcome",
    "resolved_at",
    "entered_by",
    "acknowledged_by",
    "acknowledged_at",
    "excursion_id",
)
MEDICATION_COLUMNS = (
    "session_id",
    "mrn",
    "given_at",
    "drug",
    "drug_name",
    "dose",
    "unit",
    "route",
    "indication",
    "given_by",
    "ordered_by",
    "ordered_at",
    "order_reason",
)


def _audit(database: Database, actor: Actor, what: str, start: datetime, end: datetime) -> None:
    with database.session_scope() as db:
        add_audit(
            db,
            actor=actor,
            action=RECORD_EXPORTED,
            entity_type="export",
            entity_id=None,
            session_id=None,
            at=utcnow(),
            new={"export": what, "start": start.isoformat(), "end": end.isoformat()},
        )


def adverse_events_csv(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> Iterator[str]:
    """Every adverse event with onset in [start, end), as CSV lines."""
    ensure_allowed(actor, Action.REVIEW)
    _audit(database, actor, "adverse_events.csv", start, end)
    zone = config.clinic.zone

    def lines() -> Iterator[str]:
        yield csv_line(ADVERSE_EVENT_COLUMNS)
        with database.session_scope() as db:
            for r in adverse_events_in(db, start, end):
                yield csv_line(adverse_event_cells(r, zone))

    return lines()


def adverse_event_cells(r: dict[str, Any], zone: ZoneInfo) -> list[object]:
    severity = Severity(r["severity"])
    return [
        r["session_id"],
        r["mrn"],
        clinic_iso(r["onset_at"], zone),
        r["kind"],
        r["kind_label"],
        severity.grade,
        severity.label,
        "yes" if r["serious"] else "no",
        r["action_taken"] or "",
        r["note"] or "",
        label_of(AdverseEventOutcome, r["outcome"]) if r["outcome"] else "",
        clinic_iso(r["resolved_at"], zone),
        r["entered_by"],
        r["acknowledged_by"] or "",
        clinic_iso(r["acknowledged_at"], zone),
        r["excursion_id"] if r["excursion_id"] is not None else "",
    ]


def medications_csv(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> Iterator[str]:
    """Every rescue-medication dose given in [start, end), as CSV lines."""
    ensure_allowed(actor, Action.REVIEW)
    _audit(database, actor, "medications.csv", start, end)
    zone = config.clinic.zone

    def lines() -> Iterator[str]:
        yield csv_line(MEDICATION_COLUMNS)
        with database.session_scope() as db:
            for r in medications_in(db, start, end):
                yield csv_line(medication_cells(r, zone))

    return lines()


def medication_cells(r: dict[str, Any], zone: ZoneInfo) -> list[object]:
    indication = []
    if r["event_kind_label"] is not None:
        indication.append(f"{r['event_kind_label']} ({label_of(Severity, r['event_severity'])})")
    if r["excursion_at"] is not None:
        indication.append(
            excursion_words(
                r["excursion_at"], r["excursion_systolic"], r["excursion_diastolic"], zone
            )
        )
    return [
        r["session_id"],
        r["mrn"],
        clinic_iso(r["given_at"], zone),
        r["drug"],
        r["drug_name"],
        r["dose"],
        r["unit"],
        label_of(MedicationRoute, r["route"]),
        "; ".join(indication),
        r["given_by"],
        r["ordered_by"] or "standing order",
        clinic_iso(r["ordered_at"], zone),
        r["order_reason"] or "",
    ]
