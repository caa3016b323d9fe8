"""Change a password: the new argon2 hash, its audit entry, and the end of every open
sign-in of that user, all in one transaction (a stolen sign-in ends with the old password).
The command line sets anyone's; every person changes their own, proving the current one
under the sign-in throttle (a temporary password is changed so at the first sign-in)."""

from __future__ import annotations

from datetime import datetime

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import NotFound
from monitor.services.password_attempts import Attempt, AttemptRefused, Purpose, attempt_password
from monitor.services.people import HASHER, check_new_password, verify_password
from monitor.services.sign_in_sessions import revoke_all


def change_password(
    *,
    database: Database,
    username: str,
    password: str,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> int:
    """Set `username`'s password; how many open sign-ins it ended. `actor` None means the
    command line run by whoever administers the host; otherwise an administrator."""
    if actor is not None:
        ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    check_new_password(password, username=username.strip().lower())
    new_hash = HASHER.hash(password)
    with database.session_scope() as db:
        user = repo.user_by_username(db, username.strip().lower())
        if user is None:
            raise NotFound(f"No user {username!r}")
        user.password_hash = new_hash
        add_audit(
            db,
            actor=actor,
            action="user.password_changed",
            entity_type="user",
            entity_id=user.id,
            at=at,
            new={"username": user.username},
        )
        return revoke_all(db, user_id=user.id, reason="password_changed", actor=actor, at=at)


def change_own_password(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    current_password: str,
    new_password: str,
    sign_in_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """The signed-in person's new password. The current one is verified under the throttle
    (a wrong one is kept, audited and counts toward the lock, as a signing password does);
    the temporary-password flag is cleared; every other open sign-in ends (`sign_in_id`,
    this one, goes on). How many ended."""
    at = now or utcnow()
    try:
        check_new_password(new_password or "", username=actor.username)
    except InvalidEntry as refused:
        raise refuse("new_password", refused.problems[0].message) from None
    if new_password == current_password:
        raise refuse("new_password", "Choose a password other than the current one")

    def same_person() -> Actor | None:
        again = verify_password(
            database=database, username=actor.username, password=current_password or ""
        )
        return again if again is not None and again.id == actor.id else None

    try:
        proven = attempt_password(
            database=database,
            rules=config.security,
            attempt=Attempt(actor.username, None, Purpose.SIGNATURE, at, actor),
            verify=same_person,
        )
    except AttemptRefused:
        raise refuse(
            "current_password",
            "Locked for a while after repeated failures: the password was not changed",
        ) from None
    if proven is None:
        raise refuse(
            "current_password", "Current password not recognised: the password was not changed"
        )
    new_hash = HASHER.hash(new_password)
    with database.session_scope() as db:
        user = db.get(User, actor.id)
        if user is None or not user.active:
            raise NotFound("This user can no longer sign in")
        was_temporary = user.must_change_password
        user.password_hash = new_hash
        user.must_change_password = False
        add_audit(
            db,
            actor=actor,
            action="user.password_changed",
            entity_type="user",
            entity_id=user.id,
            at=at,
            new={"username": user.username, "by": "self", "was_temporary": was_temporary},
        )
        return revoke_all(
            db,
            user_id=user.id,
            reason="password_changed",
            actor=actor,
            at=at,
            keep=sign_in_id,
        )
