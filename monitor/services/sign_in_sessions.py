"""Server-side sign-ins: opened at sign-in, looked up on every request, ended by signing out,
by idleness, by a password change, or at their absolute lifetime.

The browser's cookie carries only a random token; the table keeps its SHA-256, so a copy of
the database hands out no sign-in. Every worker reads the same rows, so when a sign-in ends
it has ended everywhere, and a replayed cookie reads nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import SignInSession, User
from monitor.db.types import utcnow
from monitor.services.actors import Actor
from monitor.services.audit import add_audit, add_recorded
from monitor.services.people import actor_of

TOKEN_BYTES = 32  # 256 random bits (OWASP asks for at least 64)
# A person's use is written at most this often: idleness is counted in minutes, and a page
# load's dozen requests then cost one write, not twelve.
SEEN_PRECISION = timedelta(seconds=2)
ENTITY = "sign_in_session"


class Ended(StrEnum):
    """Why a request's token opens nothing."""

    UNKNOWN = "unknown"  # no token, or one this server never issued (or has cleared)
    REVOKED = "revoked"  # signed out, password changed, or the user deactivated
    EXPIRED = "expired"  # past its absolute lifetime
    IDLE = "idle"  # no person's request for `security.idle_timeout_minutes`: ended now


@dataclass(frozen=True)
class Open:
    """A sign-in still open: whose, when a person last used it, and when it ends for good."""

    actor: Actor
    session_id: int
    last_seen_at: datetime
    expires_at: datetime
    must_change_password: bool = False  # a temporary password: only its change is open
    patient_mode_session_id: int | None = None  # patient mode: only this questionnaire


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def open_sign_in(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    remote_addr: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> str:
    """A new sign-in for `actor` (a new token at every sign-in: no fixation); the token to
    give the browser. Rows past their lifetime are deleted here, so the table stays small."""
    at = now or utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with database.session_scope() as db:
        purged = _rowcount(db.execute(delete(SignInSession).where(SignInSession.expires_at < at)))
        if purged:
            add_audit(
                db,
                actor=None,
                action="auth.sessions_purged",
                entity_type=ENTITY,
                entity_id=None,
                at=at,
                new={"count": purged},
            )
        row = SignInSession(
            token_hash=token_hash(token),
            user_id=actor.id,
            created_at=at,
            last_seen_at=at,
            expires_at=at + timedelta(hours=config.security.session_lifetime_hours),
            remote_addr=remote_addr,
            user_agent=(user_agent or "")[:200] or None,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="auth.session_opened",
            entity_type=ENTITY,
            at=at,
            new={"expires_at": row.expires_at.isoformat(), "remote_addr": remote_addr},
        )
    return token


def resume(
    *,
    database: Database,
    config: Config,
    token: str,
    now: datetime | None = None,
) -> Open | Ended:
    """The sign-in this token opens, or why none (an idle one is ended here). Looking it up
    is not use: `note_use` counts a person's request; nothing extends the lifetime."""
    at = now or utcnow()
    with database.session_scope() as db:
        found = db.execute(
            select(SignInSession, User)
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == token_hash(token))
        ).one_or_none()
    if found is None:
        return Ended.UNKNOWN
    row, user = found
    if row.revoked_at is not None or not user.active:
        return Ended.REVOKED
    if at >= row.expires_at:
        return Ended.EXPIRED
    actor = actor_of(user)
    idle_limit = timedelta(minutes=config.security.idle_timeout_minutes)
    if at - row.last_seen_at > idle_limit:
        _end_idle(database, row.id, actor, at - idle_limit, at)
        return Ended.IDLE
    return Open(
        actor=actor,
        session_id=row.id,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        must_change_password=bool(user.must_change_password),
        patient_mode_session_id=row.patient_mode_session_id,
    )


def note_use(*, database: Database, state: Open, now: datetime | None = None) -> Open:
    """A person (not a timer) used this open sign-in: it counts against the idle limit.
    Written at most every `SEEN_PRECISION`, so a page load costs one write, not a dozen."""
    at = now or utcnow()
    if at - state.last_seen_at < SEEN_PRECISION:
        return state
    with database.session_scope() as db:
        db.execute(
            update(SignInSession)
            .where(
                SignInSession.id == state.session_id,
                SignInSession.revoked_at.is_(None),
                SignInSession.last_seen_at < at,
            )
            .values(last_seen_at=at)
        )
    return replace(state, last_seen_at=at)


def _audit_signed_out(
    db: Session, actor: Actor | None, row_id: int | None, at: datetime, reason: str
) -> None:
    """The audit entry of a sign-in that ended: idle, signed out or replaced."""
    add_audit(
        db,
        actor=actor,
        action="auth.signed_out",
        entity_type=ENTITY,
        entity_id=row_id,
        at=at,
        new={"reason": reason},
    )


def _end_idle(
    database: Database, row_id: int, actor: Actor, idle_since: datetime, at: datetime
) -> None:
    """End an idle sign-in once, however many workers notice it at the same moment."""
    with database.session_scope() as db:
        ended = db.execute(
            update(SignInSession)
            .where(
                SignInSession.id == row_id,
                SignInSession.revoked_at.is_(None),
                SignInSession.last_seen_at < idle_since,
            )
            .values(revoked_at=at, revoked_reason=Ended.IDLE.value)
        )
        if _rowcount(ended):
            _audit_signed_out(db, actor, row_id, at, "idle")


def sign_out(
    *,
    database: Database,
    token: str,
    actor: Actor | None,
    reason: str = "signed_out",
    now: datetime | None = None,
) -> bool:
    """End the sign-in this token opens: the person signed out, or signed in again on the
    same browser ("replaced"); False if none was open."""
    at = now or utcnow()
    with database.session_scope() as db:
        ended = db.execute(
            update(SignInSession)
            .where(
                SignInSession.token_hash == token_hash(token),
                SignInSession.revoked_at.is_(None),
            )
            .values(revoked_at=at, revoked_reason=reason)
        )
        if not _rowcount(ended):
            return False
        row_id = db.scalar(
            select(SignInSession.id).where(SignInSession.token_hash == token_hash(token))
        )
        _audit_signed_out(db, actor, row_id, at, reason)
        return True


def revoke_all(
    db: Session,
    *,
    user_id: int,
    reason: str,
    actor: Actor | None,
    at: datetime,
    keep: int | None = None,
) -> int:
    """End every open sign-in of a user but `keep` (the one changing its own password), in
    the caller's transaction (audited there too); how many were open."""
    count = _rowcount(
        db.execute(
            update(SignInSession)
            .where(
                SignInSession.user_id == user_id,
                SignInSession.revoked_at.is_(None),
                SignInSession.expires_at > at,
                SignInSession.id != (keep if keep is not None else -1),
            )
            .values(revoked_at=at, revoked_reason=reason)
        )
    )
    if count:
        add_audit(
            db,
            actor=actor,
            action="auth.sessions_revoked",
            entity_type="user",
            entity_id=user_id,
            at=at,
            new={"count": count, "reason": reason},
        )
    return count


def _rowcount(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0
