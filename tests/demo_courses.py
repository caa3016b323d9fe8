"""What the demo must show of the clinic around the chair, checked on what `monitor seed-demo`
stored: every session in a course that was ready when it opened, the questionnaires before
dosing, and the patients the README names — a screening awaiting a physician, session 3 of
6 today, and a completed course of six whose PHQ-9 and PCL-5 fall.

Each invariant takes the stored courses and returns how many facts it checked and what it
found wrong, as tests/test_demo.py's invariants of the sessions do (it runs both).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from monitor.config import Config
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
from monitor.db.engine import Database
from monitor.db.models import InfusionSession


@dataclass
class CourseRecord:
    """Every course the demo stored, with what hangs from it, and when the demo was written."""

    config: Config
    after: datetime
    courses: list[Course]
    sessions: dict[int, list[InfusionSession]] = field(default_factory=lambda: defaultdict(list))
    screenings: dict[int, list[Screening]] = field(default_factory=lambda: defaultdict(list))
    decisions: dict[int, ScreeningDecisionRecord] = field(default_factory=dict)
    consents: dict[int, list[Consent]] = field(default_factory=lambda: defaultdict(list))
    withdrawals: dict[int, ConsentWithdrawal] = field(default_factory=dict)
    responses: dict[int, list[QuestionnaireResponse]] = field(
        default_factory=lambda: defaultdict(list)
    )
    flags: list[SafetyFlag] = field(default_factory=list)
    clearances: list[PreDoseClearance] = field(default_factory=list)
    flag_acks: dict[int, SafetyFlagAcknowledgement] = field(default_factory=dict)
    orphans: list[InfusionSession] = field(default_factory=list)

    def today(self, course: Course) -> list[InfusionSession]:
        """The course's sessions opened on the demo's day (within the last 24 hours)."""
        return [s for s in self.sessions[course.id] if s.opened_at > self.after - timedelta(1)]


def load_courses(database: Database, config: Config, after: datetime) -> CourseRecord:
    with database.session_scope() as db:
        record = CourseRecord(config, after, list(db.scalars(select(Course).order_by(Course.id))))
        for s in db.scalars(select(InfusionSession).order_by(InfusionSession.opened_at)):
            (record.sessions[s.course_id] if s.course_id else record.orphans).append(s)
        for screening in db.scalars(select(Screening).order_by(Screening.id)):
            record.screenings[screening.course_id].append(screening)
        for decision in db.scalars(select(ScreeningDecisionRecord)):
            record.decisions[decision.screening_id] = decision
        for consent in db.scalars(select(Consent).order_by(Consent.id)):
            record.consents[consent.course_id].append(consent)
        for withdrawal in db.scalars(select(ConsentWithdrawal)):
            record.withdrawals[withdrawal.consent_id] = withdrawal
        for response in db.scalars(
            select(QuestionnaireResponse).order_by(QuestionnaireResponse.taken_at)
        ):
            record.responses[response.session_id].append(response)
        record.flags = list(db.scalars(select(SafetyFlag)))
        record.clearances = list(db.scalars(select(PreDoseClearance)))
        for ack in db.scalars(select(SafetyFlagAcknowledgement)):
            record.flag_acks[ack.flag_id] = ack
        db.expunge_all()
    return record


@dataclass
class Verdict:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def expect(self, holds: bool, problem: str) -> None:
        self.checked += 1
        if not holds:
            self.problems.append(problem)


CourseInvariant = Callable[[CourseRecord], Verdict]


def sessions_numbered_in_their_courses(record: CourseRecord) -> Verdict:
    """Every session belongs to a course and is numbered 1, 2, 3 … in the order opened,
    never beyond the sessions planned."""
    v = Verdict()
    v.expect(record.orphans == [], f"sessions without a course: {[s.id for s in record.orphans]}")
    for course in record.courses:
        sequence = [s.course_sequence for s in record.sessions[course.id]]
        v.expect(
            sequence == list(range(1, len(sequence) + 1)),
            f"course {course.id}: sessions numbered {sequence}",
        )
        v.expect(
            len(sequence) <= course.planned_sessions,
            f"course {course.id}: {len(sequence)} sessions of {course.planned_sessions}",
        )
    return v


def screening_cleared(record: CourseRecord, screening: Screening, by: datetime) -> bool:
    """Cleared at `by`: all "no", or a physician's decision to clear signed before it."""
    if not screening.needs_decision:
        return screening.screened_at <= by
    decision = record.decisions.get(screening.id)
    return decision is not None and decision.decision == "cleared" and decision.signed_at <= by


def sessions_open_on_ready_courses(record: CourseRecord) -> Verdict:
    """Each course's first session opened after its screening was cleared, within
    `screening.valid_days`, and after consent was recorded and not withdrawn."""
    v = Verdict()
    valid = timedelta(days=record.config.screening.valid_days)
    for course in record.courses:
        sessions = record.sessions[course.id]
        if not sessions:
            continue
        opened = sessions[0].opened_at
        where = f"course {course.id} (first session {sessions[0].id})"
        screened = [s for s in record.screenings[course.id] if s.screened_at <= opened]
        v.expect(
            bool(screened) and screening_cleared(record, screened[-1], opened),
            f"{where}: opened without a cleared screening",
        )
        v.expect(
            bool(screened) and opened - screened[-1].screened_at <= valid,
            f"{where}: screening older than {valid.days} days",
        )
        consents = [c for c in record.consents[course.id] if c.signed_at <= opened]
        v.expect(bool(consents), f"{where}: opened without consent")
        v.expect(
            all(c.id not in record.withdrawals for c in consents),
            f"{where}: consent withdrawn",
        )
        v.expect(course.start_date <= opened.date(), f"{where}: before the course started")
    return v


