"""The tables, as typed mappings. No clinical rules here: those live in monitor.domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from monitor.db import course_models as course_models  # the course tables, on Base.metadata
from monitor.db import intervention_models as intervention_models  # given and happened
from monitor.db.base import Base, SessionEntry
from monitor.db.checks import one_of, vocabulary_check
from monitor.db.types import UTCDateTime, utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import ACTIVE_STATES
from monitor.domain.vocabulary import (
    AcknowledgementAction,
    ExitKind,
    Phase,
    Priority,
    SessionState,
    Sex,
    SignatureMeaning,
)
from monitor.domain.vocabulary import InfusionEvent as InfusionEventKind

# The live sessions, as literal SQL: the partial indexes below are built on this clause, and
# queries that filter with the very same text let SQLite and PostgreSQL use those small
# indexes however much history the table holds. One live session per chair and per
# patient is held by the database itself. Built from the state machine's live states in
# the enum's order, it reads exactly as migration 0003 wrote it.
ACTIVE_SESSION_STATES: tuple[SessionState, ...] = tuple(
    state for state in SessionState if state in ACTIVE_STATES
)
ACTIVE_SESSION = text(one_of("state", ACTIVE_SESSION_STATES))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (vocabulary_check("role", Role),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A temporary password (set by an administrator) must be changed at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )


class Patient(Base):
    """A registered patient: demographics are changed only with an audited reason, never
    deleted."""

    __tablename__ = "patients"
    __table_args__ = (vocabulary_check("sex", Sex),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mrn: Mapped[str] = mapped_column(String(32), unique=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sex: Mapped[str] = mapped_column(
        String(16), default=Sex.UNKNOWN.value, server_default=Sex.UNKNOWN.value
    )
    # None: not yet asked; "No known drug allergies" is an answer like any other.
    allergies: Mapped[str | None] = mapped_column(Text)
    # Who takes the patient home, and the number to reach them (or the emergency contact).
    escort_name: Mapped[str | None] = mapped_column(String(200))
    escort_phone: Mapped[str | None] = mapped_column(String(32))

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


class InfusionSession(Base):
    """One treatment session of one patient in one chair: the clinic's 'session'."""

    __tablename__ = "sessions"
    __table_args__ = (
        vocabulary_check("state", SessionState),
        vocabulary_check("exit_kind", ExitKind),
        Index("ix_sessions_state", "state"),
        Index("ix_sessions_patient_id", "patient_id"),
        Index(
            "uq_sessions_active_chair",
            "chair",
            unique=True,
            sqlite_where=ACTIVE_SESSION,
            postgresql_where=ACTIVE_SESSION,
        ),
        Index(
            "uq_sessions_active_patient",
            "patient_id",
            unique=True,
            sqlite_where=ACTIVE_SESSION,
            postgresql_where=ACTIVE_SESSION,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    protocol_id: Mapped[str] = mapped_column(String(64))
    protocol_name: Mapped[str] = mapped_column(String(200))
    chair: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    infusion_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    infusion_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)
    weight_kg: Mapped[float] = mapped_column(Float)
    dose_mg_per_kg: Mapped[float] = mapped_column(Float)
    dose_mg: Mapped[float] = mapped_column(Float)
    concentration_mg_per_ml: Mapped[float] = mapped_column(Float)
    rate_ml_per_h: Mapped[float] = mapped_column(Float)
    infusion_minutes: Mapped[float] = mapped_column(Float)
    # What the pump actually gave, computed from the infusion events when it stopped.
    delivered_ml: Mapped[float | None] = mapped_column(Float)
    delivered_mg: Mapped[float | None] = mapped_column(Float)
    # How a session in recovery left without discharge (a physician-signed exit).
    exit_kind: Mapped[str | None] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The course this session is part of, and its place in it (session k of N). Set by
    # open_session on every new session; a database may still hold NULL only where
    # migration 0012 found no way to number an old session.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    course_sequence: Mapped[int | None] = mapped_column(Integer)

    patient: Mapped[Patient] = relationship(lazy="joined")


class Reading(SessionEntry, Base):
    """A set of vital signs with MOAA/S. Never updated or deleted once stored."""

    __tablename__ = "readings"
    __table_args__ = (
        vocabulary_check("phase", Phase),
        CheckConstraint("diastolic < systolic", name="diastolic_below_systolic"),
        Index("ix_readings_session_id_taken_at", "session_id", "taken_at"),
    )

    phase: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    systolic: Mapped[int] = mapped_column(Integer)
    diastolic: Mapped[int] = mapped_column(Integer)
    heart_rate: Mapped[int] = mapped_column(Integer)
    spo2: Mapped[int] = mapped_column(Integer)
    resp_rate: Mapped[int] = mapped_column(Integer)
    temperature: Mapped[float | None] = mapped_column(Float)
    moaas: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))


