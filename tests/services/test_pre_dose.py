"""The pre-dose check as a service (SQLite and PostgreSQL): START is refused with exactly
what is missing until a physician clears it with a reason; a clearance regards the current
baseline (a new, higher one needs another) or the latest positive PHQ-9 answer, and clearing
self-harm acknowledges the open safety flag in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import (
    PreDoseClearance,
    SafetyFlagAcknowledgement,
)
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.actors import Actor
from monitor.services.errors import (
    Conflict,
    IllegalTransition,
    InvalidEntry,
    NotFound,
    PermissionDenied,
)
from monitor.services.pre_dose import PreDoseCleared, clear_pre_dose, pre_dose_status
from monitor.services.pump import record_infusion_event
from monitor.services.questionnaires import record_questionnaire
from tests import factories

T0 = factories.T0
HIGH = "Baseline BP 150/95 is above 140/90: a physician's clearance is needed"
ITEM_9 = (
    "PHQ-9 item 9 (thoughts of self-harm) was answered 2 of 3: a physician's clearance is needed"
)


def at_baseline(
    database: Database, config: Config, nurse: Actor, systolic: int, diastolic: int
) -> int:
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=20))
    baseline(database, config, nurse, sid, systolic, diastolic, T0 - timedelta(minutes=10))
    factories.questionnaires_before_dosing(database, config, nurse, sid, T0 - timedelta(minutes=9))
    return sid


def baseline(
    database: Database,
    config: Config,
    nurse: Actor,
    sid: int,
    systolic: int,
    diastolic: int,
    at: datetime,
) -> None:
    factories.reading(database, config, nurse, sid, at, systolic=systolic, diastolic=diastolic)


def start(database: Database, config: Config, nurse: Actor, sid: int) -> None:
    record_infusion_event(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        event=SessionEvent.START_INFUSION,
        idempotency_key=factories.key(),
        now=T0,
    )


def clear(
    database: Database,
    config: Config,
    physician: Actor,
    sid: int,
    concern: str = "baseline_bp",
    reason: str = "Known hypertension, rechecked",
    key: str | None = None,
) -> PreDoseCleared:
    return clear_pre_dose(
        database=database,
        config=config,
        actor=physician,
        session_id=sid,
        concern=concern,
        reason=reason,
        idempotency_key=key or factories.key(),
        now=T0 - timedelta(minutes=2),
    )


def phq9(database: Database, config: Config, nurse: Actor, sid: int, item_9: int) -> int:
    """A PHQ-9 entered by the nurse (items 1-8 answered 1), through the real service: a
    positive item 9 raises the self-harm flag."""
    saved = record_questionnaire(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        questionnaire="phq9",
        items={**dict.fromkeys(range(1, 9), 1), 9: item_9},
        respondent="nurse",
        idempotency_key=factories.key(),
        now=T0 - timedelta(minutes=5),
    )
    assert (saved.flag_id is not None) is (item_9 > 0)
    return saved.response_id


def refusal(database: Database, config: Config, nurse: Actor, sid: int) -> list[str]:
    with pytest.raises(InvalidEntry) as caught:
        start(database, config, nurse, sid)
    assert {p.field for p in caught.value.problems} == {"pre_dose"}
    return [p.message for p in caught.value.problems]


@pytest.fixture
def nurse(database: Database) -> Actor:
    return factories.user(database, Role.NURSE)


@pytest.fixture
def physician(database: Database) -> Actor:
    return factories.user(database, Role.PHYSICIAN)


@pytest.mark.parametrize(("systolic", "diastolic"), [(140, 90), (120, 80)])
def test_at_or_below_the_limit_the_infusion_starts(
    database: Database, config: Config, nurse: Actor, systolic: int, diastolic: int
) -> None:
    sid = at_baseline(database, config, nurse, systolic, diastolic)
    status = pre_dose_status(database=database, config=config, session_id=sid)
    assert status.missing == () and status.may_start
    start(database, config, nurse, sid)


def test_the_phq9_is_taken_before_dosing(database: Database, config: Config, nurse: Actor) -> None:
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=20))
    baseline(database, config, nurse, sid, 120, 80, T0 - timedelta(minutes=10))
    assert refusal(database, config, nurse, sid) == [
        "The infusion cannot start: PHQ-9 has not been taken at this session (it is taken "
        "before dosing)"
    ]
    assert [q.value for q in config.measurement.required_before_dosing] == ["phq9"]
    factories.questionnaires_before_dosing(database, config, nurse, sid, T0 - timedelta(minutes=2))
    start(database, config, nurse, sid)
    # A clinic that requires none (measurement.required_before_dosing: []) starts without.
    other = factories.session(
        database, config, nurse, chair=config.clinic.chairs[1], now=T0 - timedelta(minutes=20)
    )
    baseline(database, config, nurse, other, 120, 80, T0 - timedelta(minutes=10))
    none = config.model_copy(
        update={"measurement": config.measurement.model_copy(update={"required_before_dosing": ()})}
    )
    start(database, none, nurse, other)


@pytest.mark.parametrize(("systolic", "diastolic"), [(141, 90), (140, 91)])
def test_one_above_the_limit_is_refused(
    database: Database, config: Config, nurse: Actor, systolic: int, diastolic: int
) -> None:
    sid = at_baseline(database, config, nurse, systolic, diastolic)
    assert refusal(database, config, nurse, sid) == [
        f"The infusion cannot start: Baseline BP {systolic}/{diastolic} is above 140/90: "
        "a physician's clearance is needed"
    ]


def test_150_95_waits_for_a_physician(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 150, 95)
    assert refusal(database, config, nurse, sid) == [f"The infusion cannot start: {HIGH}"]
    status = pre_dose_status(database=database, config=config, session_id=sid)
    assert status.missing == (HIGH,)
    assert [c.value for c in status.to_clear] == ["baseline_bp"]
    with pytest.raises(PermissionDenied):
        clear(database, config, nurse, sid)
    cleared = clear(database, config, physician, sid)
    start(database, config, nurse, sid)
    with database.session_scope() as db:
        row = db.scalars(select(PreDoseClearance)).one()
        assert (row.concern, row.reason, row.cleared_by) == (
            "baseline_bp",
            "Known hypertension, rechecked",
            physician.id,
        )
        audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "pre_dose.cleared")).one()
        assert audit.entity_id == row.id and audit.reason == row.reason
        assert audit.actor_id == physician.id and audit.session_id == sid
    assert cleared.regarding_id == row.regarding_id


def test_a_new_higher_baseline_needs_a_new_clearance(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 150, 95)
    clear(database, config, physician, sid)
    baseline(database, config, nurse, sid, 145, 92, T0 - timedelta(minutes=8))
    assert pre_dose_status(database=database, config=config, session_id=sid).missing == ()
    baseline(database, config, nurse, sid, 156, 95, T0 - timedelta(minutes=6))
    assert refusal(database, config, nurse, sid) == [
        "The infusion cannot start: Baseline BP 156/95 is above 140/90: "
        "a physician's clearance is needed"
    ]
    clear(database, config, physician, sid, reason="Rechecked after rest, asymptomatic")
    start(database, config, nurse, sid)


def test_a_positive_item_9_needs_clearance_and_acknowledges_the_flag(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 150, 95)
    response = phq9(database, config, nurse, sid, 2)
    assert refusal(database, config, nurse, sid) == [
        f"The infusion cannot start: {HIGH}",
        ITEM_9,
    ]
    clear(database, config, physician, sid)
    assert refusal(database, config, nurse, sid) == [f"The infusion cannot start: {ITEM_9}"]
    key = factories.key()
    cleared = clear(
        database, config, physician, sid, "self_harm", "Seen, safety plan in place", key
    )
    assert cleared.regarding_id == response
    assert len(cleared.flags_acknowledged) == 1
    again = clear(database, config, physician, sid, "self_harm", "Seen, safety plan in place", key)
    assert again == replace(cleared, duplicate=True)
    with database.session_scope() as db:
        ack = db.scalars(select(SafetyFlagAcknowledgement)).one()
        assert (ack.note, ack.acknowledged_by) == ("Seen, safety plan in place", physician.id)
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-2:] == ["pre_dose.cleared", "safety_flag.acknowledged"]
    start(database, config, nurse, sid)


def test_a_later_negative_phq9_does_not_take_back_a_positive_one(
    database: Database, config: Config, nurse: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 120, 80)
    phq9(database, config, nurse, sid, 1)
    phq9(database, config, nurse, sid, 0)
    status = pre_dose_status(database=database, config=config, session_id=sid)
    assert [c.value for c in status.to_clear] == ["self_harm"]
    assert status.questionnaires_to_take == ("pcl5",)


def test_a_clearance_needs_a_reason_and_a_concern(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 150, 95)
    for reason in ("", "   ", "ok"):
        with pytest.raises(InvalidEntry) as caught:
            clear(database, config, physician, sid, reason=reason)
        assert caught.value.problems[0].field == "reason"
    with pytest.raises(InvalidEntry, match="Keep the reason under"):
        clear(database, config, physician, sid, reason="x" * 5000)
    with pytest.raises(InvalidEntry) as caught:
        clear(database, config, physician, sid, concern="mood")
    assert caught.value.problems[0].field == "concern"
    with pytest.raises(InvalidEntry, match="Nothing to clear"):
        clear(database, config, physician, sid, concern="self_harm")
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(PreDoseClearance)) == 0


def test_nothing_to_clear_when_at_the_limit_or_dosing(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 140, 90)
    with pytest.raises(InvalidEntry, match="Nothing to clear"):
        clear(database, config, physician, sid)
    start(database, config, nurse, sid)
    with pytest.raises(IllegalTransition, match="has started"):
        clear(database, config, physician, sid)
    with pytest.raises(NotFound):
        pre_dose_status(database=database, config=config, session_id=99999)


def test_the_same_clearance_twice_is_stored_once(
    database: Database, config: Config, nurse: Actor, physician: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 150, 95)
    key = factories.key()
    first = clear(database, config, physician, sid, key=key)
    again = clear(database, config, physician, sid, key=key)
    assert again.duplicate and again.clearance_id == first.clearance_id
    with pytest.raises(Conflict):
        clear(database, config, physician, sid, reason="Another reason entirely", key=key)
    other = factories.user(database, Role.PHYSICIAN)
    with pytest.raises(Conflict):
        clear(database, config, other, sid, key=key)
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(PreDoseClearance)) == 1


def test_course_place_is_none_without_a_course(
    database: Database, config: Config, nurse: Actor
) -> None:
    sid = at_baseline(database, config, nurse, 120, 80)
    status = pre_dose_status(database=database, config=config, session_id=sid)
    assert status.before_dosing
    if status.course_sequence is None:  # until the courses land, a session has no course
        assert status.planned_sessions is None
