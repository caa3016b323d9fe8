"""Record an adverse event at the chair, and its outcome, once per submission key, each
with its audit entry in the same transaction.

The kind comes from the clinic's picklist (config.adverse_events), the severity is a CTCAE
grade, the onset is not in the future nor before the session opened, and a linked excursion
is one of the same session's. A locked record (after discharge or exit) takes neither: what
was missed is added as an addendum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, AdverseEventOutcomeEntry
from monitor.db.models import Excursion, InfusionSession
from monitor.db.types import utcnow
from monitor.domain.adverse_events import check_onset, check_resolved_time, needs_resolved_time
from monitor.domain.errors import FieldProblem, InvalidEntry, refuse
from monitor.domain.free_text import MAX_FREE_TEXT, unstorable
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.adverse_event_reads import (
    AdverseEventView,
    ExcursionChoice,
    adverse_events_of,
    excursion_choices,
)
from monitor.services.audit import add_recorded
from monitor.services.errors import IllegalTransition, NotFound
from monitor.services.idempotency import run_once, same_person, same_session, same_values
from monitor.services.session_lifecycle import load_locked

__all__ = [
    "AdverseEventView",
    "EventSaved",
    "ExcursionChoice",
    "OutcomeSaved",
    "adverse_events_of",
    "excursion_choices",
    "record_adverse_event",
    "record_outcome",
]


@dataclass(frozen=True)
class EventSaved:
    adverse_event_id: int
    duplicate: bool


@dataclass(frozen=True)
class OutcomeSaved:
    outcome_id: int
    adverse_event_id: int
    duplicate: bool


def free_text(value: object, field: str, label: str) -> str | None:
    """A note or the action taken as stored: stripped, None when empty; anything not text,
    too long or unstorable is refused at its field."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise refuse(field, f"{label}: enter text")
    text = value.strip() or None
    if text and len(text) > MAX_FREE_TEXT:
        raise refuse(field, f"{label}: keep it under {MAX_FREE_TEXT} characters")
    problem = unstorable(text) if text else None
    if problem:
        raise refuse(field, f"{label} holds {problem}")
    return text


def _collect(problems: list[FieldProblem], work: Callable[[], Any]) -> Any:
    """Run one field's check, keeping its problem (not raising) so every bad field is
    marked at once."""
    try:
        return work()
    except InvalidEntry as error:
        problems.extend(error.problems)
        return None


def _locked_for_entries(db: Session, session_id: int, what: str) -> InfusionSession:
    """The session row, locked; refused once its record is signed and locked."""
    session = load_locked(db, session_id)
    state = SessionState(session.state)
    if not accepts_entries(state):
        raise IllegalTransition(
            f"This session is {state.value.replace('_', ' ')} and its record is signed and "
            f"locked: {what} can no longer be added. Add an addendum to the record to say "
            "what happened and what was done."
        )
    return session


def _event_values(
    config: Config,
    kind: object,
    severity: object,
    onset_at: object,
    action_taken: object,
    note: object,
) -> dict[str, Any]:
    """The event's values as stored; every bad one named at its field, all at once."""
    problems: list[FieldProblem] = []
    chosen = next((k for k in config.adverse_events.kinds if k.code == kind), None)
    if chosen is None:
        problems.append(FieldProblem("kind", "Choose what happened from the list"))
    if not isinstance(severity, str) or severity not in set(Severity):
        problems.append(FieldProblem("severity", "Choose the grade: 1 mild to 4 life-threatening"))
    if not isinstance(onset_at, datetime) or onset_at.tzinfo is None:
        problems.append(FieldProblem("onset_at", "Say when it began"))
    action = _collect(problems, lambda: free_text(action_taken, "action_taken", "Action taken"))
    text = _collect(problems, lambda: free_text(note, "note", "The note"))
    if chosen is not None and chosen.note_required and not text:
        problems.append(FieldProblem("note", f"{chosen.label}: say what in the note"))
    if problems:
        raise InvalidEntry(problems)
    assert chosen is not None and isinstance(onset_at, datetime)
    return {
        "kind": chosen.code,
        "kind_label": chosen.label,
        "severity": Severity(str(severity)).value,
        "onset_at": onset_at,
        "action_taken": action,
        "note": text,
    }


