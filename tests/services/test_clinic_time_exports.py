"""Clinic time in what leaves the app: CSV exports (ISO 8601 in the clinic's zone, with its
offset, to the second) and messages (no UTC)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.db.models import Excursion
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services import quality
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.errors import Conflict
from tests import factories
from tests.factories import T0

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ODD = timedelta(minutes=10, seconds=7, microseconds=654321)  # a time with microseconds


def table(lines: Iterable[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def assert_clinic_iso(text: str, config: Config) -> datetime:
    assert ISO_WITH_OFFSET.match(text), text
    moment = datetime.fromisoformat(text)
    assert moment.microsecond == 0
    assert moment.utcoffset() == moment.astimezone(config.clinic.zone).utcoffset()
    return moment


def test_csv_exports_give_clinic_time_with_offset_and_no_microseconds(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0 + ODD, systolic=150)
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    query = aq.HistoryFilter()

    sessions = table(
        quality.sessions_csv(database=database, config=config, actor=auditor, query=query)
    )
    readings = table(
        quality.readings_csv(database=database, config=config, actor=auditor, query=query)
    )
    rems = dict(
        csv.reader(
            io.StringIO(
                quality.rems_csv(database=database, config=config, actor=auditor, session_id=sid)
            )
        )
    )

    stamps = [v for r in sessions + readings for k, v in r.items() if k.endswith("_at") and v]
    assert len(stamps) >= 3 + 2 * 2  # opened, started, stopped; two readings' taken/entered
    for text in [*stamps, rems["date"]]:
        assert_clinic_iso(text, config)
    started = assert_clinic_iso(sessions[0]["infusion_started_at"], config)
    assert started == T0
    assert sessions[0]["infusion_started_at"] == "2026-11-20T08:00:00-07:00"  # Denver, MST
    assert rems["date"] == "2026-11-20T08:00:00-07:00"
    second = readings[-1]
    assert second["taken_at"] == "2026-11-20T08:10:07-07:00"  # microseconds dropped
    assert assert_clinic_iso(second["taken_at"], config) == (T0 + ODD).replace(microsecond=0)


def test_already_acknowledged_says_clinic_time(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=9), systolic=190)
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
    acknowledge_excursions(
        database=database,
        config=config,
        actor=factories.user(database, Role.PHYSICIAN),
        excursion_ids=ids,
        action="observed",
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=10),
    )
    with pytest.raises(Conflict) as refused:
        acknowledge_excursions(
            database=database,
            config=config,
            actor=factories.user(database, Role.PHYSICIAN),
            excursion_ids=ids,
            action="observed",
            idempotency_key=factories.key(),
            now=T0 + timedelta(minutes=11),
        )
    assert "at 08:10" in str(refused.value)  # 15:10 UTC is 08:10 in Denver
    assert "UTC" not in str(refused.value)
