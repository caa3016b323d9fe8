"""Adverse events that go to the physician's board (severe or worse, or marked serious:
domain.adverse_events.flags_board), which of them are open, and the physician's
acknowledgement of one, with a note, once per submission key.

Modelled on the safety flags (services/safety_flags.py): a signed, locked record takes no
more acknowledgements; what was missed is corrected by an addendum. An event that raises
no flag (mild or moderate and not serious) has nothing to acknowledge and is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, AdverseEventAcknowledgement
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.domain.adverse_events import Graded, flags_board
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.domain.vocabulary import Severity
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import Conflict, IllegalTransition, NotFound
from monitor.services.idempotency import check_key, same_person, same_values
from monitor.services.safety_flags import note_text
from monitor.services.session_lifecycle import load_locked

FLAG_WORDS = "Adverse event"


@dataclass(frozen=True)
class OpenAdverseFlag:
    """A flagged adverse event no physician has acknowledged yet."""

    adverse_event_id: int
    session_id: int
    kind: str
    kind_label: str
    severity: Severity
    serious: bool
    onset_at: datetime

    @property
    def message(self) -> str:
        return flag_message(self.kind_label, self.severity, self.serious)


@dataclass(frozen=True)
class AdverseEventAcknowledged:
    acknowledgement_id: int
    adverse_event_id: int
    duplicate: bool


def flag_message(kind_label: str, severity: Severity, serious: bool) -> str:
    """The flag's line on the board: what happened and how bad, in the CTCAE words."""
    return f"{FLAG_WORDS}: {kind_label} — {severity.label}" + (", serious" if serious else "")


def flags(severity: str | Severity, serious: bool, config: Config) -> bool:
    """Whether an event goes to the board, by the domain's rule and the clinic's grade."""
    graded = Graded(Severity(severity), bool(serious))
    return flags_board(graded, board_flag_from=config.adverse_events.board_flag_from)


def open_adverse_flags(
    source: Database | Session, session_id: int, config: Config
) -> tuple[OpenAdverseFlag, ...]:
    """A session's flagged adverse events no physician has acknowledged yet, oldest first."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return open_adverse_flags(db, session_id, config)
    acknowledged = select(AdverseEventAcknowledgement.adverse_event_id).where(
        AdverseEventAcknowledgement.session_id == session_id
    )
    rows = source.scalars(
        select(AdverseEvent)
        .where(AdverseEvent.session_id == session_id, AdverseEvent.id.not_in(acknowledged))
        .order_by(AdverseEvent.onset_at, AdverseEvent.id)
    )
    return tuple(
        OpenAdverseFlag(
            r.id, r.session_id, r.kind, r.kind_label, Severity(r.severity), r.serious, r.onset_at
        )
        for r in rows
        if flags(r.severity, r.serious, config)
    )


def acknowledge_adverse_event(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    adverse_event_id: int,
    note: str | None,
    submission_key: str,
    now: datetime | None = None,
) -> AdverseEventAcknowledged:
    """The physician has seen the flagged event (and says what was done); a repeated key
    replays. Only a physician acknowledges (Action.ACKNOWLEDGE)."""
    ensure_allowed(actor, Action.ACKNOWLEDGE)
    check_key(submission_key)
    text = note_text(note)
    at = now or utcnow()
    for attempt in range(2):
        try:
            with database.session_scope() as db:
                return _write(db, config, actor, adverse_event_id, text, submission_key, at)
        except IntegrityError:
            if attempt:
                raise  # a concurrent acknowledgement won; the second pass reports it
    raise AssertionError("unreachable")


def _write(
    db: Session,
    config: Config,
    actor: Actor,
    event_id: int,
    note: str | None,
    key: str,
    at: datetime,
) -> AdverseEventAcknowledged:
    keyed = db.scalars(
        select(AdverseEventAcknowledgement).where(AdverseEventAcknowledgement.submission_key == key)
    ).one_or_none()
    if keyed is not None:
        same_person(keyed.acknowledged_by, actor.id)
        same_values(
            {"event": keyed.adverse_event_id, "note": keyed.note}, {"event": event_id, "note": note}
        )
        return AdverseEventAcknowledged(keyed.id, keyed.adverse_event_id, duplicate=True)
    event = db.get(AdverseEvent, event_id)
    if event is None:
        raise NotFound(f"Adverse event {event_id} does not exist")
    if not flags(event.severity, event.serious, config):
        raise IllegalTransition(
            f"This {event.kind_label.lower()} is {Severity(event.severity).label.lower()} and "
            "not serious: it raises no flag on the board, so there is nothing to acknowledge."
        )
    session = load_locked(db, event.session_id)
    if not accepts_entries(SessionState(session.state)):
        raise IllegalTransition(
            f"This session is {session.state.replace('_', ' ')} and its record is signed and "
            "locked: acknowledgements can no longer be added. Add an addendum to the record "
            "to say what was seen and done."
        )
    prior = db.scalars(
        select(AdverseEventAcknowledgement).where(
            AdverseEventAcknowledgement.adverse_event_id == event_id
        )
    ).one_or_none()
    if prior is not None:
        who = db.get(User, prior.acknowledged_by)
        name = who.full_name if who else "another user"
        raise Conflict(f"Already acknowledged by {name}")
    row = AdverseEventAcknowledgement(
        adverse_event_id=event.id,
        session_id=event.session_id,
        note=note,
        acknowledged_by=actor.id,
        acknowledged_at=at,
        submission_key=key,
    )
    db.add(row)
    db.flush()
    add_audit(
        db,
        actor=actor,
        action="adverse_event.acknowledged",
        entity_type="adverse_event",
        entity_id=event.id,
        session_id=event.session_id,
        at=at,
        old={"acknowledged": False},
        new={
            "acknowledged": True,
            "note": note,
            "kind": event.kind,
            "severity": event.severity,
            "serious": event.serious,
        },
        reason=note,
    )
    return AdverseEventAcknowledged(row.id, event.id, duplicate=False)
