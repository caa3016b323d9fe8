"""Rows of the clinic around the chair for the board's and the record's tests.

Until the course, questionnaire and pre-dose services land on main these are written with
the ORM; each helper says which service it stands in for."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from monitor.db.course_models import (
    Course,
    PreDoseClearance,
    QuestionnaireResponse,
    SafetyFlag,
    SafetyFlagAcknowledgement,
)
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.domain.vocabulary import CourseStatus, Priority, SafetyFlagKind
from tests import factories

PHQ9_ITEM9_POSITIVE = {str(n): 1 for n in range(1, 10)}  # total 9, item 9 = 1
FLAG_MESSAGE = "PHQ-9 item 9 (thoughts of self-harm) answered above 0"


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
    session_id: int,
    nurse_id: int,
    at: datetime,
    items: dict[str, int],
    form: str = "phq9",
) -> int:
    """A stored PHQ-9 or PCL-5 (stands in for services.questionnaires.record_questionnaire)."""
    with database.session_scope() as db:
        response = QuestionnaireResponse(
            session_id=session_id,
            entered_by=nurse_id,
            entered_at=at,
            idempotency_key=factories.key(),
            questionnaire=form,
            version="2001" if form == "phq9" else "2013",
            items=items,
            total=sum(items.values()),
            respondent="patient",
            taken_at=at,
        )
        db.add(response)
        db.flush()
        return response.id


def raise_flag(database: Database, session_id: int, nurse_id: int, at: datetime) -> int:
    """A PHQ-9 with item 9 above 0 and the high safety flag it raises."""
    response_id = questionnaire(database, session_id, nurse_id, at, PHQ9_ITEM9_POSITIVE)
    with database.session_scope() as db:
        flag = SafetyFlag(
            session_id=session_id,
            kind=SafetyFlagKind.SELF_HARM.value,
            priority=Priority.HIGH.value,
            message=FLAG_MESSAGE,
            response_id=response_id,
            raised_at=at,
        )
        db.add(flag)
        db.flush()
        return flag.id


def acknowledge_flag(
    database: Database, flag_id: int, physician_id: int, at: datetime, note: str | None
) -> None:
    """Stands in for services.safety_flags.acknowledge_safety_flag."""
    with database.session_scope() as db:
        flag = db.get(SafetyFlag, flag_id)
        assert flag is not None
        db.add(
            SafetyFlagAcknowledgement(
                flag_id=flag_id,
                session_id=flag.session_id,
                note=note,
                acknowledged_by=physician_id,
                acknowledged_at=at,
                submission_key=factories.key(),
            )
        )


def clearance(
    database: Database, session_id: int, physician_id: int, at: datetime, reason: str
) -> None:
    """A self-harm clearance (stands in for services.pre_dose.clear_pre_dose)."""
    with database.session_scope() as db:
        response_id = db.scalar(
            select(QuestionnaireResponse.id)
            .where(QuestionnaireResponse.session_id == session_id)
            .order_by(QuestionnaireResponse.id.desc())
        )
        assert response_id is not None
        db.add(
            PreDoseClearance(
                session_id=session_id,
                concern="self_harm",
                regarding_id=response_id,
                reason=reason,
                cleared_by=physician_id,
                cleared_at=at,
                idempotency_key=factories.key(),
            )
        )