def _check_excursion(db: Session, excursion_id: int | None, session_id: int) -> None:
    if excursion_id is None:
        return
    excursion = db.get(Excursion, excursion_id)
    if excursion is None or excursion.session_id != session_id:
        raise refuse("excursion_id", "Choose one of this session's excursions, or none")


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def record_adverse_event(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    kind: str,
    severity: Severity | str,
    serious: bool,
    onset_at: datetime | None,
    action_taken: str | None,
    note: str | None,
    excursion_id: int | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> EventSaved:
    """A nurse or physician records what happened at the chair; a repeated key replays."""
    ensure_allowed(actor, Action.RECORD_ADVERSE_EVENT)
    at = now or utcnow()
    values = _event_values(config, kind, severity, onset_at, action_taken, note)
    if excursion_id is not None and (
        isinstance(excursion_id, bool) or not isinstance(excursion_id, int)
    ):
        raise refuse("excursion_id", "Choose one of this session's excursions, or none")
    values["serious"] = serious is True
    values["excursion_id"] = excursion_id
    skew = config.readings.clock_skew

    def write(db: Session) -> EventSaved:
        session = _locked_for_entries(db, session_id, "adverse events")
        check_onset(values["onset_at"], now=at, opened_at=session.opened_at, skew=skew)
        _check_excursion(db, excursion_id, session_id)
        row = AdverseEvent(
            session_id=session_id,
            entered_by=actor.id,
            entered_at=at,
            idempotency_key=idempotency_key,
            **values,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="adverse_event.recorded",
            entity_type="adverse_event",
            session_id=session_id,
            at=at,
            new=_audited(values),
        )
        return EventSaved(row.id, duplicate=False)

    def replay(_db: Session, prior: AdverseEvent) -> EventSaved:
        same_session(prior.session_id, session_id)
        same_person(prior.entered_by, actor.id)
        same_values({k: getattr(prior, k) for k in values}, values)
        return EventSaved(prior.id, duplicate=True)

    return run_once(database, AdverseEvent, idempotency_key, write=write, replay=replay)


def record_outcome(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    adverse_event_id: int,
    outcome: AdverseEventOutcome | str,
    resolved_at: datetime | None,
    note: str | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> OutcomeSaved:
    """The event's outcome as it stands now (a new entry; the latest stands). A resolved
    outcome says when it resolved: not before the onset, not in the future."""
    ensure_allowed(actor, Action.RECORD_ADVERSE_EVENT)
    at = now or utcnow()
    if not isinstance(outcome, str) or outcome not in set(AdverseEventOutcome):
        raise refuse("outcome", "Choose the outcome")
    chosen = AdverseEventOutcome(str(outcome))
    text = free_text(note, "outcome_note", "The note")
    if resolved_at is not None and (
        not isinstance(resolved_at, datetime) or resolved_at.tzinfo is None
    ):
        raise refuse("resolved_at", "Say when it resolved")
    skew = config.readings.clock_skew

    def write(db: Session) -> OutcomeSaved:
        event = db.get(AdverseEvent, adverse_event_id)
        if event is None:
            raise NotFound(f"Adverse event {adverse_event_id} does not exist")
        _locked_for_entries(db, event.session_id, "outcomes")
        when = check_resolved_time(chosen, resolved_at, onset_at=event.onset_at, now=at, skew=skew)
        row = AdverseEventOutcomeEntry(
            session_id=event.session_id,
            entered_by=actor.id,
            entered_at=at,
            idempotency_key=idempotency_key,
            adverse_event_id=event.id,
            outcome=chosen.value,
            resolved_at=when,
            note=text,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="adverse_event.outcome_recorded",
            entity_type="adverse_event_outcome",
            session_id=event.session_id,
            at=at,
            new=_audited(
                {
                    "adverse_event_id": event.id,
                    "outcome": chosen.value,
                    "resolved_at": when,
                    "note": text,
                }
            ),
        )
        return OutcomeSaved(row.id, event.id, duplicate=False)

    def replay(_db: Session, prior: AdverseEventOutcomeEntry) -> OutcomeSaved:
        same_person(prior.entered_by, actor.id)
        same_values(
            {
                "adverse_event_id": prior.adverse_event_id,
                "outcome": prior.outcome,
                "resolved_at": prior.resolved_at,
                "note": prior.note,
            },
            {
                "adverse_event_id": adverse_event_id,
                "outcome": chosen.value,
                "resolved_at": resolved_at if needs_resolved_time(chosen) else None,
                "note": text,
            },
        )
        return OutcomeSaved(prior.id, prior.adverse_event_id, duplicate=True)

    return run_once(database, AdverseEventOutcomeEntry, idempotency_key, write=write, replay=replay)
