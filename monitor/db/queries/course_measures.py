"""Read models for the course quality measures: each course's first session with the
screenings and consents stored by then, the pre-dose clearances, the safety flags with
their acknowledgement, and each course's questionnaire totals. A few statements each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db.course_models import (
    Consent,
    ConsentWithdrawal,
    Course,
    PreDoseClearance,
    QuestionnaireResponse,
    SafetyFlag,
    SafetyFlagAcknowledgement,
    Screening,
    ScreeningDecisionRecord,
)
from monitor.db.models import InfusionSession
from monitor.domain.course_quality import ConsentAt, ScreeningAt


@dataclass(frozen=True)
class FirstSession:
    course_id: int
    session_id: int
    opened_at: datetime
    recorded_before_courses: bool
    screenings: tuple[ScreeningAt, ...]
    consents: tuple[ConsentAt, ...]


@dataclass(frozen=True)
class CourseTotals:
    course_id: int
    indication: str
    questionnaire: str
    totals: tuple[int, ...]  # in the order taken


def first_sessions(db: Session, start: datetime, end: datetime) -> list[FirstSession]:
    """Each course whose first session (the earliest opened) opened in [start, end), with
    every screening and consent the course holds (the rule judges them at the opening)."""
    first = (
        select(
            InfusionSession.course_id.label("course_id"),
            func.min(InfusionSession.opened_at).label("opened_at"),
        )
        .where(InfusionSession.course_id.is_not(None))
        .group_by(InfusionSession.course_id)
        .subquery()
    )
    rows = db.execute(
        select(
            first.c.course_id,
            first.c.opened_at,
            func.min(InfusionSession.id).label("session_id"),
            Course.recorded_before_courses,
        )
        .join(
            InfusionSession,
            (InfusionSession.course_id == first.c.course_id)
            & (InfusionSession.opened_at == first.c.opened_at),
        )
        .join(Course, Course.id == first.c.course_id)
        .where(first.c.opened_at >= start, first.c.opened_at < end)
        .group_by(first.c.course_id, first.c.opened_at, Course.recorded_before_courses)
        .order_by(first.c.opened_at)
    ).all()
    ids = [r.course_id for r in rows]
    screenings: dict[int, list[ScreeningAt]] = defaultdict(list)
    for course_id, screened, needs, decision, decided in db.execute(
        select(
            Screening.course_id,
            Screening.screened_at,
            Screening.needs_decision,
            ScreeningDecisionRecord.decision,
            ScreeningDecisionRecord.signed_at,
        )
        .outerjoin(ScreeningDecisionRecord, ScreeningDecisionRecord.screening_id == Screening.id)
        .where(Screening.course_id.in_(ids))
    ):
        screenings[course_id].append(ScreeningAt(screened, needs, decision, decided))
    consents: dict[int, list[ConsentAt]] = defaultdict(list)
    for course_id, signed, withdrawn in db.execute(
        select(Consent.course_id, Consent.signed_at, ConsentWithdrawal.recorded_at)
        .outerjoin(ConsentWithdrawal, ConsentWithdrawal.consent_id == Consent.id)
        .where(Consent.course_id.in_(ids))
    ):
        consents[course_id].append(ConsentAt(signed, withdrawn))
    return [
        FirstSession(
            course_id=r.course_id,
            session_id=r.session_id,
            opened_at=r.opened_at,
            recorded_before_courses=bool(r.recorded_before_courses),
            screenings=tuple(screenings[r.course_id]),
            consents=tuple(consents[r.course_id]),
        )
        for r in rows
    ]


def clearances_by_concern(db: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Pre-dose clearances given in [start, end), counted by the concern cleared."""
    rows = db.execute(
        select(PreDoseClearance.concern, func.count())
        .where(PreDoseClearance.cleared_at >= start, PreDoseClearance.cleared_at < end)
        .group_by(PreDoseClearance.concern)
    ).all()
    return {concern: int(count) for concern, count in rows}


def safety_flag_reviews(
    db: Session, start: datetime, end: datetime
) -> list[tuple[datetime, datetime | None]]:
    """Each safety flag raised in [start, end): when, and when a physician acknowledged it
    (None while open)."""
    rows = db.execute(
        select(SafetyFlag.raised_at, SafetyFlagAcknowledgement.acknowledged_at)
        .outerjoin(SafetyFlagAcknowledgement, SafetyFlagAcknowledgement.flag_id == SafetyFlag.id)
        .where(SafetyFlag.raised_at >= start, SafetyFlag.raised_at < end)
        .order_by(SafetyFlag.raised_at)
    ).all()
    return [(raised, acknowledged) for raised, acknowledged in rows]


def course_totals(db: Session, first_day: date, last_day: date) -> list[CourseTotals]:
    """The questionnaire totals of each course started between the two days (inclusive),
    per scale, in the order taken (a repeated questionnaire in one session: the latest)."""
    rows = db.execute(
        select(
            Course.id,
            Course.indication,
            QuestionnaireResponse.session_id,
            QuestionnaireResponse.questionnaire,
            QuestionnaireResponse.total,
        )
        .join(InfusionSession, InfusionSession.course_id == Course.id)
        .join(QuestionnaireResponse, QuestionnaireResponse.session_id == InfusionSession.id)
        .where(Course.start_date >= first_day, Course.start_date <= last_day)
        .order_by(Course.id, QuestionnaireResponse.taken_at, QuestionnaireResponse.id)
    ).all()
    latest: dict[tuple[int, str, str], dict[int, int]] = defaultdict(dict)
    for course_id, indication, session_id, questionnaire, total in rows:
        per_session = latest[(course_id, indication, questionnaire)]
        per_session[session_id] = total  # the session keeps its place, with its latest total
    return [
        CourseTotals(cid, indication, questionnaire, tuple(per_session.values()))
        for (cid, indication, questionnaire), per_session in latest.items()
    ]
