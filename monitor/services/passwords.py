"""Change a user's password: the new argon2 hash, its audit entry, and the end of every open
sign-in of that user, all in one transaction (a stolen sign-in ends with the old password)."""

from __future__ import annotations

from datetime import datetime

from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import NotFound
from monitor.services.people import HASHER, check_new_password
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
