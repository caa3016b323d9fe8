"""Times go in and come out as aware UTC on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Patient
from tests import factories


def test_aware_time_round_trips_as_utc(database: Database, config: Config) -> None:
    denver = timezone(timedelta(hours=-7))
    moment = datetime(2026, 3, 8, 1, 59, 30, 123000, tzinfo=denver)
    pid = factories.patient(database, config)
    with database.session_scope() as db:
        db.get_one(Patient, pid).created_at = moment
    with database.session_scope() as db:
        stored = db.get_one(Patient, pid).created_at
    assert stored == moment
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.astimezone(UTC).hour == 8


def test_naive_time_is_refused(database: Database, config: Config) -> None:
    pid = factories.patient(database, config)
    with pytest.raises(Exception, match="naive datetime"), database.session_scope() as db:
        db.get_one(Patient, pid).created_at = datetime(2026, 1, 1)
