"""Read queries for the quality audit: the session history (filtered, sorted, paged), its
exports, and the rows the quality measures aggregate. Each reads `session_summaries`, so
its cost follows the filter, not the years of readings behind it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from monitor.db.course_models import Course
from monitor.db.models import (
    Acknowledgement,
    Excursion,
    InfusionSession,
    Patient,
    Reading,
    SessionSummary,
    User,
)
from monitor.db.repositories import READING_MEASURES
from monitor.domain.cosign import (
    COSIGN_WINDOW,
    overdue_if_waiting_since_before,
    sign_off_wording,
    window_minutes,
)
from monitor.domain.vocabulary import Priority, SessionState

FLAGS = ("high", "medium", "overdue", "unacknowledged", "override", "not_cosigned", "stopped_early")


@dataclass(frozen=True)
class HistoryFilter:
    """What the auditor asked for; every part optional."""

    start: datetime | None = None
    end: datetime | None = None
    patient: str | None = None  # MRN or part of the name
    nurse_id: int | None = None
    physician_id: int | None = None
    protocol_id: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "patient": self.patient,
            "nurse_id": self.nurse_id,
            "physician_id": self.physician_id,
            "protocol_id": self.protocol_id,
            "flags": sorted(self.flags),
        }


SORTABLE: dict[str, Any] = {
    "session_id": SessionSummary.session_id,
    "opened_at": SessionSummary.opened_at,
    "chair": SessionSummary.chair,
    "state": SessionSummary.state,
    "dose_mg": SessionSummary.dose_mg,
    "high_count": SessionSummary.high_count,
    "medium_count": SessionSummary.medium_count,
    "unacknowledged_count": SessionSummary.unacknowledged_count,
    "minutes_to_ready": SessionSummary.minutes_to_ready,
    "readings_missed": SessionSummary.readings_missed,
    "patient": Patient.family_name,
}


def _not_cosigned(now: datetime, window: timedelta) -> Any:
    """domain/cosign.py's rule in SQL: awaiting the co-sign past the window, or given late."""
    return and_(
        SessionSummary.state != SessionState.STOPPED_EARLY.value,
        SessionSummary.infusion_stopped_at.is_not(None),
        or_(
            and_(
                SessionSummary.approved_at.is_(None),
                func.coalesce(SessionSummary.performed_at, SessionSummary.infusion_stopped_at)
                < overdue_if_waiting_since_before(now, window),
            ),
            SessionSummary.cosign_delay_minutes > window_minutes(window),
        ),
    )


def _conditions(f: HistoryFilter, now: datetime, window: timedelta) -> list[Any]:
    where: list[Any] = []
    if f.start:
        where.append(SessionSummary.opened_at >= f.start)
    if f.end:
        where.append(SessionSummary.opened_at < f.end)
    if f.patient:
        text = f"%{f.patient.strip().lower()}%"
        where.append(
            or_(
                func.lower(Patient.mrn).like(text),
                func.lower(Patient.family_name).like(text),
                func.lower(Patient.given_name).like(text),
            )
        )
    if f.nurse_id:
        where.append(SessionSummary.nurse_id == f.nurse_id)
    if f.physician_id:
        where.append(SessionSummary.physician_id == f.physician_id)
    if f.protocol_id:
        where.append(SessionSummary.protocol_id == f.protocol_id)
    flag_terms = {
        "high": SessionSummary.high_count > 0,
        "medium": SessionSummary.medium_count > 0,
        "overdue": (SessionSummary.readings_late + SessionSummary.readings_missed) > 0,
        "unacknowledged": SessionSummary.unacknowledged_count > 0,
        "override": SessionSummary.override.is_(True),
        "not_cosigned": _not_cosigned(now, window),
        "stopped_early": SessionSummary.stopped_early.is_(True),
    }
    where += [flag_terms[name] for name in sorted(f.flags) if name in flag_terms]
    return where


