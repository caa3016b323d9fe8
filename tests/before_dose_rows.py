"""Rows of the clinic around the chair for the board's and the record's tests: the
questionnaires, flags, acknowledgements and clearances through the real services; a
session's place in a course (k of N, or none) written directly, since only a session
opened long ago, before courses, has none, and no service makes one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from monitor.config import Config
from monitor.db.course_models import Course, SafetyFlag
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.domain.vocabulary import CourseStatus, PreDoseConcern
from monitor.services.actors import Actor
from monitor.services.pre_dose import clear_pre_dose
from monitor.services.questionnaires import record_questionnaire
from monitor.services.safety_flags import acknowledge_safety_flag
from tests import factories

PHQ9_ITEM9_POSITIVE: dict[int | str, int | str] = {
    str(n): 1 for n in range(1, 10)
}  # total 9, item 9 = 1


def place_in_course(
    database: Database, session_id: int, *, sequence: int | None, planned: int | None
) -> int | None:
    """Number the session k of N (planned None: the session belongs to no course).
    Stands in for services.session_lifecycle.open_session numbering it."""
    with database.session_scope() as db:
        session = db.get(InfusionSession, session_id)
        assert session is not None
        if planned is None:
            session.course_id, session.course_sequence = None, sequence
            return None
        course = db.get(Course, session.course_id) if session.course_id else None
        if course is None:
            course = Course(
                patient_id=session.patient_id,
                protocol_id=session.protocol_id,
                indication="ptsd",
                planned_sessions=planned,
                start_date=date(2026, 11, 1),
                status=CourseStatus.COMPLETED.value,  # not open: no clash with a real course
                created_at=factories.T0,
                idempotency_key=factories.key(),
            )
            db.add(course)
            db.flush()
        course.planned_sessions = planned
        session.course_id, session.course_sequence = course.id, sequence
        return course.id


def questionnaire(
    database: Database,
    config: Config,
    nurse: Actor,
    session_id: int,
    at: datetime,
    items: Mapping[int | str, int | str],
    form: str = "phq9",
) -> int:
    """A PHQ-9 or PCL-5 the patient filled in before dosing; its response id."""
    return record_questionnaire(
        database=database,
        config=config,
        actor=nurse,
        session_id=session_id,
        questionnaire=form,
        items=items,
        respondent="patient",
        idempotency_key=factories.key(),
        taken_at=at,
        now=at,
    ).response_id


def raise_flag(
    database: Database, config: Config, nurse: Actor, session_id: int, at: datetime
) -> int:
    """A PHQ-9 with item 9 above 0; the id of the high safety flag it raises."""
    saved = record_questionnaire(
        database=database,
        config=config,
        actor=nurse,
        session_id=session_id,
        questionnaire="phq9",
        items=PHQ9_ITEM9_POSITIVE,
        respondent="patient",
        idempotency_key=factories.key(),
        taken_at=at,
        now=at,
    )
    assert saved.flag_id is not None
    return saved.flag_id


def flag_message(database: Database, flag_id: int) -> str:
    with database.session_scope() as db:
        flag = db.get(SafetyFlag, flag_id)
        assert flag is not None
        return flag.message


def acknowledge_flag(
    database: Database, doc: Actor, flag_id: int, at: datetime, note: str | None
) -> None:
    acknowledge_safety_flag(
        database=database,
        actor=doc,
        flag_id=flag_id,
        note=note,
        submission_key=factories.key(),
        now=at,
    )


def clearance(
    database: Database, config: Config, doc: Actor, session_id: int, at: datetime, reason: str
) -> None:
    """The physician clears the self-harm answer (acknowledging any open flag with it)."""
    clear_pre_dose(
        database=database,
        config=config,
        actor=doc,
        session_id=session_id,
        concern=PreDoseConcern.SELF_HARM,
        reason=reason,
        idempotency_key=factories.key(),
        now=at,
    )
