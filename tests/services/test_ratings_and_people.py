"""CADSS ratings, users and patients through their services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Rating, User
from monitor.domain.permissions import Role
from monitor.services.errors import Conflict, InvalidEntry, PermissionDenied
from monitor.services.people import create_user, verify_password
from monitor.services.ratings import record_rating
from tests import factories
from tests.factories import T0

CADSS6 = {1: 2, 2: 3, 6: 1, 7: 0, 15: 4, 22: 2}


def test_cadss6_is_scored_stored_and_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    saved = record_rating(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        answers=CADSS6,
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=41),
    )
    assert (saved.version, saved.total) == ("CADSS-6", 12)
    with database.session_scope() as db:
        row = db.get(Rating, saved.rating_id)
        assert row is not None and row.items == {str(k): v for k, v in CADSS6.items()}
        assert row.timepoint_minutes == 40  # worked out on the server
        audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "rating.recorded")).one()
    assert audit.new_values is not None and audit.new_values["total"] == 12


def test_rating_between_time_points_is_unscheduled(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    saved = record_rating(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        answers=CADSS6,
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=5),
    )
    with database.session_scope() as db:
        assert db.get_one(Rating, saved.rating_id).timepoint_minutes is None


def test_same_key_with_other_answers_is_refused(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    record_rating(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        answers=CADSS6,
        idempotency_key=key,
    )
    with pytest.raises(Conflict, match="other values"):
        record_rating(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            answers={**CADSS6, 1: 4},
            idempotency_key=key,
        )


def test_incomplete_cadss_stores_nothing(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry) as refused:
        record_rating(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            answers={**CADSS6, 22: None},
            idempotency_key=factories.key(),
        )
    assert [p.field for p in refused.value.problems] == ["item-22"]
    with database.session_scope() as db:
        assert db.scalars(select(Rating)).first() is None


def test_rating_key_stores_once(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    ids = {
        record_rating(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            answers=CADSS6,
            idempotency_key=key,
        ).rating_id
        for _ in range(3)
    }
    assert len(ids) == 1


def test_passwords_are_argon2_and_verified(database: Database) -> None:
    create_user(
        database=database,
        username="ana",
        full_name="Ana Costa, RN",
        role="nurse",
        password="long-enough-pass",
    )
    with database.session_scope() as db:
        stored = db.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2")
    assert verify_password(database=database, username="ana", password="long-enough-pass")
    assert verify_password(database=database, username="ana", password="wrong-password") is None
    assert verify_password(database=database, username="nobody", password="x" * 12) is None


def test_user_rules(database: Database) -> None:
    create_user(
        database=database,
        username="ana",
        full_name="Ana",
        role="nurse",
        password="long-enough-pass",
    )
    with pytest.raises(Conflict):
        create_user(
            database=database,
            username="ana",
            full_name="Ana",
            role="nurse",
            password="long-enough-pass",
        )
    with pytest.raises(InvalidEntry):
        create_user(
            database=database,
            username="bo",
            full_name="Bo",
            role="surgeon",
            password="long-enough-pass",
        )
    with pytest.raises(InvalidEntry):
        create_user(
            database=database, username="cy", full_name="Cy", role="nurse", password="short"
        )


def test_only_admin_creates_users_in_app(database: Database) -> None:
    nurse = factories.user(database)
    with pytest.raises(PermissionDenied):
        create_user(
            database=database,
            username="new",
            full_name="New",
            role=Role.ADMIN,
            password="long-enough-pass",
            actor=nurse,
        )
