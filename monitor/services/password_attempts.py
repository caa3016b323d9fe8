"""Password guesses, throttled: the sign-in form and every password re-entered to sign.

Each attempt first takes its place in a short serialised transaction (a PostgreSQL
advisory lock; the write lock on SQLite): it counts the failures that stand against it
and, unless a lock is in force, writes its own failure row *before* the password is
verified. The row is removed if the password was right. However many attempts arrive at
once, no more than the limit of wrong passwords is ever verified (finding 5).

Failures count per username and source address, so a guesser locks only their own
address out (finding 6); an address failing across many usernames is refused for all; a
username-wide ceiling bounds guessing spread over many addresses. A wrong password
re-entered to sign is a failure of the signed-in person, from wherever they are: it
locks the username everywhere (21 CFR 11.300(d)). Every failure, refusal and unlock is
audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from monitor.config import Security
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import LoginFailure
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import DomainError, NotFound

# Any fixed number: the key of the PostgreSQL advisory lock that serialises the counting.
_ADVISORY_KEY = 0x6D6F6E6C6F67  # "monlog"


class Purpose(StrEnum):
    SIGN_IN = "sign_in"  # the sign-in form
    SIGNATURE = "signature"  # a password re-entered to sign (21 CFR 11.200)


class Lock(StrEnum):
    ADDRESS = "address"  # this username from this address (or, signing, from anywhere)
    USERNAME = "username"  # this username from everywhere: the ceiling
    SOURCE = "source"  # this address, for every username


# What the audit trail calls each outcome.
FAILED = {Purpose.SIGN_IN: "auth.failed", Purpose.SIGNATURE: "auth.signing_failed"}
LOCKED = {Purpose.SIGN_IN: "auth.locked_out", Purpose.SIGNATURE: "auth.signing_locked_out"}


class AttemptRefused(DomainError):
    """A lock is in force: the password was not even verified."""

    def __init__(self, lock: Lock) -> None:
        self.lock = lock
        super().__init__("Locked for a while after repeated failures")


@dataclass(frozen=True)
class Attempt:
    username: str
    remote_addr: str | None
    purpose: Purpose
    at: datetime
    actor: Actor | None = None  # the signed-in signer; None on the sign-in form


def attempt_password(
    *,
    database: Database,
    rules: Security,
    attempt: Attempt,
    verify: Callable[[], Actor | None],
) -> Actor | None:
    """Verify a password under the throttle: the person if `verify` accepts it, None if
    not (kept and audited); AttemptRefused, audited, without verifying, while locked."""
    reserved = _reserve(database, rules, attempt)
    accepted = verify()
    with database.session_scope() as db:
        if accepted is None:
            _audit_attempt(db, attempt, FAILED[attempt.purpose])
            return None
        db.execute(delete(LoginFailure).where(LoginFailure.id == reserved))
        if attempt.purpose is Purpose.SIGN_IN:
            add_audit(
                db,
                actor=accepted,
                action="auth.signed_in",
                entity_type="user",
                entity_id=accepted.id,
                at=attempt.at,
                new={"remote_addr": attempt.remote_addr},
            )
    return accepted


def _audit_attempt(db: Session, attempt: Attempt, action: str, **more: str) -> None:
    """The audit entry of a refused attempt (failed or locked), under the person it names."""
    add_audit(
        db,
        actor=attempt.actor,
        action=action,
        entity_type="user",
        entity_id=attempt.actor.id if attempt.actor else None,
        at=attempt.at,
        new={"username": attempt.username, "remote_addr": attempt.remote_addr, **more},
    )


def _reserve(database: Database, rules: Security, attempt: Attempt) -> int:
    """Count and, unless locked, write this attempt's failure row, in one serialised
    transaction; its id. Locked: audited, then AttemptRefused."""
    with database.session_scope() as db:
        _serialise(db)
        lock = _lock_in_force(db, rules, attempt)
        if lock is None:
            row = LoginFailure(
                username=attempt.username,
                remote_addr=attempt.remote_addr,
                at=attempt.at,
                purpose=attempt.purpose.value,
            )
            db.add(row)
            db.flush()
            return row.id
        _audit_attempt(db, attempt, LOCKED[attempt.purpose], lock=lock.value)
    raise AttemptRefused(lock)


def _serialise(db: Session) -> None:
    """Hold the throttle's lock until this transaction ends, so counts and reservations
    of concurrent attempts, in every worker, happen one after the other."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    else:  # a write as the first statement takes SQLite's write lock (waits busy_timeout)
        db.execute(
            update(LoginFailure)
            .where(LoginFailure.id == -1)
            .values(at=LoginFailure.at)
            .execution_options(synchronize_session=False)
        )