class Rating(SessionEntry, Base):
    """A scored CADSS administration. Never updated or deleted once stored."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_session_id_taken_at", "session_id", "taken_at"),)

    scale: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(16))
    items: Mapped[dict[str, int]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    timepoint_minutes: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InfusionEvent(SessionEntry, Base):
    """Start, pause, resume, rate change or stop of the pump."""

    __tablename__ = "infusion_events"
    __table_args__ = (
        vocabulary_check("kind", InfusionEventKind),
        Index("ix_infusion_events_session_id", "session_id"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rate_ml_per_h: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)


class Excursion(Base):
    """One excursion rule that fired on one reading."""

    __tablename__ = "excursions"
    __table_args__ = (
        vocabulary_check("priority", Priority),
        Index("ix_excursions_session_id", "session_id"),
        Index("ix_excursions_reading_id", "reading_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    reading_id: Mapped[int] = mapped_column(ForeignKey("readings.id"))
    rule_code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(8))
    measure: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(32))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Acknowledgement(Base):
    """A physician's acknowledgement of one excursion: who, when, and the action taken."""

    __tablename__ = "acknowledgements"
    __table_args__ = (
        vocabulary_check("action", AcknowledgementAction),
        Index("ix_acknowledgements_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    excursion_id: Mapped[int] = mapped_column(ForeignKey("excursions.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_key: Mapped[str] = mapped_column(String(64), index=True)


class RecoveryAssessment(Base):
    """The nurse's recovery assessment: Aldrete items scored and checklist confirmed.
    A new assessment supersedes the last; none is ever changed."""

    __tablename__ = "recovery_assessments"
    __table_args__ = (Index("ix_recovery_assessments_session_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    activity: Mapped[int] = mapped_column(Integer)
    respiration: Mapped[int] = mapped_column(Integer)
    consciousness: Mapped[int] = mapped_column(Integer)
    checklist: Mapped[dict[str, bool]] = mapped_column(JSON)
    assessed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class Signature(Base):
    """An electronic signature (21 CFR 11.50): printed name, date and time, and meaning,
    with the criteria as they stood when signed."""

    __tablename__ = "signatures"
    __table_args__ = (
        vocabulary_check("meaning", SignatureMeaning),
        # A discharge signature signs an assessment; an exit may come before any.
        CheckConstraint(
            f"assessment_id IS NOT NULL OR meaning = '{SignatureMeaning.EXIT.value}'",
            name="assessment_unless_exit",
        ),
        Index("ix_signatures_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_assessments.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    meaning: Mapped[str] = mapped_column(String(16))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    all_criteria_met: Mapped[bool] = mapped_column(Boolean)
    override_reason: Mapped[str | None] = mapped_column(Text)


class Addendum(Base):
    """A correction: the original stays; this says what it should have been, by whom and why."""

    __tablename__ = "addenda"
    __table_args__ = (Index("ix_addenda_session_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(32))
    original_value: Mapped[str | None] = mapped_column(Text)
    corrected_value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class SessionSummary(Base):
    """One row per session, kept current by the services on every write: what the history
    screen, its filters, the quality measures and the exports read, so they stay one
    indexed query however many years of readings lie behind them. Derived, never a source:
    it can always be rebuilt from the record (`monitor summaries rebuild`)."""

    __tablename__ = "session_summaries"
    __table_args__ = (
        Index("ix_session_summaries_opened_at", "opened_at"),
        Index("ix_session_summaries_started_at", "infusion_started_at"),
        Index("ix_session_summaries_patient_id", "patient_id"),
        Index("ix_session_summaries_nurse_id", "nurse_id"),
        Index("ix_session_summaries_physician_id", "physician_id"),
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    protocol_id: Mapped[str] = mapped_column(String(64))
    chair: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    nurse_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    physician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    infusion_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    infusion_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    weight_kg: Mapped[float] = mapped_column(Float)
    dose_mg: Mapped[float] = mapped_column(Float)
    high_count: Mapped[int] = mapped_column(Integer, default=0)
    medium_count: Mapped[int] = mapped_column(Integer, default=0)
    low_count: Mapped[int] = mapped_column(Integer, default=0)
    unacknowledged_count: Mapped[int] = mapped_column(Integer, default=0)
    readings_on_time: Mapped[int] = mapped_column(Integer, default=0)
    readings_late: Mapped[int] = mapped_column(Integer, default=0)
    readings_missed: Mapped[int] = mapped_column(Integer, default=0)
    stopped_early: Mapped[bool] = mapped_column(Boolean, default=False)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_to_ready: Mapped[float | None] = mapped_column(Float)
    performed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cosign_delay_minutes: Mapped[float | None] = mapped_column(Float)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed sign-in or signing password, kept to throttle guessing across every worker.

    A row is written before the password is verified (a reservation) and removed if the
    password was right, so concurrent guesses cannot all pass the count. An administrator's
    unlock sets `cleared_at`; cleared rows stay, for the record, but no longer count."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_remote_addr_at", "remote_addr", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "sign_in" (the sign-in form) or "signature" (a password re-entered to sign)
    purpose: Mapped[str] = mapped_column(String(16), default="sign_in", server_default="sign_in")
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInSession(Base):
    """A sign-in, kept on the server so every worker agrees when it ends: the cookie carries
    only a random token, stored here as its SHA-256. Ended by sign-out, idleness, a password
    change, or its absolute lifetime; rows past that lifetime are deleted at a sign-in."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (
        Index("ix_sign_in_sessions_user_id", "user_id"),
        Index("ix_sign_in_sessions_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)  # a person's last request
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # absolute: never extended
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # Patient mode: this sign-in may only show the questionnaire of this session, and ends
    # when it is submitted (the tablet returns to a locked screen).
    patient_mode_session_id: Mapped[int | None] = mapped_column(Integer)


class AuditEvent(Base):
    """An append-only record of one write: who, when, what, and the values."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_session_id", "session_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    session_id: Mapped[int | None] = mapped_column(Integer)
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def chained_fields(self) -> dict[str, Any]:
        """What the hash covers (everything but the id and the hashes themselves)."""
        return {
            "occurred_at": self.occurred_at,
            "actor_id": self.actor_id,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "session_id": self.session_id,
            "old_values": self.old_values,
            "new_values": self.new_values,
            "reason": self.reason,
        }


class AuditChainHead(Base):
    """The newest link of the audit chain: one row, locked by each writer in turn."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
