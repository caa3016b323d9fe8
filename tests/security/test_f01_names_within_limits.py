"""Finding 1, its other half: every text the app accepts must fit where it is stored and
render. A person's printed name and a patient's names have caps at their fields, the
lengths of their columns: at the cap they are stored, one character over is refused at
the field and nothing is stored (before, PostgreSQL answered the overflow with an error
from the database, SQLite stored it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Patient, User
from monitor.domain.permissions import Role
from monitor.services.errors import InvalidEntry
from monitor.services.people import MAX_FULL_NAME, MAX_NAME_PART, create_patient, create_user
from tests.factories import PASSWORD


def _count(database: Database, model: type) -> int:
    with database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("extra, stored", [(0, True), (1, False)])
def test_a_printed_name_is_kept_to_its_column(database: Database, extra: int, stored: bool) -> None:
    name = "N" * (MAX_FULL_NAME + extra)
    before = _count(database, AuditEvent)
    if stored:
        actor = create_user(
            database=database,
            username="long-name",
            full_name=name,
            role=Role.NURSE,
            password=PASSWORD,
        )
        assert actor.full_name == name
        return
    with pytest.raises(InvalidEntry, match=f"{MAX_FULL_NAME} characters"):
        create_user(
            database=database,
            username="long-name",
            full_name=name,
            role=Role.NURSE,
            password=PASSWORD,
        )
    assert _count(database, User) == 0
    assert _count(database, AuditEvent) == before


@pytest.mark.parametrize("part", ["family_name", "given_name"])
@pytest.mark.parametrize("extra, stored", [(0, True), (1, False)])
def test_a_patients_names_are_kept_to_their_columns(
    database: Database, config: Config, part: str, extra: int, stored: bool
) -> None:
    names: dict[str, Any] = {"family_name": "Smith", "given_name": "Ann"}
    names[part] = "x" * (MAX_NAME_PART + extra)

    def register() -> int:
        return create_patient(
            database=database,
            config=config,
            mrn="CAP-1",
            birth_date=date(1980, 1, 1),
            weight_kg=80,
            **names,
        )

    if stored:
        register()
        assert _count(database, Patient) == 1
        return
    with pytest.raises(InvalidEntry, match=f"{MAX_NAME_PART} characters"):
        register()
    assert _count(database, Patient) == 0
