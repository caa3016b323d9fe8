"""A session's adverse events as the bedside card and the REMS answer read them: each event
with its kind's words, its latest outcome, who entered it and whether a physician has
acknowledged it; and the session's excursions an event may be linked to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.engine import Database
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    AdverseEventOutcomeEntry,
)
from monitor.db.models import Excursion, Reading, User
from monitor.domain.adverse_events import Graded, is_closed
from monitor.domain.vocabulary import AdverseEventOutcome, Severity


@dataclass(frozen=True)
class AdverseEventView:
    """One event as recorded, with its latest outcome (None: none recorded yet)."""

    id: int
    session_id: int
    kind: str
    kind_label: str
    note: str | None
    onset_at: datetime
    severity: Severity
    serious: bool
    action_taken: str | None
    excursion_id: int | None
    entered_by: str
    entered_at: datetime
    outcome: AdverseEventOutcome | None
    resolved_at: datetime | None
    outcome_note: str | None
    acknowledged: bool

    @property
    def closed(self) -> bool:
        return is_closed(self.outcome)

    @property
    def graded(self) -> Graded:
        return Graded(self.severity, self.serious, self.kind_label)


@dataclass(frozen=True)
class ExcursionChoice:
    """An excursion of the session, as the event form offers it."""

    id: int
    taken_at: datetime
    label: str
    message: str


def adverse_events_of(source: Database | Session, session_id: int) -> tuple[AdverseEventView, ...]:
    """The session's events, by onset (then as entered)."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return adverse_events_of(db, session_id)
    events = list(
        source.execute(
            select(AdverseEvent, User.full_name)
            .join(User, User.id == AdverseEvent.entered_by)
            .where(AdverseEvent.session_id == session_id)
            .order_by(AdverseEvent.onset_at, AdverseEvent.id)
        )
    )
    latest: dict[int, AdverseEventOutcomeEntry] = {}
    for row in source.scalars(
        select(AdverseEventOutcomeEntry)
        .where(AdverseEventOutcomeEntry.session_id == session_id)
        .order_by(AdverseEventOutcomeEntry.id)
    ):
        latest[row.adverse_event_id] = row  # the latest row by id stands
    acknowledged = set(
        source.scalars(
            select(AdverseEventAcknowledgement.adverse_event_id).where(
                AdverseEventAcknowledgement.session_id == session_id
            )
        )
    )
    return tuple(_view(event, name, latest.get(event.id), acknowledged) for event, name in events)


def _view(
    event: AdverseEvent,
    entered_by: str,
    outcome: AdverseEventOutcomeEntry | None,
    acknowledged: set[int],
) -> AdverseEventView:
    return AdverseEventView(
        id=event.id,
        session_id=event.session_id,
        kind=event.kind,
        kind_label=event.kind_label,
        note=event.note,
        onset_at=event.onset_at,
        severity=Severity(event.severity),
        serious=event.serious,
        action_taken=event.action_taken,
        excursion_id=event.excursion_id,
        entered_by=entered_by,
        entered_at=event.entered_at,
        outcome=AdverseEventOutcome(outcome.outcome) if outcome else None,
        resolved_at=outcome.resolved_at if outcome else None,
        outcome_note=outcome.note if outcome else None,
        acknowledged=event.id in acknowledged,
    )


def excursion_choices(source: Database | Session, session_id: int) -> tuple[ExcursionChoice, ...]:
    """The session's excursions, newest first (the one just flagged is the likely link)."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return excursion_choices(db, session_id)
    rows = source.execute(
        select(Excursion, Reading.taken_at)
        .join(Reading, Reading.id == Excursion.reading_id)
        .where(Excursion.session_id == session_id)
        .order_by(Reading.taken_at.desc(), Excursion.id.desc())
    )
    return tuple(ExcursionChoice(e.id, taken, e.label, e.message) for e, taken in rows)
