"""Leaving recovery without a discharge: a transfer (e.g. to the emergency department) or
leaving against medical advice. Only a physician decides it, and signs it as they sign a
discharge: password re-entered (21 CFR 11.200), printed name, time and meaning (11.50),
with the discharge criteria as they stood. The session then ends as stopped early, with its
exit kind and reason; its record is locked like a discharged one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action, is_allowed
from monitor.domain.reasons import exit_reason
from monitor.domain.session_state import ExitKind, SessionEvent, SessionState, allows
from monitor.domain.vocabulary import SignatureMeaning
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import NotFound
from monitor.services.recovery_criteria import as_assessment, criteria_now, latest_assessment
from monitor.services.session_lifecycle import load_locked, move
from monitor.services.sign_off import check_signing_password, sign
from monitor.services.summaries import refresh_summary


@dataclass(frozen=True)
class ExitSigned:
    signature_id: int
    kind: ExitKind
    state: SessionState


def _exit_kind(kind: str) -> ExitKind:
    try:
        return ExitKind(kind)
    except ValueError:
        raise refuse("exit_kind", "Choose transfer or against medical advice") from None


def sign_exit(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    kind: str,
    reason: str | None,
    password: str,
    now: datetime | None = None,
) -> ExitSigned:
    """The physician signs a session in recovery out as transferred or left against advice."""
    ensure_allowed(actor, Action.SIGN_EXIT)
    exit_kind = _exit_kind(kind)
    text = exit_reason(reason, minimum=config.sign_off.exit_reason_min_chars)
    check_signing_password(database, config, actor, password, session_id=session_id, now=now)
    at = now or utcnow()
    with database.session_scope() as db:
        session = load_locked(db, session_id)
        state = move(db, session, SessionEvent.SIGNED_EXIT, actor=actor, at=at, reason=text)
        latest = latest_assessment(db, session_id)
        criteria = criteria_now(db, session, config, at, as_assessment(latest))
        signature = sign(
            db,
            session,
            actor,
            meaning=SignatureMeaning.EXIT,
            assessment_id=latest.id if latest else None,
            criteria=criteria,
            at=at,
            override_reason=None,
        )
        session.exit_kind = exit_kind.value
        session.end_reason = text
        session.ended_at = at
        add_audit(
            db,
            actor=actor,
            action="session.exit_signed",
            entity_type="session",
            entity_id=session.id,
            session_id=session.id,
            at=at,
            reason=text,
            new={
                "exit_kind": exit_kind.value,
                "meaning": exit_kind.label,
                "signature_id": signature.id,
                "state": state.value,
            },
        )
        refresh_summary(db, config, session.id, at)
        return ExitSigned(signature.id, exit_kind, state)


@dataclass(frozen=True)
class ExitControl:
    in_recovery: bool
    may_sign: bool  # the signed exit is offered to this person (a physician)


def exit_control(*, database: Database, actor: Actor, session_id: int) -> ExitControl:
    """Whether the session is in recovery, and whether this person may sign it out."""
    ensure_allowed(actor, Action.VIEW_BEDSIDE)
    with database.session_scope() as db:
        state = db.scalar(select(InfusionSession.state).where(InfusionSession.id == session_id))
    if state is None:
        raise NotFound(f"Session {session_id} does not exist")
    in_recovery = allows(SessionState(state), SessionEvent.SIGNED_EXIT)  # only from recovery
    return ExitControl(in_recovery, in_recovery and is_allowed(actor.role, Action.SIGN_EXIT))
