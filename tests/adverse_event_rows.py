"""Adverse events for the board's tests, written as plain rows: the nurse's service
(services/adverse_events.record_adverse_event) is written beside the board, and the board
only reads what is stored. No audit entry: these are test data, not a nurse's entry."""

from __future__ import annotations

from datetime import datetime

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent
from monitor.domain.vocabulary import Severity
from monitor.services.actors import Actor
from tests import factories


def adverse_event(
    database: Database,
    config: Config,
    nurse: Actor,
    session_id: int,
    at: datetime,
    *,
    kind: str = "respiratory_depression",
    severity: Severity = Severity.SEVERE,
    serious: bool = False,
    excursion_id: int | None = None,
) -> int:
    """One adverse event of the clinic's picklist, with onset `at`; its id."""
    with database.session_scope() as db:
        row = AdverseEvent(
            session_id=session_id,
            entered_by=nurse.id,
            entered_at=at,
            idempotency_key=factories.key(),
            kind=kind,
            kind_label=config.adverse_events.kind(kind).label,
            note=None,
            onset_at=at,
            severity=severity.value,
            serious=serious,
            action_taken="Chin lift, oxygen 2 L/min",
            excursion_id=excursion_id,
        )
        db.add(row)
        db.flush()
        return row.id