@dataclass(frozen=True)
class HistoryRow:
    session_id: int
    opened_at: datetime
    patient: str
    mrn: str
    chair: str
    nurse: str
    physician: str | None
    protocol_id: str
    state: str
    infusion_started_at: datetime | None
    infusion_stopped_at: datetime | None
    ended_at: datetime | None
    dose_mg: float
    high_count: int
    medium_count: int
    low_count: int
    unacknowledged_count: int
    readings_on_time: int
    readings_late: int
    readings_missed: int
    minutes_to_ready: float | None
    performed_at: datetime | None
    approved_at: datetime | None
    override: bool
    stopped_early: bool
    # issue 9 (dose): the dose given, as stored at the stop, and a signed exit's kind
    delivered_mg: float | None = None
    delivered_ml: float | None = None
    exit_kind: str | None = None
    # issue 12: the treatment course and the session's place in it (k of N), if numbered
    course_id: int | None = None
    course_session: int | None = None
    course_planned: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        due = self.readings_on_time + self.readings_late + self.readings_missed
        return None if due == 0 else self.readings_on_time / due

    @property
    def sign_off(self) -> str:
        return sign_off_wording(
            stopped_early=self.stopped_early,
            performed_at=self.performed_at,
            approved_at=self.approved_at,
            override=self.override,
        )


def _base(f: HistoryFilter, now: datetime, window: timedelta) -> Any:
    nurse, physician = aliased(User), aliased(User)
    return (
        select(
            SessionSummary.session_id,
            SessionSummary.opened_at,
            (Patient.family_name + ", " + Patient.given_name).label("patient"),
            Patient.mrn,
            SessionSummary.chair,
            nurse.full_name.label("nurse"),
            physician.full_name.label("physician"),
            SessionSummary.protocol_id,
            SessionSummary.state,
            SessionSummary.infusion_started_at,
            SessionSummary.infusion_stopped_at,
            SessionSummary.ended_at,
            SessionSummary.dose_mg,
            SessionSummary.high_count,
            SessionSummary.medium_count,
            SessionSummary.low_count,
            SessionSummary.unacknowledged_count,
            SessionSummary.readings_on_time,
            SessionSummary.readings_late,
            SessionSummary.readings_missed,
            SessionSummary.minutes_to_ready,
            SessionSummary.performed_at,
            SessionSummary.approved_at,
            SessionSummary.override,
            SessionSummary.stopped_early,
            InfusionSession.delivered_mg,
            InfusionSession.delivered_ml,
            InfusionSession.exit_kind,
            InfusionSession.course_id,
            InfusionSession.course_sequence.label("course_session"),
            Course.planned_sessions.label("course_planned"),
        )
        .join(Patient, Patient.id == SessionSummary.patient_id)
        .join(InfusionSession, InfusionSession.id == SessionSummary.session_id)
        .outerjoin(Course, Course.id == InfusionSession.course_id)
        .join(nurse, nurse.id == SessionSummary.nurse_id)
        .outerjoin(physician, physician.id == SessionSummary.physician_id)
        .where(*_conditions(f, now, window))
    )


COUNT_CAP = 10_000


