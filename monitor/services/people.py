"""Create users and patients, and check a password: the admin's and the front desk's use cases.
The front desk's registration with every demographic is services/patients.py; `create_patient`
is the short form the demo and the tests use, under the same rules."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from monitor.config import Config
from monitor.db import repositories as repo
from monitor.db.engine import Database
from monitor.db.models import Patient, User
from monitor.db.types import utcnow
from monitor.domain.demographics import MAX_NAME_PART as MAX_NAME_PART  # tests name it here
from monitor.domain.demographics import check_mrn, check_name
from monitor.domain.errors import refuse
from monitor.domain.passwords import password_problem
from monitor.domain.permissions import Action, Role
from monitor.domain.vitals import parse_weight
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import Conflict, DomainError
from monitor.services.password_attempts import Attempt, AttemptRefused, Purpose, attempt_password

HASHER = PasswordHasher()
MAX_FULL_NAME = 200  # users.full_name
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH = HASHER.hash("not-a-real-password")


def actor_of(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, full_name=user.full_name, role=Role(user.role))


def create_user(
    *,
    database: Database,
    username: str,
    full_name: str,
    role: Role | str,
    password: str,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> Actor:
    """Add a user; `actor` None means the command line run by whoever administers the host."""
    if actor is not None:
        ensure_allowed(actor, Action.MANAGE_USERS)
    at = now or utcnow()
    if not USERNAME.match(username):
        raise refuse("username", "Use 2–64 lowercase letters, digits, dots, dashes or underscores")
    if not full_name.strip():
        raise refuse("full_name", "The printed name is required (it appears on signatures)")
    if len(full_name.strip()) > MAX_FULL_NAME:
        raise refuse("full_name", f"Keep the printed name to {MAX_FULL_NAME} characters")
    try:
        chosen = Role(role)
    except ValueError:
        raise refuse("role", f"Role must be one of {', '.join(r.value for r in Role)}") from None
    check_new_password(password, username=username)
    with database.session_scope() as db:
        if repo.user_by_username(db, username):
            raise Conflict(f"User {username!r} already exists")
        user = User(
            username=username,
            full_name=full_name.strip(),
            role=chosen.value,
            password_hash=HASHER.hash(password),
            active=True,
            created_at=at,
        )
        add_recorded(
            db,
            user,
            actor=actor,
            action="user.created",
            entity_type="user",
            at=at,
            new={"username": username, "full_name": user.full_name, "role": chosen.value},
        )
        return actor_of(user)


def check_new_password(password: str, *, username: str) -> None:
    """Refuse a password a person may not choose (creating a user, changing a password)."""
    problem = password_problem(password, username=username)
    if problem is not None:
        raise refuse("password", problem)


def verify_password(*, database: Database, username: str, password: str) -> Actor | None:
    """The active user with these credentials, or None; as slow for unknown users."""
    with database.session_scope() as db:
        user = repo.user_by_username(db, username)
        if user is None or not user.active:
            with contextlib.suppress(VerificationError):
                HASHER.verify(_DUMMY_HASH, password)
            return None
        try:
            HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return actor_of(user)


def create_patient(
    *,
    database: Database,
    config: Config,
    mrn: str,
    family_name: str,
    given_name: str,
    birth_date: date,
    weight_kg: float | str,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> int:
    """Register a patient; MRNs are unique."""
    if actor is not None:
        ensure_allowed(actor, Action.MANAGE_PATIENTS)
    at = now or utcnow()
    # The same rules as the front desk's registration (domain/demographics.py).
    weight = parse_weight(weight_kg, config.plausibility)
    mrn = check_mrn(mrn)
    family_name = check_name(family_name, "family_name")
    given_name = check_name(given_name, "given_name")
    with database.session_scope() as db:
        if db.query(Patient.id).filter(Patient.mrn == mrn).first():
            raise Conflict(f"MRN {mrn} is already registered")
        patient = Patient(
            mrn=mrn,
            family_name=family_name,
            given_name=given_name,
            birth_date=birth_date,
            weight_kg=weight,
            created_at=at,
        )
        add_recorded(
            db,
            patient,
            actor=actor,
            action="patient.created",
            entity_type="patient",
            at=at,
            new={"mrn": mrn, "weight_kg": weight},
        )
        return patient.id


class SignInRefused(DomainError):
    """The credentials were not accepted, or the username is locked for a while."""

    def __init__(self, locked: bool) -> None:
        self.locked = locked
        super().__init__(
            "Locked for a while after repeated failures"
            if locked
            else "Username or password not recognised"
        )


def sign_in(
    *,
    database: Database,
    config: Config,
    username: str,
    password: str,
    remote_addr: str | None,
    now: datetime | None = None,
) -> Actor:
    """Check credentials under the throttle (services/password_attempts.py): refused
    unverified while a lock is in force for this username and address; every failure is
    kept (shared by all workers) and audited."""
    name = username.strip().lower()[:64]
    try:
        actor = attempt_password(
            database=database,
            rules=config.security,
            attempt=Attempt(name, remote_addr, Purpose.SIGN_IN, now or utcnow()),
            verify=lambda: verify_password(database=database, username=name, password=password),
        )
    except AttemptRefused:
        raise SignInRefused(locked=True) from None
    if actor is None:
        raise SignInRefused(locked=False)
    return actor


def confirm_password(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    password: str,
    now: datetime | None = None,
) -> None:
    """21 CFR 11.200: a signing is made with the signer's own password, re-entered. Under
    the same throttle as sign-in: a wrong one is kept, audited and counts toward the lock
    (11.300(d)); while locked, no password is verified."""

    def same_person() -> Actor | None:
        again = verify_password(database=database, username=actor.username, password=password)
        return again if again is not None and again.id == actor.id else None

    try:
        again = attempt_password(
            database=database,
            rules=config.security,
            attempt=Attempt(actor.username, None, Purpose.SIGNATURE, now or utcnow(), actor),
            verify=same_person,
        )
    except AttemptRefused:
        raise refuse(
            "password", "Locked for a while after repeated failures: the signature was not applied"
        ) from None
    if again is None:
        raise refuse("password", "Password not recognised: the signature was not applied")
