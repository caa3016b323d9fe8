"""Acknowledge excursions: the physician records what was done; who and when are kept.

A signed, locked record (discharged or ended) takes no more acknowledgements: what was
missed is corrected by an addendum, so the signed record never changes afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Acknowledgement, Excursion, User
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.domain.vocabulary import AcknowledgementAction
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import Conflict, IllegalTransition, NotFound
from monitor.services.idempotency import check_key, same_person, same_values
from monitor.services.session_lifecycle import load_locked
from monitor.services.summaries import refresh_summary

MAX_NOTE = MAX_FREE_TEXT


@dataclass(frozen=True)
class Acknowledged:
    excursion_ids: tuple[int, ...]
    duplicate: bool


def acknowledge_excursions(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    excursion_ids: Sequence[int],
    action: str,
    idempotency_key: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Acknowledged:
    """Acknowledge one or more excursions of one session with the action taken."""
    ensure_allowed(actor, Action.ACKNOWLEDGE)
    check_key(idempotency_key)
    if action not in frozenset(AcknowledgementAction):
        raise refuse("action", "Choose the action taken")
    text = (note or "").strip() or None
    if text and len(text) > MAX_NOTE:
        raise refuse("note", f"Keep the note under {MAX_NOTE} characters")
    if action == "other" and not text:
        raise refuse("note", "Say what was done")
    ids = sorted({int(i) for i in excursion_ids})
    if not ids:
        raise refuse("excursion", "Choose an excursion to acknowledge")
    at = now or utcnow()
    for attempt in range(2):
        try:
            with database.session_scope() as db:
                return _write(db, config, actor, ids, action, text, idempotency_key, at)
        except IntegrityError:
            if attempt:
                raise  # a concurrent acknowledgement won; the second pass reports it
    raise AssertionError("unreachable")


def _write(
    db: Session,
    config: Config,
    actor: Actor,
    ids: list[int],
    action: str,
    note: str | None,
    key: str,
    at: datetime,
) -> Acknowledged:
    excursions = list(db.scalars(select(Excursion).where(Excursion.id.in_(ids))))
    if len(excursions) != len(ids) or len({e.session_id for e in excursions}) != 1:
        raise NotFound("Those excursions are not one session's")
    prior = {
        a.excursion_id: a
        for a in db.scalars(select(Acknowledgement).where(Acknowledgement.excursion_id.in_(ids)))
    }
    keyed = list(db.scalars(select(Acknowledgement).where(Acknowledgement.submission_key == key)))
    if keyed:
        return _replay(keyed, prior, actor, ids, action, note)
    session = load_locked(db, excursions[0].session_id)  # waits for a discharge in progress
    if not accepts_entries(SessionState(session.state)):
        raise IllegalTransition(
            f"This session is {session.state.replace('_', ' ')} and its record is signed and "
            "locked: acknowledgements can no longer be added. Add an addendum to the record "
            "to say what was seen and done."
        )
    todo = [e for e in excursions if e.id not in prior]
    if not todo:
        first = next(iter(prior.values()))
        who = db.get(User, first.acknowledged_by)
        name = who.full_name if who else "another user"
        when = first.acknowledged_at.astimezone(config.clinic.zone)  # clinic time, as shown
        raise Conflict(f"Already acknowledged by {name} at {when:%H:%M}")
    for excursion in todo:
        row = Acknowledgement(
            excursion_id=excursion.id,
            session_id=excursion.session_id,
            action=action,
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
            action="excursion.acknowledged",
            entity_type="excursion",
            entity_id=excursion.id,
            session_id=excursion.session_id,
            at=at,
            old={"acknowledged": False},
            new={
                "acknowledged": True,
                "action": action,
                "note": note,
                "priority": excursion.priority,
                "rule": excursion.rule_code,
            },
            reason=note,
        )
    refresh_summary(db, config, todo[0].session_id, at)
    return Acknowledged(tuple(e.id for e in todo), duplicate=False)


def _replay(
    keyed: list[Acknowledgement],
    prior: dict[int, Acknowledgement],
    actor: Actor,
    ids: list[int],
    action: str,
    note: str | None,
) -> Acknowledged:
    """A key already used: the same request again replays what it stored; any other
    excursions, action or note under that key is a Conflict. Excursions the first request
    named that someone else had already acknowledged were not stored under the key, so
    they are left out of the comparison, as they were left out of the write."""
    for row in keyed:
        same_person(row.acknowledged_by, actor.id)
    first = keyed[0]
    mine = sorted(row.excursion_id for row in keyed)
    sent = [i for i in ids if i not in prior or prior[i].submission_key == first.submission_key]
    same_values(
        {"excursions": mine, "action": first.action, "note": first.note},
        {"excursions": sent, "action": action, "note": note},
    )
    return Acknowledged(tuple(mine), duplicate=True)
