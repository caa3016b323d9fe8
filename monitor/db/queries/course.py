"""The course read model: one treatment course as its page shows it — the patient, the
plan, its sessions (k of N, dose, excursions, safety flags), the PHQ-9 and PCL-5 totals per
session, the screenings with their signed decisions and the consents with their witness and
withdrawal. A few statements, rows built by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

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
from monitor.db.models import InfusionSession, Patient, SessionSummary, User
from monitor.db.queries.rows import build_all, columns
from monitor.domain.permissions import Role


@dataclass(frozen=True)
class CoursePatient:
    id: int
    mrn: str
    name: str  # "Family, Given", as the record prints it
    birth_date: date


@dataclass(frozen=True)
class CourseHeader:
    id: int
    patient_id: int
    protocol_id: str
    indication: str
    indication_note: str | None
    planned_sessions: int
    start_date: date
    physician_name: str | None
    status: str
    status_reason: str | None
    status_changed_at: datetime | None
    created_at: datetime
    recorded_before_courses: bool


@dataclass(frozen=True)
class CourseSessionRow:
    session_id: int
    sequence: int | None
    opened_at: datetime
    state: str
    dose_mg: float
    delivered_mg: float | None
    infusion_started_at: datetime | None
    ended_at: datetime | None
    high_count: int
    medium_count: int
    low_count: int
    unacknowledged_count: int
    safety_flags: int
    safety_flags_open: int
    clearances: int


@dataclass(frozen=True)
class ScoreRow:
    session_id: int
    sequence: int | None
    questionnaire: str
    total: int
    taken_at: datetime


@dataclass(frozen=True)
class ScreeningAnswerRow:
    code: str
    label: str
    source: str
    answer: str
    note: str


@dataclass(frozen=True)
class ScreeningRow:
    id: int
    screened_at: datetime
    screened_by: str
    needs_decision: bool
    answers: tuple[ScreeningAnswerRow, ...]
    decision: str | None
    decision_reason: str | None
    decided_by: str | None  # the printed name signed
    decided_role: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class ConsentRow:
    id: int
    form_title: str
    form_version: str
    consented_on: date
    patient_typed_name: str
    witness_printed_name: str
    witness_role: str
    signed_at: datetime
    withdrawn_on: date | None
    withdrawal_reason: str | None
    withdrawal_recorded_by: str | None
    withdrawal_recorded_at: datetime | None


@dataclass(frozen=True)
class CourseRecord:
    patient: CoursePatient
    header: CourseHeader
    sessions: tuple[CourseSessionRow, ...]  # in course order
    scores: tuple[ScoreRow, ...]  # the latest total of each scale per session, in order
    screenings: tuple[ScreeningRow, ...]  # oldest first: the last one stands
    consents: tuple[ConsentRow, ...]  # oldest first

    @property
    def given(self) -> int:
        return len(self.sessions)

    @property
    def last_session_day(self) -> datetime | None:
        return self.sessions[-1].opened_at if self.sessions else None


def _patient_name() -> Any:
    return Patient.family_name + ", " + Patient.given_name


def course_patient(db: Session, patient_id: int) -> CoursePatient | None:
    rows = build_all(
        CoursePatient,
        db.execute(
            select(*columns(CoursePatient, Patient, name=_patient_name())).where(
                Patient.id == patient_id
            )
        ),
    )
    return rows[0] if rows else None


def _header(db: Session, course_id: int) -> CourseHeader | None:
    rows = build_all(
        CourseHeader,
        db.execute(
            select(*columns(CourseHeader, Course, physician_name=User.full_name))
            .outerjoin(User, User.id == Course.physician_id)
            .where(Course.id == course_id)
        ),
    )
    return rows[0] if rows else None


def _count(model: Any, *where: Any) -> Any:
    return (
        select(func.count())
        .select_from(model)
        .where(model.session_id == InfusionSession.id, *where)
        .correlate(InfusionSession)
        .scalar_subquery()
    )


def _sessions(db: Session, course_id: int) -> tuple[CourseSessionRow, ...]:
    acknowledged = select(SafetyFlagAcknowledgement.flag_id)
    summary = SessionSummary
    zero = 0
    query = (
        select(
            *columns(
                CourseSessionRow,
                InfusionSession,
                session_id=InfusionSession.id,
                sequence=InfusionSession.course_sequence,
                high_count=func.coalesce(summary.high_count, zero),
                medium_count=func.coalesce(summary.medium_count, zero),
                low_count=func.coalesce(summary.low_count, zero),
                unacknowledged_count=func.coalesce(summary.unacknowledged_count, zero),
                safety_flags=_count(SafetyFlag),
                safety_flags_open=_count(SafetyFlag, SafetyFlag.id.not_in(acknowledged)),
                clearances=_count(PreDoseClearance),
            )
        )
        .outerjoin(summary, summary.session_id == InfusionSession.id)
        .where(InfusionSession.course_id == course_id)
        .order_by(InfusionSession.course_sequence, InfusionSession.opened_at, InfusionSession.id)
    )
    return tuple(build_all(CourseSessionRow, db.execute(query)))


def _scores(db: Session, course_id: int) -> tuple[ScoreRow, ...]:
    """Each session's latest total of each scale (a repeated questionnaire replaces the
    earlier one on the chart; both stay in the session's record)."""
    rows = build_all(
        ScoreRow,
        db.execute(
            select(
                *columns(
                    ScoreRow,
                    QuestionnaireResponse,
                    sequence=InfusionSession.course_sequence,
                )
            )
            .join(InfusionSession, InfusionSession.id == QuestionnaireResponse.session_id)
            .where(InfusionSession.course_id == course_id)
            .order_by(QuestionnaireResponse.taken_at, QuestionnaireResponse.id)
        ),
    )
    latest = {(r.session_id, r.questionnaire): r for r in rows}
    return tuple(sorted(latest.values(), key=lambda r: (r.taken_at, r.session_id)))