def history_page(
    db: Session,
    f: HistoryFilter,
    now: datetime,
    *,
    sort: str = "opened_at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 100,
    cosign_window: timedelta = COSIGN_WINDOW,
) -> tuple[list[HistoryRow], int | None]:
    """One page of the session history, and how many sessions match: exact up to
    COUNT_CAP, None beyond (counting years of sessions on every page would make the
    first page cost grow with the history)."""
    column = SORTABLE.get(sort, SessionSummary.opened_at)
    order = [column.desc() if descending else column.asc(), SessionSummary.session_id.desc()]
    rows = db.execute(
        _base(f, now, cosign_window).order_by(*order).offset(offset).limit(limit)
    ).all()
    capped = (
        select(SessionSummary.session_id)
        .join(Patient, Patient.id == SessionSummary.patient_id)
        .where(*_conditions(f, now, cosign_window))
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    counted = db.scalar(select(func.count()).select_from(capped)) or 0
    return [HistoryRow(**row._mapping) for row in rows], (counted if counted <= COUNT_CAP else None)


def history_stream(
    db: Session,
    f: HistoryFilter,
    now: datetime,
    batch: int = 2000,
    *,
    cosign_window: timedelta = COSIGN_WINDOW,
) -> Iterator[HistoryRow]:
    """Every matching session, oldest first, fetched in batches (bounded memory)."""
    result = db.execute(
        _base(f, now, cosign_window)
        .order_by(SessionSummary.opened_at, SessionSummary.session_id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    for row in result:
        yield HistoryRow(**row._mapping)


READING_COLUMNS = (
    "session_id",
    "reading_id",
    "phase",
    "taken_at",
    *READING_MEASURES,
    "source",
    "entered_by",
    "entered_at",
    # issue 12: the treatment course and the session's place in it (k), blank if none
    "course_id",
    "course_session",
)


def readings_stream(
    db: Session,
    f: HistoryFilter,
    now: datetime,
    batch: int = 5000,
    *,
    cosign_window: timedelta = COSIGN_WINDOW,
) -> Iterator[tuple[Any, ...]]:
    """Every reading of the matching sessions, in session and time order, in batches."""
    sessions = (
        select(SessionSummary.session_id)
        .join(Patient, Patient.id == SessionSummary.patient_id)
        .where(*_conditions(f, now, cosign_window))
    )
    statement = (
        select(
            Reading.session_id,
            Reading.id,
            Reading.phase,
            Reading.taken_at,
            *(getattr(Reading, measure) for measure in READING_MEASURES),
            Reading.source,
            User.full_name,
            Reading.entered_at,
            InfusionSession.course_id,
            InfusionSession.course_sequence,
        )
        .join(User, User.id == Reading.entered_by)
        .join(InfusionSession, InfusionSession.id == Reading.session_id)
        .where(Reading.session_id.in_(sessions))
        .order_by(Reading.session_id, Reading.taken_at, Reading.id)
        .execution_options(yield_per=batch, stream_results=True)
    )
    for row in db.execute(statement):
        yield tuple(row)


@dataclass(frozen=True)
class MeasureRow:
    """One session, as the quality measures count it."""

    session_id: int
    opened_at: datetime
    state: str
    high_count: int
    medium_count: int
    low_count: int
    readings_on_time: int
    readings_late: int
    readings_missed: int
    minutes_to_ready: float | None
    override: bool
    not_cosigned: bool
    stopped_early: bool


def measure_rows(
    db: Session,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    cosign_window: timedelta = COSIGN_WINDOW,
) -> list[MeasureRow]:
    """The sessions opened in [start, end), with what the measures need."""
    rows = db.execute(
        select(
            SessionSummary.session_id,
            SessionSummary.opened_at,
            SessionSummary.state,
            SessionSummary.high_count,
            SessionSummary.medium_count,
            SessionSummary.low_count,
            SessionSummary.readings_on_time,
            SessionSummary.readings_late,
            SessionSummary.readings_missed,
            SessionSummary.minutes_to_ready,
            SessionSummary.override,
            _not_cosigned(now, cosign_window).label("not_cosigned"),
            SessionSummary.stopped_early,
        ).where(SessionSummary.opened_at >= start, SessionSummary.opened_at < end)
    ).all()
    flags = ("override", "not_cosigned", "stopped_early")  # 0/1 on SQLite: stored as bool
    return [
        MeasureRow(**{**row._mapping, **{name: bool(row._mapping[name]) for name in flags}})
        for row in rows
    ]


def high_acknowledgement_delays(
    db: Session, start: datetime, end: datetime
) -> list[tuple[datetime, float | None]]:
    """Each high excursion detected in [start, end): when, and minutes until acknowledged
    (None while unacknowledged)."""
    rows = db.execute(
        select(Excursion.detected_at, Acknowledgement.acknowledged_at)
        .outerjoin(Acknowledgement, Acknowledgement.excursion_id == Excursion.id)
        .where(
            Excursion.priority == Priority.HIGH.value,
            Excursion.detected_at >= start,
            Excursion.detected_at < end,
        )
    ).all()
    return [
        (detected, (acked - detected) / timedelta(minutes=1) if acked else None)
        for detected, acked in rows
    ]


def staff(db: Session, role: str) -> list[tuple[int, str]]:
    return [
        (u.id, u.full_name)
        for u in db.scalars(select(User).where(User.role == role).order_by(User.full_name))
    ]
