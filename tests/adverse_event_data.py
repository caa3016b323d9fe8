"""Adverse events built through the real service, for the tests of issue 13 (adverse events
at the bedside, the REMS answer, and whoever else needs an event in a session)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from monitor.services.actors import Actor
from monitor.services.adverse_events import (
    EventSaved,
    OutcomeSaved,
    record_adverse_event,
    record_outcome,
)
from tests import factories


def event_values(**changes: Any) -> dict[str, Any]:
    """A mild nausea with nothing else said; `changes` override any value."""
    values: dict[str, Any] = {
        "kind": "nausea",
        "severity": Severity.MILD,
        "serious": False,
        "onset_at": factories.T0,
        "action_taken": None,
        "note": None,
        "excursion_id": None,
    }
    values.update(changes)
    return values


def adverse_event(
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    *,
    now: datetime,
    key: str | None = None,
    **changes: Any,
) -> EventSaved:
    """Record an event (mild nausea at T0 unless changed), as `actor` at `now`."""
    return record_adverse_event(
        database=database,
        config=config,
        actor=actor,
        session_id=session_id,
        idempotency_key=key or factories.key(),
        now=now,
        **event_values(**changes),
    )


def outcome(
    database: Database,
    config: Config,
    actor: Actor,
    event_id: int,
    *,
    now: datetime,
    outcome: AdverseEventOutcome | str = AdverseEventOutcome.RESOLVED,
    resolved_at: datetime | None = None,
    note: str | None = None,
    key: str | None = None,
) -> OutcomeSaved:
    """Record an outcome (resolved at `now` unless told)."""
    chosen = outcome
    return record_outcome(
        database=database,
        config=config,
        actor=actor,
        adverse_event_id=event_id,
        outcome=chosen,
        resolved_at=resolved_at if resolved_at is not None else now,
        note=note,
        idempotency_key=key or factories.key(),
        now=now,
    )