def questionnaires_before_dosing(record: CourseRecord) -> Verdict:
    """Every PHQ-9 and PCL-5 taken while its session was open and before the infusion
    started, entered no earlier than taken, its total the sum of its items."""
    v = Verdict()
    for sessions in record.sessions.values():
        for s in sessions:
            for r in record.responses[s.id]:
                where = f"session {s.id} {r.questionnaire} {r.id}"
                start = s.infusion_started_at
                v.expect(s.opened_at <= r.taken_at, f"{where}: taken before the session opened")
                v.expect(start is None or r.taken_at <= start, f"{where}: taken after dosing")
                v.expect(r.taken_at <= r.entered_at, f"{where}: entered before taken")
                v.expect(sum(r.items.values()) == r.total, f"{where}: total {r.total}")
    return v


def every_safety_flag_reviewed_before_dosing(record: CourseRecord) -> Verdict:
    """No infusion started over an item-9 flag a physician had not acknowledged."""
    v = Verdict()
    started = {
        s.id: s.infusion_started_at for sessions in record.sessions.values() for s in sessions
    }
    for flag in record.flags:
        ack, start = record.flag_acks.get(flag.id), started.get(flag.session_id)
        v.expect(
            start is None or (ack is not None and ack.acknowledged_at <= start),
            f"safety flag {flag.id}: session {flag.session_id} dosed before it was reviewed",
        )
    v.expect(bool(record.flags), "the demo shows no item-9 flag and its review")
    return v


def clearances_before_dosing(record: CourseRecord) -> Verdict:
    """Each pre-dose clearance given before its session's infusion started; the demo shows
    both kinds (a raised baseline BP, a positive item 9)."""
    v = Verdict()
    started = {
        s.id: s.infusion_started_at for sessions in record.sessions.values() for s in sessions
    }
    for clearance in record.clearances:
        start = started.get(clearance.session_id)
        v.expect(
            start is not None and clearance.cleared_at <= start,
            f"clearance {clearance.id}: session {clearance.session_id} dosed before it",
        )
    kinds = sorted({c.concern for c in record.clearances})
    v.expect(kinds == ["baseline_bp", "self_harm"], f"clearances of {kinds}")
    return v


def courses_as_described(record: CourseRecord) -> Verdict:
    """As the README says: one patient's screening awaits a physician, one has session 3 of
    6 today, one completed a course of six sessions."""
    v = Verdict()
    pending = [
        c
        for c in record.courses
        if c.status == "screening"
        and record.screenings[c.id]
        and record.screenings[c.id][-1].needs_decision
        and record.screenings[c.id][-1].id not in record.decisions
        and not record.sessions[c.id]
    ]
    v.expect(len(pending) == 1, f"{len(pending)} courses with a screening awaiting decision")
    third_today = [
        c
        for c in record.courses
        if c.status == "active"
        and c.planned_sessions == 6
        and [s.course_sequence for s in record.today(c)] == [3]
    ]
    v.expect(len(third_today) == 1, f"{len(third_today)} courses at session 3 of 6 today")
    completed = [c for c in record.courses if c.status == "completed"]
    v.expect(len(completed) == 1, f"{len(completed)} completed courses")
    for course in completed:
        states = [s.state for s in record.sessions[course.id]]
        v.expect(states == ["discharged"] * 6, f"course {course.id}: sessions {states}")
    return v


def completed_course_responds(record: CourseRecord) -> Verdict:
    """The completed course has a PHQ-9 and a PCL-5 at every session, each total no higher
    than the one before, the last a response (at least `response_drop_percent` below the
    first) and a remission (below the per-scale line)."""
    v = Verdict()
    measurement = record.config.measurement
    below = {"phq9": measurement.phq9_remission_below, "pcl5": measurement.pcl5_remission_below}
    for course in (c for c in record.courses if c.status == "completed"):
        for scale, remission in below.items():
            totals = [
                [r.total for r in record.responses[s.id] if r.questionnaire == scale]
                for s in record.sessions[course.id]
            ]
            where = f"course {course.id} {scale}"
            v.expect(all(len(t) == 1 for t in totals), f"{where}: per session {totals}")
            series = [t[0] for t in totals if t]
            v.expect(
                series == sorted(series, reverse=True) and len(set(series)) > 1,
                f"{where}: totals {series} do not fall",
            )
            if series:
                drop = 100 * (series[0] - series[-1]) / series[0]
                v.expect(drop >= measurement.response_drop_percent, f"{where}: fell {drop:.0f} %")
                v.expect(series[-1] < remission, f"{where}: last {series[-1]}, not < {remission}")
    return v


COURSE_INVARIANTS: list[CourseInvariant] = [
    sessions_numbered_in_their_courses,
    sessions_open_on_ready_courses,
    questionnaires_before_dosing,
    every_safety_flag_reviewed_before_dosing,
    clearances_before_dosing,
    courses_as_described,
    completed_course_responds,
]