def _lock_in_force(db: Session, rules: Security, attempt: Attempt) -> Lock | None:
    at = attempt.at
    since = at - timedelta(minutes=max(rules.login_window_minutes, rules.lockout_minutes))
    counted = (
        LoginFailure.username == attempt.username,
        LoginFailure.cleared_at.is_(None),
        LoginFailure.at >= since,
    )
    here: ColumnElement[bool] = or_(
        LoginFailure.remote_addr.is_not_distinct_from(attempt.remote_addr),
        LoginFailure.purpose == Purpose.SIGNATURE.value,
    )
    if attempt.purpose is Purpose.SIGNATURE:  # the signer's own failures, from anywhere
        here = LoginFailure.purpose == Purpose.SIGNATURE.value
    if _locked(db, rules, at, rules.login_max_failures, *counted, here):
        return Lock.ADDRESS
    if _locked(db, rules, at, rules.login_max_failures_per_username, *counted):
        return Lock.USERNAME
    if attempt.purpose is Purpose.SIGN_IN and attempt.remote_addr is not None:
        usernames = db.scalar(
            select(func.count(func.distinct(LoginFailure.username))).where(
                LoginFailure.remote_addr == attempt.remote_addr,
                LoginFailure.purpose == Purpose.SIGN_IN.value,
                LoginFailure.cleared_at.is_(None),
                LoginFailure.at >= at - timedelta(minutes=rules.login_window_minutes),
            )
        )
        if (usernames or 0) >= rules.login_max_usernames_per_source:
            return Lock.SOURCE
    return None


def _locked(
    db: Session, rules: Security, at: datetime, limit: int, *where: ColumnElement[bool]
) -> bool:
    """`limit` failures within the window, the last of them within the lockout."""
    recent = list(
        db.scalars(
            select(LoginFailure.at).where(*where).order_by(LoginFailure.at.desc()).limit(limit)
        )
    )
    return (
        len(recent) >= limit
        and recent[-1] >= at - timedelta(minutes=rules.login_window_minutes)
        and recent[0] >= at - timedelta(minutes=rules.lockout_minutes)
    )


def unlock(
    *, database: Database, username: str, actor: Actor | None = None, now: datetime | None = None
) -> int:
    """Lift every lock on a username: its failures stop counting (they are kept, cleared).
    `actor` None is the command line run by whoever administers the host. How many
    failures were cleared."""
    if actor is not None:
        ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    name = username.strip().lower()
    with database.session_scope() as db:
        user = repo.user_by_username(db, name)
        if user is None:
            raise NotFound(f"no user {name!r}")
        _serialise(db)
        standing = (LoginFailure.username == name, LoginFailure.cleared_at.is_(None))
        cleared = db.scalar(select(func.count()).select_from(LoginFailure).where(*standing)) or 0
        db.execute(
            update(LoginFailure)
            .where(*standing)
            .values(cleared_at=at)
            .execution_options(synchronize_session=False)
        )
        add_audit(
            db,
            actor=actor,
            action="auth.unlocked",
            entity_type="user",
            entity_id=user.id,
            at=at,
            new={"username": name, "cleared": cleared},
        )
    return cleared


def locked_out(db: Session, rules: Security, username: str, at: datetime) -> bool:
    """Whether a lock stands on this username now, from any address it failed from or for
    signing (what an administrator's unlock lifts): the staff screen shows it."""
    since = at - timedelta(minutes=max(rules.login_window_minutes, rules.lockout_minutes))
    addresses = set(
        db.scalars(
            select(LoginFailure.remote_addr).where(
                LoginFailure.username == username,
                LoginFailure.cleared_at.is_(None),
                LoginFailure.at >= since,
            )
        )
    )
    attempts = [Attempt(username, addr, Purpose.SIGN_IN, at) for addr in addresses]
    attempts.append(Attempt(username, None, Purpose.SIGNATURE, at))
    return any(
        _lock_in_force(db, rules, attempt) in (Lock.ADDRESS, Lock.USERNAME) for attempt in attempts
    )
