"""PHQ-9 and PCL-5 through their service: item answers stored, the total from the domain,
PHQ-9 item 9 above 0 raising a high-priority safety flag in the same transaction, audited,
once per submission key; and the physician's acknowledgement of the flag."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlag, SafetyFlagAcknowledgement
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.services.early_end import end_session_early
from monitor.services.errors import (
    Conflict,
    IllegalTransition,
    InvalidEntry,
    NotFound,
    PermissionDenied,
)
from monitor.services.questionnaires import latest_responses, record_questionnaire
from monitor.services.safety_flags import acknowledge_safety_flag, open_safety_flags
from tests import factories
from tests.factories import T0

PHQ9_ITEM9 = {1: 2, 2: 2, 3: 1, 4: 1, 5: 0, 6: 1, 7: 0, 8: 0, 9: 1}  # total 8
PCL5_34 = {n: (2 if n <= 14 else 1) for n in range(1, 21)}  # 28 + 6


def record(database: Database, config: Config, actor: Actor, sid: int, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "questionnaire": "phq9",
        "items": PHQ9_ITEM9,
        "respondent": "nurse",
        "idempotency_key": factories.key(),
        "now": T0,
    } | kw
    return record_questionnaire(
        database=database, config=config, actor=actor, session_id=sid, **values
    )


def count(database: Database, model: Any) -> int:
    with database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_item9_positive_stores_items_total_and_a_high_flag(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    saved = record(database, config, nurse, sid)
    assert (saved.total, saved.severity, saved.duplicate) == (8, "Mild", False)
    assert saved.flag_id is not None
    with database.session_scope() as db:
        row = db.get_one(QuestionnaireResponse, saved.response_id)
        assert row.items == {str(k): v for k, v in PHQ9_ITEM9.items()}
        assert (row.total, row.respondent, row.entered_by) == (8, "nurse", nurse.id)
        flag = db.get_one(SafetyFlag, saved.flag_id)
        assert (flag.kind, flag.priority, flag.response_id) == ("self_harm", "high", row.id)
        assert "Several days" in flag.message
        actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["questionnaire.recorded", "safety_flag.raised"]
    flags = open_safety_flags(database, sid)
    assert [f.flag_id for f in flags] == [saved.flag_id]


def test_item9_zero_raises_no_flag_and_pcl5_never_does(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    saved = record(database, config, nurse, sid, items=PHQ9_ITEM9 | {9: 0})
    assert (saved.total, saved.flag_id) == (7, None)
    pcl = record(database, config, nurse, sid, questionnaire="pcl5", items=PCL5_34)
    assert (pcl.total, pcl.flag_id) == (34, None)
    assert count(database, SafetyFlag) == 0
    latest = latest_responses(database, sid)
    assert {r.questionnaire: r.total for r in latest} == {"phq9": 7, "pcl5": 34}


def test_a_missing_item_stores_nothing(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    items = dict(PHQ9_ITEM9)
    del items[9]
    with pytest.raises(InvalidEntry) as refused:
        record(database, config, nurse, sid, items=items)
    assert [p.field for p in refused.value.problems] == ["item_9"]
    with pytest.raises(InvalidEntry):
        record(database, config, nurse, sid, respondent="robot")
    assert count(database, QuestionnaireResponse) == 0 and count(database, SafetyFlag) == 0


def test_same_key_stores_once_and_other_values_conflict(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    key = factories.key()
    first = record(database, config, nurse, sid, idempotency_key=key)
    again = record(database, config, nurse, sid, idempotency_key=key)
    assert again.duplicate and (again.response_id, again.flag_id) == (
        first.response_id,
        first.flag_id,
    )
    with pytest.raises(Conflict):
        record(database, config, nurse, sid, idempotency_key=key, items=PHQ9_ITEM9 | {1: 3})
    other = factories.user(database)
    with pytest.raises(Conflict):
        record(database, config, other, sid, idempotency_key=key)
    assert count(database, QuestionnaireResponse) == 1 and count(database, SafetyFlag) == 1


def test_refused_once_dosing_started(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)  # its PHQ-9 taken before START
    before = count(database, QuestionnaireResponse)
    with pytest.raises(IllegalTransition, match="before dosing"):
        record(database, config, nurse, sid, now=T0 + timedelta(minutes=1))
    with pytest.raises(NotFound):
        record(database, config, nurse, sid + 999)
    assert count(database, QuestionnaireResponse) == before


def test_only_clinical_staff_record(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    for role in (Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            record(database, config, factories.user(database, role), sid)
    physician = factories.user(database, Role.PHYSICIAN)
    assert record(database, config, physician, sid).total == 8


def test_physician_acknowledges_the_flag_once(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    flag_id = record(database, config, nurse, sid).flag_id
    assert flag_id is not None
    with pytest.raises(PermissionDenied):
        acknowledge_safety_flag(
            database=database,
            actor=nurse,
            flag_id=flag_id,
            note=None,
            submission_key=factories.key(),
        )
    key = factories.key()
    done = acknowledge_safety_flag(
        database=database,
        actor=physician,
        flag_id=flag_id,
        note="  Spoke with patient; passive thoughts, safety plan in place  ",
        submission_key=key,
        now=T0 + timedelta(minutes=2),
    )
    assert not done.duplicate
    again = acknowledge_safety_flag(
        database=database,
        actor=physician,
        flag_id=flag_id,
        note="Spoke with patient; passive thoughts, safety plan in place",
        submission_key=key,
    )
    assert again.duplicate and again.acknowledgement_id == done.acknowledgement_id
    with pytest.raises(Conflict, match="Already acknowledged"):
        acknowledge_safety_flag(
            database=database,
            actor=factories.user(database, Role.PHYSICIAN),
            flag_id=flag_id,
            note=None,
            submission_key=factories.key(),
        )
    with pytest.raises(NotFound):
        acknowledge_safety_flag(
            database=database,
            actor=physician,
            flag_id=flag_id + 99,
            note=None,
            submission_key=factories.key(),
        )
    with pytest.raises(InvalidEntry):
        acknowledge_safety_flag(
            database=database,
            actor=physician,
            flag_id=flag_id,
            note="x" * 2001,
            submission_key=factories.key(),
        )
    assert open_safety_flags(database, sid) == ()
    assert count(database, SafetyFlagAcknowledgement) == 1
    with database.session_scope() as db:
        audit = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "safety_flag.acknowledged")
        ).one()
    assert audit.entity_id == flag_id and audit.actor_id == physician.id


def test_flag_of_an_ended_session_is_not_acknowledged_here(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    flag_id = record(database, config, nurse, sid).flag_id
    assert flag_id is not None
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="Patient declined",
        now=T0 + timedelta(minutes=1),
    )
    with pytest.raises(IllegalTransition, match="addendum"):
        acknowledge_safety_flag(
            database=database,
            actor=physician,
            flag_id=flag_id,
            note=None,
            submission_key=factories.key(),
        )
