"""Finding 5: concurrent sign-ins got past the lockout. 30 wrong passwords and the right
one fired together had 17-19 failures verified (limit 5), and the right one was accepted
after them. Each attempt now reserves its place in a short serialised transaction before
the password is verified, so at most `login_max_failures` wrong passwords are ever
verified per username and address, whatever arrives at once; the rest are refused
unverified. Real threads, real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, LoginFailure
from monitor.services.people import SignInRefused, sign_in
from tests import factories
from tests.factories import PASSWORD, T0

WRONG = 30
ADDRESS = "203.0.113.50"


def storm(database: Database, config: Config, username: str, passwords: list[str]) -> Counter[str]:
    """Every password tried at once, one thread each, released together."""
    start = threading.Barrier(len(passwords))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def one(password: str) -> None:
        start.wait()
        try:
            sign_in(
                database=database,
                config=config,
                username=username,
                password=password,
                remote_addr=ADDRESS,
                now=T0,
            )
            outcome = "accepted"
        except SignInRefused as refused:
            outcome = "locked" if refused.locked else "wrong"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=one, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def audited(database: Database) -> Counter[str]:
    with database.session_scope() as db:
        rows = db.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
    return Counter(dict(rows))


def test_a_storm_of_guesses_verifies_no_more_than_the_limit(
    database: Database, config: Config
) -> None:
    doctor = factories.user(database, "physician")
    limit = config.security.login_max_failures
    outcomes = storm(database, config, doctor.username, ["wrong-guess-1"] * WRONG + [PASSWORD])
    assert outcomes["wrong"] == limit, outcomes  # exactly the limit, never more
    # the right password is accepted only if it came before the limit was reached
    assert outcomes["accepted"] + outcomes["locked"] == WRONG + 1 - limit, outcomes
    events = audited(database)
    assert events["auth.failed"] == limit
    assert events["auth.locked_out"] == outcomes["locked"]
    assert events["auth.signed_in"] == outcomes["accepted"]
    with database.session_scope() as db:
        kept = db.scalar(select(func.count()).select_from(LoginFailure))
    assert kept == limit  # one row per verified failure; none left pending
    # afterwards the address is locked for this username, right password or not
    try:
        sign_in(
            database=database,
            config=config,
            username=doctor.username,
            password=PASSWORD,
            remote_addr=ADDRESS,
            now=T0,
        )
        raise AssertionError("the right password was accepted past the limit")
    except SignInRefused as refused:
        assert refused.locked


def test_right_passwords_at_once_leave_no_failure_behind(
    database: Database, config: Config
) -> None:
    """An attempt in flight holds a place until its password is verified, so beyond the
    limit of attempts at once from one address some wait their turn refused; none is
    counted as a failure, and signing in afterwards works."""
    nurse = factories.user(database)
    limit = config.security.login_max_failures
    outcomes = storm(database, config, nurse.username, [PASSWORD] * (2 * limit))
    assert outcomes["wrong"] == 0 and outcomes["accepted"] >= limit, outcomes
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(LoginFailure)) == 0
    assert sign_in(
        database=database,
        config=config,
        username=nurse.username,
        password=PASSWORD,
        remote_addr=ADDRESS,
        now=T0,
    )
