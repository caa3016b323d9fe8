"""Finding 6: anyone could lock any account. Five wrong passwords from anywhere kept the
physician out for 15 minutes, repeatable forever.

Failures now count per username *and* source address: the guessing address is locked,
the physician at their own tablet still signs in. An address failing across several
usernames is refused for all of them, and a username-wide ceiling (far above the
per-address limit) still bounds guessing spread over many addresses. An administrator
can lift a lock with `monitor unlock USERNAME`. Every refusal and unlock is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from monitor.config import REPO_ROOT, Config, ConfigError, parse_config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.services.actors import Actor
from monitor.services.people import SignInRefused, sign_in
from tests import factories
from tests.command_line import run_cli
from tests.factories import PASSWORD, T0

ATTACKER, NURSES_STATION = "203.0.113.9", "10.0.0.21"


def try_sign_in(
    database: Database,
    config: Config,
    username: str,
    password: str,
    address: str,
    now: datetime | None = T0,
) -> Actor | str:
    try:
        return sign_in(
            database=database,
            config=config,
            username=username,
            password=password,
            remote_addr=address,
            now=now,
        )
    except SignInRefused as refused:
        return "locked" if refused.locked else "refused"


def audit(database: Database, action: str) -> list[dict[str, object]]:
    with database.session_scope() as db:
        return [
            dict(event.new_values or {}, actor_id=event.actor_id)
            for event in db.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def with_security(config: Config, **numbers: float) -> Config:
    return config.model_copy(update={"security": config.security.model_copy(update=numbers)})


def test_guessing_from_one_address_does_not_lock_the_owner_out(
    database: Database, config: Config
) -> None:
    doctor = factories.user(database, "physician")
    for _ in range(config.security.login_max_failures):
        assert (
            try_sign_in(database, config, doctor.username, "guess-guess-1", ATTACKER) == "refused"
        )
    assert try_sign_in(database, config, doctor.username, PASSWORD, ATTACKER) == "locked"
    signed = try_sign_in(database, config, doctor.username, PASSWORD, NURSES_STATION)
    assert isinstance(signed, Actor) and signed.id == doctor.id
    refused = audit(database, "auth.locked_out")
    assert [(e["username"], e["remote_addr"]) for e in refused] == [(doctor.username, ATTACKER)]


def test_an_address_failing_across_usernames_is_refused_for_all(
    database: Database, config: Config
) -> None:
    spread = config.security.login_max_usernames_per_source
    victims = [factories.user(database) for _ in range(spread + 1)]
    for victim in victims[:spread]:  # one guess each: password spraying
        assert try_sign_in(database, config, victim.username, "summer-summer-1", ATTACKER) == (
            "refused"
        )
    # from that address even a right password (say, a stolen one) is refused ...
    assert try_sign_in(database, config, victims[-1].username, PASSWORD, ATTACKER) == "locked"
    # ... and the people themselves sign in from their own tablets
    assert isinstance(
        try_sign_in(database, config, victims[0].username, PASSWORD, NURSES_STATION), Actor
    )
    (refusal,) = audit(database, "auth.locked_out")
    assert refusal["remote_addr"] == ATTACKER and refusal["lock"] == "source"


def test_a_username_wide_ceiling_bounds_guessing_from_many_addresses(
    database: Database, config: Config
) -> None:
    config = with_security(config, login_max_failures=5, login_max_failures_per_username=8)
    nurse = factories.user(database)
    guesses = [f"198.51.100.{n // 4}" for n in range(7)]  # 4 + 3: under every per-address limit
    for address in guesses:
        assert try_sign_in(database, config, nurse.username, "guess-guess-1", address) == "refused"
    assert isinstance(
        try_sign_in(database, config, nurse.username, PASSWORD, NURSES_STATION), Actor
    )
    assert (
        try_sign_in(database, config, nurse.username, "guess-guess-1", "198.51.100.1") == "refused"
    )
    assert try_sign_in(database, config, nurse.username, PASSWORD, NURSES_STATION) == "locked"
    later = T0 + timedelta(minutes=config.security.lockout_minutes + 1)
    assert isinstance(
        try_sign_in(database, config, nurse.username, PASSWORD, NURSES_STATION, later), Actor
    )


def test_monitor_unlock_clears_the_lock_and_is_audited(
    database: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    doctor = factories.user(database, "physician")
    for _ in range(config.security.login_max_failures):
        try_sign_in(database, config, doctor.username, "guess-guess-1", ATTACKER, now=None)
    assert try_sign_in(database, config, doctor.username, PASSWORD, ATTACKER, now=None) == "locked"
    code, output = run_cli(database_url, tmp_path, "unlock", doctor.username)
    assert code == 0 and f"unlocked {doctor.username}" in output
    assert "5 failures cleared" in output
    signed = try_sign_in(database, config, doctor.username, PASSWORD, ATTACKER, now=None)
    assert isinstance(signed, Actor)
    (event,) = audit(database, "auth.unlocked")
    assert event["actor_id"] is None and event["username"] == doctor.username
    assert event["cleared"] == 5


def test_monitor_unlock_of_an_unknown_username_fails(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    code, output = run_cli(database_url, tmp_path, "unlock", "nobody")
    assert code == 1 and "no user 'nobody'" in output
    assert audit(database, "auth.unlocked") == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("login_max_usernames_per_source", 0),
        ("login_max_failures_per_username", 0),
        ("login_max_failures_per_username", 3),  # below login_max_failures (5)
    ],
)
def test_the_new_numbers_are_validated(key: str, value: int) -> None:
    raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["security"][key] = 6  # a valid value is read ...
    assert getattr(parse_config(raw, environ={}).security, key) == 6
    raw["security"][key] = value  # ... an invalid one stops the app, naming the key
    with pytest.raises(ConfigError, match=key):
        parse_config(raw, environ={})
