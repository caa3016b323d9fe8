"""Safety flags an answer raised (PHQ-9 item 9 above 0): which are open, and the
physician's acknowledgement of one, with a note, once per submission key.

A signed, locked record takes no more acknowledgements (as with excursions): what was
missed is corrected by an addendum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.db.course_models import SafetyFlag, SafetyFlagAcknowledgement
from monitor.db.engine import Database
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT, unstorable
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import Conflict, IllegalTransition, NotFound
from monitor.services.idempotency import check_key, same_person, same_values
from monitor.services.session_lifecycle import load_locked


@dataclass(frozen=True)
class OpenFlag:
    flag_id: int
    session_id: int
    kind: str
    priority: str
    message: str
    response_id: int
    raised_at: datetime


@dataclass(frozen=True)
class FlagAcknowledged:
    acknowledgement_id: int
    flag_id: int
    duplicate: bool


def note_text(note: str | None) -> str | None:
    text = (note or "").strip() or None
    if text and len(text) > MAX_FREE_TEXT:
        raise refuse("note", f"Keep the note under {MAX_FREE_TEXT} characters")
    problem = unstorable(text) if text else None
    if problem:
        raise refuse("note", f"The note holds {problem}")
    return text


def open_safety_flags(source: Database | Session, session_id: int) -> tuple[OpenFlag, ...]:
    """A session's flags no physician has acknowledged yet, oldest first."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return open_safety_flags(db, session_id)
    acknowledged = select(SafetyFlagAcknowledgement.flag_id)
    rows = source.scalars(
        select(SafetyFlag)
        .where(SafetyFlag.session_id == session_id, SafetyFlag.id.not_in(acknowledged))
        .order_by(SafetyFlag.id)
    )
    return tuple(
        OpenFlag(r.id, r.session_id, r.kind, r.priority, r.message, r.response_id, r.raised_at)
        for r in rows
    )


def add_acknowledgement(
    db: Session,
    *,
    actor: Actor,
    flag: SafetyFlag,
    note: str | None,
    submission_key: str,
    at: datetime,
) -> SafetyFlagAcknowledgement:
    """Acknowledge one flag in the caller's transaction, audited there (the pre-dose
    clearance of self-harm acknowledges the open flag this way)."""
    row = SafetyFlagAcknowledgement(
        flag_id=flag.id,
        session_id=flag.session_id,
        note=note,
        acknowledged_by=actor.id,
        acknowledged_at=at,
        submission_key=submission_key,
    )
    db.add(row)
    db.flush()
    add_audit(
        db,
        actor=actor,
        action="safety_flag.acknowledged",
        entity_type="safety_flag",
        entity_id=flag.id,
        session_id=flag.session_id,
        at=at,
        old={"acknowledged": False},
        new={
            "acknowledged": True,
            "note": note,
            "kind": flag.kind,
            "priority": flag.priority,
            "response_id": flag.response_id,
        },
        reason=note,
    )
    return row


def acknowledge_safety_flag(
    *,
    database: Database,
    actor: Actor,
    flag_id: int,
    note: str | None,
    submission_key: str,
    now: datetime | None = None,
) -> FlagAcknowledged:
    """The physician has seen the flag (and says what was done); a repeated key replays."""
    ensure_allowed(actor, Action.ACKNOWLEDGE)
    check_key(submission_key)
    text = note_text(note)
    at = now or utcnow()
    for attempt in range(2):
        try:
            with database.session_scope() as db:
                return _write(db, actor, flag_id, text, submission_key, at)
        except IntegrityError:
            if attempt:
                raise  # a concurrent acknowledgement won; the second pass reports it
    raise AssertionError("unreachable")


def _write(
    db: Session, actor: Actor, flag_id: int, note: str | None, key: str, at: datetime
) -> FlagAcknowledged:
    keyed = db.scalars(
        select(SafetyFlagAcknowledgement).where(SafetyFlagAcknowledgement.submission_key == key)
    ).one_or_none()
    if keyed is not None:
        same_person(keyed.acknowledged_by, actor.id)
        same_values({"flag": keyed.flag_id, "note": keyed.note}, {"flag": flag_id, "note": note})
        return FlagAcknowledged(keyed.id, keyed.flag_id, duplicate=True)
    flag = db.get(SafetyFlag, flag_id)
    if flag is None:
        raise NotFound(f"Safety flag {flag_id} does not exist")
    session = load_locked(db, flag.session_id)
    if not accepts_entries(SessionState(session.state)):
        raise IllegalTransition(
            f"This session is {session.state.replace('_', ' ')} and its record is signed and "
            "locked: acknowledgements can no longer be added. Add an addendum to the record "
            "to say what was seen and done."
        )
    prior = db.scalars(
        select(SafetyFlagAcknowledgement).where(SafetyFlagAcknowledgement.flag_id == flag_id)
    ).one_or_none()
    if prior is not None:
        who = db.get(User, prior.acknowledged_by)
        name = who.full_name if who else "another user"
        raise Conflict(f"Already acknowledged by {name}")
    row = add_acknowledgement(db, actor=actor, flag=flag, note=note, submission_key=key, at=at)
    return FlagAcknowledged(row.id, flag.id, duplicate=False)
