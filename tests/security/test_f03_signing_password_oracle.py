"""Finding 3: re-entering a password to sign was an unthrottled password oracle. It ran
before the session was loaded ("Password not recognised" for a wrong password, "Session
999999 does not exist" for the right one), kept no failure and wrote no audit event.

Now the session is checked first (a request refused anyway gets the same answer with any
password), and each wrong signing password is kept and audited like a failed sign-in and
counts toward the same lockout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, LoginFailure
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.services.errors import DomainError, InvalidEntry
from monitor.services.exits import sign_exit
from monitor.services.people import SignInRefused, sign_in
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD
from tests.services.test_recovery import READY, assess, recovered

Sign = Callable[..., object]
SIGNERS: dict[str, tuple[Role, Sign, dict[str, str]]] = {
    "performed": (Role.NURSE, sign_performed, {}),
    "approved": (Role.PHYSICIAN, approve_discharge, {}),
    "exit": (Role.PHYSICIAN, sign_exit, {"kind": "transfer", "reason": "to the ED for pain"}),
}


def attempt(
    sign: Sign, database: Database, config: Config, actor: Actor, sid: int, **kw: str
) -> object:
    return sign(database=database, config=config, actor=actor, session_id=sid, now=READY, **kw)


def answers_for_both_passwords(
    sign: Sign, database: Database, config: Config, signer: Actor, sid: int, **extra: str
) -> set[str]:
    """What a wrong and the right password are told, for the same request."""
    told = set()
    for password in ("wrong-password", PASSWORD):
        try:
            attempt(sign, database, config, signer, sid, password=password, **extra)
            told.add("accepted")
        except DomainError as error:
            told.add(f"{type(error).__name__}: {error}")
    return told


def count(database: Database, model: type[Any], *where: ColumnElement[bool]) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("meaning", SIGNERS)
def test_a_missing_session_answers_the_same_for_any_password(
    database: Database, config: Config, meaning: str
) -> None:
    role, sign, extra = SIGNERS[meaning]
    signer = factories.user(database, role)
    answers = answers_for_both_passwords(sign, database, config, signer, 999999, **extra)
    assert answers == {"NotFound: Session 999999 does not exist"}
    assert count(database, LoginFailure) == 0  # nothing was guessed: nothing counted


def test_a_session_not_in_recovery_answers_the_same_for_any_password(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    for role, sign, extra in SIGNERS.values():
        signer = nurse if role is Role.NURSE else doctor
        answers = answers_for_both_passwords(sign, database, config, signer, sid, **extra)
        assert len(answers) == 1 and "in recovery" in answers.pop()


def test_wrong_signing_passwords_are_kept_audited_and_lock_the_username(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    limit = config.security.login_max_failures
    for _ in range(limit):
        with pytest.raises(InvalidEntry, match="Password not recognised"):
            attempt(sign_performed, database, config, nurse, sid, password="wrong-password")
    assert count(database, LoginFailure, LoginFailure.username == nurse.username) == limit
    failed = count(database, AuditEvent, AuditEvent.action == "auth.signing_failed")
    assert failed == limit
    # 21 CFR 11.300(d): the next try, even with the right password, is refused and audited
    with pytest.raises(InvalidEntry, match="Locked"):
        attempt(sign_performed, database, config, nurse, sid, password=PASSWORD)
    assert count(database, AuditEvent, AuditEvent.action == "auth.signing_locked_out") == 1
    # and the same lock keeps the username from signing in, from any address
    for address in ("10.0.0.7", "10.0.0.8"):
        with pytest.raises(SignInRefused) as refused:
            sign_in(
                database=database,
                config=config,
                username=nurse.username,
                password=PASSWORD,
                remote_addr=address,
                now=READY + timedelta(seconds=1),
            )
        assert refused.value.locked
    # the lock ends: the signature then goes through
    later = READY + timedelta(minutes=config.security.lockout_minutes + 1)
    signed = sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=later
    )
    assert signed


def test_failed_signing_attempts_of_another_user_do_not_lock_this_one(
    database: Database, config: Config
) -> None:
    nurse, other = factories.user(database), factories.user(database)
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    for _ in range(config.security.login_max_failures):
        with pytest.raises(InvalidEntry):
            attempt(sign_performed, database, config, other, sid, password="wrong-password")
    assert attempt(sign_performed, database, config, nurse, sid, password=PASSWORD)
