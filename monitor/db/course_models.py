"""The tables of the clinic around the chair: a patient's treatment course, its screening
and consent, the questionnaires taken before dosing, the physician's pre-dose clearances
and the safety flags an answer raises. No clinical rule here: those live in monitor.domain
(course.py, screening.py, pre_dose.py, questionnaires.py).

Courses change (their status, the sessions planned), each change audited with its old and
new values; every other row here is an entry, never changed once stored (append-only, as
migration 0012 installs it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from monitor.db.base import Base, SessionEntry
from monitor.db.checks import one_of, vocabulary_check
from monitor.db.types import UTCDateTime
from monitor.domain.vocabulary import (
    CourseStatus,
    Indication,
    PreDoseConcern,
    Priority,
    Questionnaire,
    Respondent,
    SafetyFlagKind,
    ScreeningDecision,
)

# A patient has at most one open course (screening or active), held by the database.
OPEN_COURSE = text(one_of("status", (CourseStatus.SCREENING, CourseStatus.ACTIVE)))


class Course(Base):
    """A patient's treatment course: about six sessions over two or three weeks."""

    __tablename__ = "courses"
    __table_args__ = (
        vocabulary_check("indication", Indication),
        vocabulary_check("status", CourseStatus),
        Index("ix_courses_patient_id", "patient_id"),
        Index(
            "uq_courses_open_patient",
            "patient_id",
            unique=True,
            sqlite_where=OPEN_COURSE,
            postgresql_where=OPEN_COURSE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    protocol_id: Mapped[str] = mapped_column(String(64))
    indication: Mapped[str] = mapped_column(String(32))
    indication_note: Mapped[str | None] = mapped_column(Text)
    planned_sessions: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    # The responsible physician; None only on a course migration 0012 made for sessions
    # recorded before courses existed.
    physician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Made by migration 0012 for the sessions of a patient recorded before courses existed:
    # it has no screening or consent in this system, and the quality measures say so.
    recorded_before_courses: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class Screening(Base):
    """The contraindication checklist as answered, each item with its words and source as
    the config held them when asked. A new screening supersedes the last."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_course_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    # [{"code", "label", "source", "answer": yes|no|unknown, "note"}], in the config's order
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Any yes or unknown: a physician's signed decision is needed before it clears.
    needs_decision: Mapped[bool] = mapped_column(Boolean)
    screened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class ScreeningDecisionRecord(Base):
    """A physician's signed decision on a screening (21 CFR 11.50: printed name, time and
    meaning): clear it with a reason, or decline the course."""

    __tablename__ = "screening_decisions"
    __table_args__ = (vocabulary_check("decision", ScreeningDecision),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class Consent(Base):
    """Informed consent to a course: the form by title and version, the patient's typed
    name, and the staff witness's signature (password re-entered)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_course_id", "course_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    form_title: Mapped[str] = mapped_column(String(200))
    form_version: Mapped[str] = mapped_column(String(32))
    consented_on: Mapped[date] = mapped_column(Date)
    patient_typed_name: Mapped[str] = mapped_column(String(200))
    witness_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    witness_printed_name: Mapped[str] = mapped_column(String(200))
    witness_role: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class ConsentWithdrawal(Base):
    """The patient withdrew consent: the course stops."""

    __tablename__ = "consent_withdrawals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), unique=True)
    withdrawn_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class QuestionnaireResponse(SessionEntry, Base):
    """A PHQ-9 or PCL-5 taken before dosing: every item's answer, and the total the domain
    computed from them. Never updated or deleted once stored."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        vocabulary_check("questionnaire", Questionnaire),
        vocabulary_check("respondent", Respondent),
        Index("ix_questionnaire_responses_session_id", "session_id"),
    )

    questionnaire: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(32))
    items: Mapped[dict[str, int]] = mapped_column(JSON)  # item number (as text) -> score
    total: Mapped[int] = mapped_column(Integer)
    respondent: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PreDoseClearance(Base):
    """A physician's clearance, with a reason, of one pre-dose concern: the baseline
    reading or the questionnaire answer it regards (a new baseline needs a new clearance)."""

    __tablename__ = "pre_dose_clearances"
    __table_args__ = (
        vocabulary_check("concern", PreDoseConcern),
        Index("ix_pre_dose_clearances_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    concern: Mapped[str] = mapped_column(String(16))
    # readings.id for the baseline BP; questionnaire_responses.id for self-harm
    regarding_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    cleared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cleared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class SafetyFlag(Base):
    """A flag an answer raised (PHQ-9 item 9 above 0): on the board until a physician
    acknowledges it."""

    __tablename__ = "safety_flags"
    __table_args__ = (
        vocabulary_check("kind", SafetyFlagKind),
        vocabulary_check("priority", Priority),
        Index("ix_safety_flags_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_responses.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SafetyFlagAcknowledgement(Base):
    """A physician's acknowledgement of one safety flag, with a note."""

    __tablename__ = "safety_flag_acknowledgements"
    __table_args__ = (Index("ix_safety_flag_acknowledgements_session_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("safety_flags.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
