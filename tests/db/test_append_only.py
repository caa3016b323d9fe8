"""A recorded reading cannot be changed or deleted: not by the ORM, not by raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from monitor.config import Config
from monitor.db.engine import AppendOnlyViolation, Database
from monitor.db.models import AuditEvent, Reading
from tests import factories


@pytest.fixture
def stored_reading(database: Database, config: Config) -> int:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    return factories.reading(database, config, nurse, sid, factories.T0).reading_id


def test_orm_refuses_to_update_a_reading(database: Database, stored_reading: int) -> None:
    with pytest.raises(AppendOnlyViolation), database.session_scope() as db:
        db.get_one(Reading, stored_reading).systolic = 99
    with database.session_scope() as db:
        assert db.get_one(Reading, stored_reading).systolic == 120


def test_orm_refuses_to_delete_a_reading(database: Database, stored_reading: int) -> None:
    with pytest.raises(AppendOnlyViolation), database.session_scope() as db:
        db.delete(db.get(Reading, stored_reading))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE readings SET systolic = 99",
        "DELETE FROM readings",
        "UPDATE audit_events SET action = 'forged'",
        "DELETE FROM audit_events",
    ],
)
def test_database_refuses_raw_sql_changes(
    database: Database, stored_reading: int, statement: str
) -> None:
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(statement))
    with database.session_scope() as db:
        assert db.get_one(Reading, stored_reading).systolic == 120
        assert db.scalars(select(AuditEvent)).first() is not None