def _screenings(db: Session, course_id: int) -> tuple[ScreeningRow, ...]:
    screener = aliased(User)
    rows = db.execute(
        select(
            Screening,
            screener.full_name.label("screened_by"),
            ScreeningDecisionRecord,
        )
        .join(screener, screener.id == Screening.screened_by)
        .outerjoin(ScreeningDecisionRecord, ScreeningDecisionRecord.screening_id == Screening.id)
        .where(Screening.course_id == course_id)
        .order_by(Screening.screened_at, Screening.id)
    ).all()
    out = []
    for screening, screened_by, decision in rows:
        out.append(
            ScreeningRow(
                id=screening.id,
                screened_at=screening.screened_at,
                screened_by=screened_by,
                needs_decision=screening.needs_decision,
                answers=tuple(
                    ScreeningAnswerRow(
                        code=str(a.get("code", "")),
                        label=str(a.get("label", "")),
                        source=str(a.get("source", "")),
                        answer=str(a.get("answer", "")),
                        note=str(a.get("note") or ""),
                    )
                    for a in screening.answers
                ),
                decision=decision.decision if decision else None,
                decision_reason=decision.reason if decision else None,
                decided_by=decision.printed_name if decision else None,
                decided_role=decision.role if decision else None,
                decided_at=decision.signed_at if decision else None,
            )
        )
    return tuple(out)


def _consents(db: Session, course_id: int) -> tuple[ConsentRow, ...]:
    recorder = aliased(User)
    return tuple(
        build_all(
            ConsentRow,
            db.execute(
                select(
                    *columns(
                        ConsentRow,
                        Consent,
                        withdrawn_on=ConsentWithdrawal.withdrawn_on,
                        withdrawal_reason=ConsentWithdrawal.reason,
                        withdrawal_recorded_by=recorder.full_name,
                        withdrawal_recorded_at=ConsentWithdrawal.recorded_at,
                    )
                )
                .outerjoin(ConsentWithdrawal, ConsentWithdrawal.consent_id == Consent.id)
                .outerjoin(recorder, recorder.id == ConsentWithdrawal.recorded_by)
                .where(Consent.course_id == course_id)
                .order_by(Consent.signed_at, Consent.id)
            ),
        )
    )


def course_record(db: Session, course_id: int) -> CourseRecord | None:
    """Everything the course page shows; None when there is no such course."""
    header = _header(db, course_id)
    if header is None:
        return None
    patient = course_patient(db, header.patient_id)
    assert patient is not None  # a course's patient_id is a foreign key
    return CourseRecord(
        patient=patient,
        header=header,
        sessions=_sessions(db, course_id),
        scores=_scores(db, course_id),
        screenings=_screenings(db, course_id),
        consents=_consents(db, course_id),
    )


def active_physicians(db: Session) -> list[tuple[int, str]]:
    """The physicians a course can be given to: active accounts, by name."""
    rows = db.execute(
        select(User.id, User.full_name)
        .where(User.role == Role.PHYSICIAN.value, User.active.is_(True))
        .order_by(User.full_name, User.id)
    )
    return [(r.id, r.full_name) for r in rows]
