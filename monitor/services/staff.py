"""The administrator's staff screen: list the users; add one with a temporary password to
change at first sign-in; change a role; deactivate and reactivate; reset a password; lift a
sign-in lock. Each action is one transaction with its audit entry. A user is never deleted:
their records keep their name. An administrator may not deactivate or demote themself, so
the clinic always keeps one administrator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action, Role
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit, add_recorded
from monitor.services.errors import NotFound
from monitor.services.password_attempts import locked_out, unlock
from monitor.services.people import (
    HASHER,
    MAX_FULL_NAME,
    USERNAME,
    actor_of,
    check_new_password,
)
from monitor.services.sign_in_sessions import revoke_all

ENTITY = "user"


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    must_change_password: bool
    locked: bool  # a sign-in lock stands now (known only when the list is given the config)


def list_staff(
    *, database: Database, actor: Actor, config: Config | None = None, now: datetime | None = None
) -> list[StaffRow]:
    """Every user, by username; with `config`, whether a sign-in lock stands on each."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    with database.session_scope() as db:
        return [
            StaffRow(
                id=user.id,
                username=user.username,
                full_name=user.full_name,
                role=Role(user.role),
                active=user.active,
                must_change_password=user.must_change_password,
                locked=config is not None and locked_out(db, config.security, user.username, at),
            )
            for user in db.scalars(select(User).order_by(User.username))
        ]


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise refuse("role", f"Choose a role: {', '.join(r.value for r in Role)}") from None


def create_staff(
    *,
    database: Database,
    config: Config,  # noqa: ARG001 — the brief's interface: the password rules are the domain's
    actor: Actor,
    username: str,
    full_name: str,
    role: Role | str,
    temporary_password: str,
    now: datetime | None = None,
) -> Actor:
    """Add a user whose temporary password must be changed at their first sign-in."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    name = (username or "").strip().lower()
    printed = (full_name or "").strip()
    if not USERNAME.match(name):
        raise refuse("username", "Use 2–64 lowercase letters, digits, dots, dashes or underscores")
    if not printed:
        raise refuse("full_name", "The printed name is required (it appears on signatures)")
    if len(printed) > MAX_FULL_NAME:
        raise refuse("full_name", f"Keep the printed name to {MAX_FULL_NAME} characters")
    chosen = _role(role)
    check_new_password(temporary_password or "", username=name)
    password_hash = HASHER.hash(temporary_password)
    with database.session_scope() as db:
        existing = repo.user_by_username(db, name)
        if existing is not None:
            if _same_creation(existing, printed, chosen, temporary_password):
                return actor_of(existing)  # a double tap or a retry: stored once
            raise refuse("username", f"The username {name} is already taken")
        user = User(
            username=name,
            full_name=printed,
            role=chosen.value,
            password_hash=password_hash,
            active=True,
            created_at=at,
            must_change_password=True,
        )
        add_recorded(
            db,
            user,
            actor=actor,
            action="user.created",
            entity_type=ENTITY,
            at=at,
            new={
                "username": name,
                "full_name": printed,
                "role": chosen.value,
                "must_change_password": True,
            },
        )
        return actor_of(user)


def _same_creation(user: User, full_name: str, role: Role, password: str) -> bool:
    """Whether this user is the one the same form just added (still holding that temporary
    password): the submission arrived twice, so it is answered, not refused."""
    if (user.full_name, user.role, user.must_change_password) != (full_name, role.value, True):
        return False
    try:
        return bool(HASHER.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


def _not_yourself(actor: Actor, user: User, doing: str) -> None:
    if user.id == actor.id:
        raise refuse("user", f"You cannot {doing} yourself: ask another administrator")


def change_role(
    *,
    database: Database,
    actor: Actor,
    user_id: int,
    role: Role | str,
    now: datetime | None = None,
) -> None:
    """Give a user another role; it applies at their next request (roles are read afresh)."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    chosen = _role(role)
    with database.session_scope() as db:
        user = _user(db, user_id)
        if user.role == chosen.value:
            raise refuse("role", f"{user.username} is already a {chosen.value}")
        if chosen is not Role.ADMIN:
            _not_yourself(actor, user, "demote")
        old = user.role
        user.role = chosen.value
        add_audit(
            db,
            actor=actor,
            action="user.role_changed",
            entity_type=ENTITY,
            entity_id=user.id,
            at=at,
            old={"role": old},
            new={"role": chosen.value},
        )


def deactivate_user(
    *, database: Database, actor: Actor, user_id: int, now: datetime | None = None
) -> int:
    """The user can no longer sign in, and every sign-in they have open ends now, in the
    same transaction; how many ended. Their records keep their name."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    with database.session_scope() as db:
        user = _user(db, user_id)
        _not_yourself(actor, user, "deactivate")
        if not user.active:
            raise refuse("user", f"{user.username} is already deactivated")
        user.active = False
        add_audit(
            db,
            actor=actor,
            action="user.deactivated",
            entity_type=ENTITY,
            entity_id=user.id,
            at=at,
            old={"active": True},
            new={"active": False},
        )
        return revoke_all(db, user_id=user.id, reason="deactivated", actor=actor, at=at)


def reactivate_user(
    *, database: Database, actor: Actor, user_id: int, now: datetime | None = None
) -> None:
    """The user may sign in again, with the password they had."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    with database.session_scope() as db:
        user = _user(db, user_id)
        if user.active:
            raise refuse("user", f"{user.username} is already active")
        user.active = True
        add_audit(
            db,
            actor=actor,
            action="user.reactivated",
            entity_type=ENTITY,
            entity_id=user.id,
            at=at,
            old={"active": False},
            new={"active": True},
        )


def reset_password(
    *,
    database: Database,
    actor: Actor,
    user_id: int,
    temporary_password: str,
    now: datetime | None = None,
) -> int:
    """Set a temporary password the user must change at their next sign-in; every sign-in
    they have open ends (same transaction); how many ended."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    with database.session_scope() as db:
        user = _user(db, user_id)
        if user.id == actor.id:
            raise refuse("user", "Change your own password under Account → Password")
        username = user.username
    check_new_password(temporary_password or "", username=username)
    password_hash = HASHER.hash(temporary_password)
    with database.session_scope() as db:
        user = _user(db, user_id)
        user.password_hash = password_hash
        user.must_change_password = True
        add_audit(
            db,
            actor=actor,
            action="user.password_reset",
            entity_type=ENTITY,
            entity_id=user.id,
            at=at,
            new={"username": user.username, "must_change_password": True},
        )
        return revoke_all(db, user_id=user.id, reason="password_reset", actor=actor, at=at)


def unlock_user(
    *, database: Database, actor: Actor, user_id: int, now: datetime | None = None
) -> int:
    """Lift every sign-in lock on the user (their failures are kept, no longer counted;
    audited `auth.unlocked`); how many failures were cleared."""
    ensure_allowed(actor, Action.MANAGE_USERS)
    with database.session_scope() as db:
        username = _user(db, user_id).username
    return unlock(database=database, username=username, actor=actor, now=now)
