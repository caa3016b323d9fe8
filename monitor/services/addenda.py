"""Corrections as addenda: the original stays as recorded; the addendum says what it should
have been, who says so, when and why (21 CFR 11.10(e); AHIMA correction practice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Addendum, InfusionSession, Reading
from monitor.db.repositories import READING_MEASURES
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Action
from monitor.domain.vitals import VitalSigns, parse_reading_value, plausibility_problems
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import InvalidEntry, NotFound
from monitor.services.idempotency import run_once, same_person, same_session, same_values

MAX_TEXT = MAX_FREE_TEXT


@dataclass(frozen=True)
class AddendumSaved:
    addendum_id: int
    duplicate: bool


def _corrected_reading_value(row: Reading, field: str, text: str, config: Config) -> str:
    """A corrected vital must itself be plausible, judged with the rest of the reading."""
    current = {f: getattr(row, f) for f in READING_MEASURES}
    current[field] = parse_reading_value(field, text)
    problems = plausibility_problems(
        VitalSigns(**current), config.plausibility, require_moaas=False
    )
    if problems:
        raise InvalidEntry(problems)
    return str(current[field])


def _as_stored(
    db: Session,
    config: Config,
    session_id: int,
    reading_id: int | None,
    field: str | None,
    text: str,
) -> tuple[str | None, str]:
    """The original and the corrected value as an addendum stores them: a note as written
    (stripped); a reading's value parsed and judged with the rest of that reading."""
    if reading_id is None or field is None:
        return None, text
    row = db.get(Reading, reading_id)
    if row is None or row.session_id != session_id:
        raise refuse("reading", "That reading is not part of this session")
    original = getattr(row, field)
    value = _corrected_reading_value(row, field, text, config)
    return None if original is None else str(original), value


def add_addendum(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    reason: str,
    corrected_value: str,
    idempotency_key: str,
    reading_id: int | None = None,
    field: str | None = None,
    now: datetime | None = None,
) -> AddendumSaved:
    """Add a correction to a reading's value, or (no reading) a note on the session."""
    ensure_allowed(actor, Action.ADD_ADDENDUM)
    at = now or utcnow()
    why, text = (reason or "").strip(), (corrected_value or "").strip()
    if not why or len(why) > MAX_TEXT:
        raise refuse("reason", "Say why the record is corrected")
    if not text or len(text) > MAX_TEXT:
        raise refuse("corrected_value", "Write the corrected value or note")
    if (reading_id is None) != (field is None):
        raise refuse("field", "Name both the reading and the value to correct")
    if field is not None and field not in READING_MEASURES:
        raise refuse("field", "Choose which value of the reading to correct")

    def write(db: Session) -> AddendumSaved:
        session = db.get(InfusionSession, session_id)
        if session is None:
            raise NotFound(f"Session {session_id} does not exist")
        original, value = _as_stored(db, config, session_id, reading_id, field, text)
        target = "session" if reading_id is None else "reading"
        addendum = Addendum(
            session_id=session_id,
            target_type=target,
            target_id=reading_id,
            field=field,
            original_value=original,
            corrected_value=value,
            reason=why,
            author_id=actor.id,
            created_at=at,
            idempotency_key=idempotency_key,
        )
        db.add(addendum)
        db.flush()
        add_audit(
            db,
            actor=actor,
            action="addendum.added",
            entity_type=target,
            entity_id=reading_id,
            session_id=session_id,
            at=at,
            reason=why,
            old={field or "note": addendum.original_value},
            new={field or "note": value, "addendum_id": addendum.id},
        )
        return AddendumSaved(addendum.id, duplicate=False)

    def replay(db: Session, prior: Addendum) -> AddendumSaved:
        same_session(prior.session_id, session_id)
        same_person(prior.author_id, actor.id)
        same_values(
            {"reading": prior.target_id, "field": prior.field, "reason": prior.reason},
            {"reading": reading_id, "field": field, "reason": why},
        )
        _, value = _as_stored(db, config, session_id, reading_id, field, text)
        same_values({"corrected_value": prior.corrected_value}, {"corrected_value": value})
        return AddendumSaved(prior.id, duplicate=True)

    return run_once(database, Addendum, idempotency_key, write=write, replay=replay)
