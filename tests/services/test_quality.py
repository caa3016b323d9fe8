"""The quality audit's services: measures on known data, access logging, exports, roles."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.domain.vocabulary import Severity
from monitor.services import quality
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.early_end import end_session_early
from monitor.services.errors import PermissionDenied
from tests import adverse_event_data, factories
from tests.factories import T0

ZONE = "America/Denver"


def row(sid: int, opened: datetime, **kw: Any) -> aq.MeasureRow:
    usual = aq.MeasureRow(
        session_id=sid,
        opened_at=opened,
        state="discharged",
        high_count=0,
        medium_count=0,
        low_count=0,
        readings_on_time=10,
        readings_late=0,
        readings_missed=0,
        minutes_to_ready=125.0,
        override=False,
        not_cosigned=False,
        stopped_early=False,
    )
    return dataclasses.replace(usual, **kw)


def exported_file(event: AuditEvent) -> object:
    """The file an export event names; an export event always records its values."""
    assert event.new_values is not None, f"audit event {event.id} has no values"
    return event.new_values["export"]


NOV = datetime(2026, 11, 10, 17, 0, tzinfo=UTC)  # 10:00 in Denver
DEC = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def test_measures_on_a_hand_built_month() -> None:
    sessions = [
        row(
            1,
            NOV,
            high_count=2,
            readings_on_time=8,
            readings_late=1,
            readings_missed=1,
            minutes_to_ready=120.0,
        ),
        row(2, NOV, medium_count=1, readings_on_time=10, minutes_to_ready=130.0, override=True),
        row(
            3,
            NOV,
            readings_on_time=5,
            readings_missed=5,
            minutes_to_ready=None,
            stopped_early=True,
            state="stopped_early",
        ),
        row(
            4,
            NOV,
            high_count=1,
            low_count=4,
            readings_on_time=9,
            readings_late=1,
            minutes_to_ready=140.0,
            not_cosigned=True,
        ),
        row(5, DEC, readings_on_time=10, minutes_to_ready=200.0),
    ]
    delays = [(NOV, 2.0), (NOV, 4.0), (NOV, 10.0), (NOV, None), (DEC, 7.0)]
    frame = quality.compute_measures(sessions, delays, ZONE, "month")
    nov, dec = frame.iloc[0], frame.iloc[1]
    assert str(nov["period"].date()) == "2026-11-01" and nov["sessions"] == 4
    assert nov["on_time_rate"] == pytest.approx(32 / 40)
    assert (nov["high_per_100"], nov["medium_per_100"], nov["low_per_100"]) == (75, 25, 100)
    assert nov["high_ack_median_min"] == 4.0
    assert nov["high_ack_p90_min"] == pytest.approx(8.8)  # linear between 4 and 10
    assert nov["high_unacknowledged"] == 1
    assert nov["ready_median_min"] == 130.0  # sessions never ready are left out
    assert (nov["overrides"], nov["not_cosigned"], nov["stopped_early"]) == (1, 1, 1)
    assert dec["sessions"] == 1 and dec["on_time_rate"] == 1.0
    assert dec["high_ack_median_min"] == 7.0 and dec["ready_median_min"] == 200.0


def test_weeks_start_on_monday_in_the_clinics_zone() -> None:
    sunday_night = datetime(2026, 11, 16, 5, 30, tzinfo=UTC)  # Sunday 22:30 in Denver
    monday = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    frame = quality.compute_measures([row(1, sunday_night), row(2, monday)], [], ZONE, "week")
    assert [str(p.date()) for p in frame["period"]] == ["2026-11-09", "2026-11-16"]
    assert list(frame["sessions"]) == [1, 1]


def test_a_month_with_only_unacknowledged_highs() -> None:
    frame = quality.compute_measures(
        [row(1, NOV, high_count=2)], [(NOV, None), (NOV, None)], ZONE, "month"
    )
    assert frame.iloc[0]["high_unacknowledged"] == 2
    assert frame["high_ack_median_min"].isna().all()


def test_no_sessions_no_rows() -> None:
    assert quality.compute_measures([], [], ZONE, "month").empty


def test_summaries_feed_the_measures(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    auditor = factories.user(database, Role.AUDITOR)
    chairs = config.clinic.chairs
    high = factories.infusing(database, config, nurse, chair=chairs[0])
    factories.reading(
        database, config, nurse, high, T0 + timedelta(minutes=10), systolic=190, diastolic=100
    )
    with database.session_scope() as db:
        from monitor.db.models import Excursion

        ids = list(db.scalars(select(Excursion.id).where(Excursion.session_id == high)))
    acknowledge_excursions(
        database=database,
        config=config,
        actor=doctor,
        excursion_ids=ids,
        action="observed",
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=16),
    )
    early = factories.infusing(database, config, nurse, chair=chairs[1])
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=early,
        reason="transferred",
        now=T0 + timedelta(minutes=5),
    )
    frame = quality.measures(
        database=database,
        config=config,
        actor=auditor,
        start=T0 - timedelta(days=1),
        end=T0 + timedelta(days=1),
        period="month",
        now=T0 + timedelta(hours=1),
    )
    month = frame.iloc[0]
    assert month["sessions"] == 2 and month["stopped_early"] == 1
    assert month["high_per_100"] == 50 and month["high_ack_median_min"] == 6.0
    rows, total = quality.history(
        database=database,
        config=config,
        actor=auditor,
        query=aq.HistoryFilter(flags=frozenset({"high"})),
        sort="opened_at",
        descending=True,
        offset=0,
        limit=50,
        now=T0 + timedelta(hours=1),
    )
    assert total == 1 and rows[0].session_id == high and rows[0].high_count >= 1
    _, stopped = quality.history(
        database=database,
        config=config,
        actor=auditor,
        query=aq.HistoryFilter(flags=frozenset({"stopped_early"})),
        sort="opened_at",
        descending=True,
        offset=0,
        limit=50,
    )
    assert stopped == 1


def test_not_cosigned_within_24_hours(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    flag = aq.HistoryFilter(flags=frozenset({"not_cosigned"}))

    def count(now: datetime) -> int | None:
        return quality.history(
            database=database,
            config=config,
            actor=auditor,
            query=flag,
            sort="opened_at",
            descending=True,
            offset=0,
            limit=10,
            now=now,
        )[1]

    assert count(T0 + timedelta(hours=24)) == 0  # stopped 40 min in: 23 h 20 min ago
    assert count(T0 + timedelta(hours=25)) == 1


def test_reviewing_a_session_is_logged(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    record = quality.review_session(database=database, actor=auditor, session_id=sid)
    assert record.snapshot.header.id == sid
    with database.session_scope() as db:
        viewed = db.scalars(select(AuditEvent).where(AuditEvent.action == "record.viewed")).one()
    assert (viewed.actor_id, viewed.session_id) == (auditor.id, sid)
    with pytest.raises(PermissionDenied):
        quality.review_session(database=database, actor=nurse, session_id=sid)


def test_exports_stream_csv_and_are_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=150)
    sessions = list(
        csv.reader(
            io.StringIO(
                "".join(
                    quality.sessions_csv(
                        database=database, config=config, actor=auditor, query=aq.HistoryFilter()
                    )
                )
            )
        )
    )
    readings = list(
        csv.reader(
            io.StringIO(
                "".join(
                    quality.readings_csv(
                        database=database,
                        config=config,
                        actor=auditor,
                        query=aq.HistoryFilter(),
                    )
                )
            )
        )
    )
    assert sessions[0][0] == "session_id" and sessions[1][0] == str(sid)
    assert [r[4] for r in readings[1:]] == ["120", "150"]
    rems = quality.rems_csv(database=database, config=config, actor=auditor, session_id=sid)
    assert "bp_before_dosing,120/80" in rems
    with database.session_scope() as db:
        exports = [
            exported_file(e)
            for e in db.scalars(select(AuditEvent).where(AuditEvent.action == "record.exported"))
        ]
    assert exports == ["sessions.csv", "readings.csv", "rems.csv"]
    with pytest.raises(PermissionDenied):
        quality.sessions_csv(
            database=database, config=config, actor=nurse, query=aq.HistoryFilter()
        )


def test_count_is_exact_up_to_the_cap(
    database: Database, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    for chair in config.clinic.chairs[:3]:
        factories.infusing(database, config, nurse, chair=chair)

    def total() -> int | None:
        return quality.history(
            database=database,
            config=config,
            actor=auditor,
            query=aq.HistoryFilter(),
            sort="opened_at",
            descending=True,
            offset=0,
            limit=2,
        )[1]

    assert total() == 3
    monkeypatch.setattr(aq, "COUNT_CAP", 2)
    assert total() is None  # more than the cap: the page does not count years of sessions


def test_exports_carry_the_dose_given(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)  # 40 mg planned at 60 mL/h, 1 mg/mL
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="chest pain",
        now=T0 + timedelta(minutes=12),
    )
    lines = "".join(
        quality.sessions_csv(
            database=database, config=config, actor=auditor, query=aq.HistoryFilter()
        )
    )
    header, values = list(csv.reader(io.StringIO(lines)))
    row = dict(zip(header, values, strict=True))
    assert (row["dose_mg"], row["dose_given_mg"], row["dose_given_ml"]) == (
        "40.0",
        "12.00",
        "12.00",
    )
    assert (row["dose_given_percent"], row["exit_kind"], row["state"]) == ("30", "", "recovery")
    rems = quality.rems_csv(database=database, config=config, actor=auditor, session_id=sid)
    assert "dose_given_mg,12.0" in rems and "dose_given_percent_of_planned,30" in rems


def test_the_rems_export_answers_the_serious_adverse_event_question(
    database: Database, config: Config
) -> None:
    """The REMS CSV reads the session's adverse events: "False" with a mild one, "True"
    naming the event once a severe one is recorded (config: from `severe`)."""
    nurse = factories.user(database, Role.NURSE)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)

    def rems() -> dict[str, str]:
        text = quality.rems_csv(database=database, config=config, actor=auditor, session_id=sid)
        return dict(csv.reader(io.StringIO(text)))

    later = T0 + timedelta(minutes=12)
    adverse_event_data.adverse_event(database, config, nurse, sid, now=later)
    assert (rems()["serious_adverse_event"], rems()["serious_adverse_events"]) == ("False", "")
    adverse_event_data.adverse_event(
        database, config, nurse, sid, now=later, kind="vomiting", severity=Severity.SEVERE
    )
    assert rems()["serious_adverse_event"] == "True"
    assert rems()["serious_adverse_events"] == "Vomiting (Grade 3: severe)"
