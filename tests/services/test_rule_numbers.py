"""The services follow the clinic's numbers in config.yaml, not the domain defaults alone:
a clinic that changes the rate guard, the clock skew, the exit or override reason minimum,
or the co-sign window gets the changed rule at the service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from monitor.config import Config, Infusion, Readings, SignOff
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services import quality
from monitor.services.early_end import end_session_early
from monitor.services.errors import InvalidEntry
from monitor.services.exits import sign_exit
from monitor.services.readings import ReadingSaved, record_reading
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD, T0
from tests.services.test_recovery import READY, assess, recovered


def configured(config: Config, **sections: Any) -> Config:
    return config.model_copy(update=sections)


def test_the_rate_guard_is_the_configured_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    tight = configured(config, infusion=Infusion(max_rate_ml_per_h=250))
    rate = SessionEvent.RATE_CHANGE
    factories.event(database, nurse, sid, rate, T0 + timedelta(minutes=1), tight, rate_ml_per_h=250)
    with pytest.raises(InvalidEntry, match="up to 250"):
        factories.event(
            database, nurse, sid, rate, T0 + timedelta(minutes=2), tight, rate_ml_per_h=250.5
        )


def test_the_clock_skew_is_the_configured_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    now = T0 + timedelta(minutes=10)
    ahead = now + timedelta(minutes=1)

    def read(rules: Config) -> ReadingSaved:
        return record_reading(
            database=database,
            config=rules,
            actor=nurse,
            session_id=sid,
            vitals=factories.vitals(),
            idempotency_key=factories.key(),
            taken_at=ahead,
            now=now,
        )

    with pytest.raises(InvalidEntry, match="in the future"):
        read(configured(config, readings=Readings(clock_skew_minutes=0)))
    assert read(config).taken_at == ahead  # the default two minutes allow one ahead


def test_the_exit_reason_minimum_is_the_configured_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="BP 190/110",
        now=T0 + timedelta(minutes=12),
    )
    strict = configured(config, sign_off=SignOff(exit_reason_min_chars=30))
    with pytest.raises(InvalidEntry, match="Write why the patient leaves"):
        sign_exit(
            database=database,
            config=strict,
            actor=physician,
            session_id=sid,
            kind="transfer",
            reason="to the ED for chest pain",  # 24 characters
            password=PASSWORD,
            now=T0 + timedelta(minutes=30),
        )


def test_the_override_minimum_is_the_configured_one(database: Database, config: Config) -> None:
    nurse, doctor = factories.user(database), factories.user(database, Role.PHYSICIAN)
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid, confirmed=[])  # the checklist unmet: an override
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    strict = configured(config, sign_off=SignOff(override_reason_min_chars=40))
    with pytest.raises(InvalidEntry, match="Write the reason"):
        approve_discharge(
            database=database,
            config=strict,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            override_reason="Calm, oriented; escort waiting",  # 30 characters
            now=READY,
        )


def test_the_cosign_window_is_passed_to_the_history(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    flag = aq.HistoryFilter(flags=frozenset({"not_cosigned"}))
    later = T0 + timedelta(hours=10)
    with database.session_scope() as db:
        _, by_default = aq.history_page(db, flag, later)
        _, by_eight_hours = aq.history_page(db, flag, later, cosign_window=timedelta(hours=8))
    assert (by_default, by_eight_hours) == (0, 1)


def test_the_audit_screens_follow_the_configured_cosign_window(
    database: Database, config: Config
) -> None:
    """A discharge co-signed 2 h after the nurse's signature is "not co-signed" for a
    clinic whose window is 1 h: in the history, the measures and both exports."""
    nurse, doctor = factories.user(database), factories.user(database, Role.PHYSICIAN)
    auditor = factories.user(database, Role.AUDITOR)
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    cosigned = READY + timedelta(hours=2)
    factories.reading(database, config, nurse, sid, cosigned - timedelta(minutes=5), systolic=126)
    approve_discharge(
        database=database,
        config=config,
        actor=doctor,
        session_id=sid,
        password=PASSWORD,
        now=cosigned,
    )
    one_hour = configured(config, sign_off=SignOff(cosign_window_hours=1))
    flag = aq.HistoryFilter(flags=frozenset({"not_cosigned"}))
    later = READY + timedelta(hours=3)
    _, flagged = quality.history(
        database=database,
        config=one_hour,
        actor=auditor,
        query=flag,
        sort="opened_at",
        descending=True,
        offset=0,
        limit=10,
        now=later,
    )
    month = quality.measures(
        database=database,
        config=one_hour,
        actor=auditor,
        start=T0 - timedelta(days=1),
        end=T0 + timedelta(days=1),
        period="month",
        now=later,
    ).iloc[0]
    sessions = list(
        quality.sessions_csv(database=database, config=one_hour, actor=auditor, query=flag)
    )
    readings = list(
        quality.readings_csv(database=database, config=one_hour, actor=auditor, query=flag)
    )
    assert (flagged, month["not_cosigned"]) == (1, 1)
    assert [line.split(",")[0] for line in sessions[1:]] == [str(sid)]
    assert {line.split(",")[0] for line in readings[1:]} == {str(sid)}
