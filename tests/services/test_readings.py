"""Recording a reading: validated, stored once, flagged against the baseline, audited."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, cast

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Excursion, InfusionSession, Reading
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.domain.vocabulary import Priority
from monitor.services.early_end import end_session_early
from monitor.services.errors import Conflict, IllegalTransition, InvalidEntry, PermissionDenied
from monitor.services.readings import record_entered_reading, record_reading
from tests import factories
from tests.factories import T0


def count(database: Database, model: type) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_first_reading_is_the_baseline_and_moves_the_session_on(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    saved = factories.reading(database, config, nurse, sid, T0)
    assert saved.phase == "baseline" and not saved.duplicate
    with database.session_scope() as db:
        assert db.get_one(InfusionSession, sid).state == "baseline"
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["reading.recorded", "session.state_changed"]


def test_185_over_95_is_flagged_high_and_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    saved = factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=185, diastolic=95
    )
    assert saved.flags[0].priority is Priority.HIGH
    assert saved.flags[0].rule_code == "severe-hypertension"
    with database.session_scope() as db:
        stored = db.scalars(select(Excursion).where(Excursion.reading_id == saved.reading_id))
        assert {e.rule_code for e in stored} == {f.rule_code for f in saved.flags}
        flagged = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "excursion.flagged")
        )
    assert flagged == len(saved.flags)


def test_rise_over_baseline_uses_the_latest_baseline(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, baseline={"systolic": 110})
    saved = factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=150, diastolic=80
    )
    assert [f.rule_code for f in saved.flags] == ["bp-rise-over-baseline"]
    below = factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=20), systolic=149, diastolic=80
    )
    assert below.flags == ()


def test_implausible_value_stores_nothing(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    before = (count(database, Reading), count(database, AuditEvent))
    with pytest.raises(InvalidEntry) as refused:
        record_entered_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            entered={
                "systolic": "1200",
                "diastolic": "80",
                "heart_rate": "70",
                "spo2": "98",
                "resp_rate": "14",
                "moaas": 5,
            },
            idempotency_key=factories.key(),
        )
    assert [p.field for p in refused.value.problems] == ["systolic"]
    assert (count(database, Reading), count(database, AuditEvent)) == before


def test_same_key_twice_stores_one_reading(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    args: dict[str, Any] = dict(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        vitals=factories.vitals(systolic=190, diastolic=100),
        idempotency_key=key,
    )
    first = record_reading(**args)
    again = record_reading(**args)
    assert again.duplicate and again.reading_id == first.reading_id
    assert again.flags == first.flags
    with database.session_scope() as db:
        n = db.scalar(select(func.count()).select_from(Reading).where(Reading.session_id == sid))
    assert n == 2  # the baseline and this one


def test_concurrent_double_tap_stores_one_reading(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()

    def tap() -> int:
        return record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            vitals=factories.vitals(),
            idempotency_key=key,
        ).reading_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(lambda _: tap(), range(8)))
    assert len(ids) == 1
    with database.session_scope() as db:
        n = db.scalar(
            select(func.count()).select_from(Reading).where(Reading.idempotency_key == key)
        )
        audits = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "reading.recorded", AuditEvent.entity_id == ids.pop())
        )
    assert n == 1 and audits == 1


def test_key_reused_for_another_session_is_refused(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    first = factories.session(database, config, nurse, chair=config.clinic.chairs[0])
    second = factories.session(database, config, nurse, chair=config.clinic.chairs[1])
    key = factories.key()
    record_reading(
        database=database,
        config=config,
        actor=nurse,
        session_id=first,
        vitals=factories.vitals(),
        idempotency_key=key,
    )
    with pytest.raises(Conflict):
        record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=second,
            vitals=factories.vitals(),
            idempotency_key=key,
        )


@pytest.mark.parametrize("bad_key", ["", "short", "x" * 65, "has space in it", None])
def test_missing_or_malformed_key_is_refused(
    database: Database, config: Config, bad_key: str
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with pytest.raises(InvalidEntry):
        record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            vitals=factories.vitals(),
            idempotency_key=bad_key,
        )
    assert count(database, Reading) == 0


def test_auditor_cannot_record(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.session(database, config, nurse)
    with pytest.raises(PermissionDenied):
        record_reading(
            database=database,
            config=config,
            actor=auditor,
            session_id=sid,
            vitals=factories.vitals(),
            idempotency_key=factories.key(),
        )
    assert count(database, Reading) == 0


def test_ended_session_takes_no_readings(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)  # ended before dosing: closed
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="transferred",
        now=T0 + timedelta(minutes=5),
    )
    with pytest.raises(IllegalTransition):
        factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=6))


def test_missing_moaas_is_refused_when_the_protocol_requires_it(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with pytest.raises(InvalidEntry) as refused:
        factories.reading(database, config, nurse, sid, T0, moaas=cast(Any, None))
    assert [p.field for p in refused.value.problems] == ["moaas"]


def test_reading_in_the_future_is_refused(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with pytest.raises(InvalidEntry):
        record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            vitals=factories.vitals(),
            idempotency_key=factories.key(),
            taken_at=T0 + timedelta(minutes=10),
            now=T0,
        )


def test_phase_follows_the_infusion(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    during = factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=10))
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    after = factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=55))
    assert (during.phase, after.phase) == ("infusion", "recovery")
