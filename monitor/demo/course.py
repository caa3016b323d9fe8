"""A demo patient's treatment course: started, screened, consented, and for one of them
completed; each through the real services, at its moment on the timeline."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.clinic_time import clinic_today
from monitor.domain.vocabulary import CourseStatus, Indication, ScreeningDecision
from monitor.services.actors import Actor
from monitor.services.consent import record_consent
from monitor.services.courses import change_course_status, start_course
from monitor.services.screening import decide_screening, record_screening

TimelineAt = Callable[[datetime, Callable[[], None]], None]

# Where a course stands when the demo is written.
READY, AWAITING_DECISION, CLEARED_BY_PHYSICIAN = "ready", "awaiting", "cleared_by_physician"


@dataclass(frozen=True)
class Journey:
    """One patient's course: its indication, when it started before the first session, how
    the screening went, and whether the course has been completed."""

    patient: int  # index into the demo's patients
    indication: Indication
    screening: str = READY
    days_before_first: float = 7  # course started this long before its first session
    completed: str | None = None  # the physician's reason, once the course is complete


# The screening answers a nurse records; an item not named is answered "no".
QUESTIONS_OPEN: Mapping[str, Mapping[str, tuple[str, str]]] = {
    READY: {},
    CLEARED_BY_PHYSICIAN: {
        "uncontrolled_hypertension": (
            "unknown",
            "BP 146/92 at intake; treated for hypertension, GP letter requested",
        ),
    },
    AWAITING_DECISION: {
        "suicide_attempts": (
            "unknown",
            "Two overdoses reported years ago; records requested from previous psychiatrist",
        ),
    },
}
CLEARED_REASON = "GP letter: hypertension treated and controlled (128/80 on three visits)"


@dataclass
class CourseSteps:
    """One journey as it unfolds: the staff, the patient and, once started, the course."""

    database: Database
    config: Config
    nurse: Actor
    physician: Actor
    patient_id: int
    patient_name: str
    journey: Journey
    password: str
    course_id: int = 0
    screening_id: int = 0

    @property
    def tag(self) -> str:
        return f"demo-course{self.patient_id:04d}"

    def start(self, at: datetime) -> None:
        self.course_id = start_course(
            database=self.database,
            config=self.config,
            actor=self.nurse,
            patient_id=self.patient_id,
            protocol_id=self.config.default_protocol.id,
            indication=self.journey.indication,
            indication_note=None,
            planned_sessions=None,
            start_date=clinic_today(at, self.config.clinic.zone),
            physician_id=self.physician.id,
            idempotency_key=f"{self.tag}-start",
            now=at,
        ).course_id

    def screen(self, at: datetime) -> None:
        opened = QUESTIONS_OPEN[self.journey.screening]
        answers = {
            item.code: opened.get(item.code, ("no", "")) for item in self.config.screening.checklist
        }
        recorded = record_screening(
            database=self.database,
            config=self.config,
            actor=self.nurse,
            course_id=self.course_id,
            answers=answers,
            idempotency_key=f"{self.tag}-screen",
            now=at,
        )
        self.screening_id = recorded.screening_id

    def decide(self, at: datetime) -> None:
        decide_screening(
            database=self.database,
            config=self.config,
            actor=self.physician,
            screening_id=self.screening_id,
            decision=ScreeningDecision.CLEARED,
            reason=CLEARED_REASON,
            password=self.password,
            idempotency_key=f"{self.tag}-decide",
            now=at,
        )

    def consent(self, at: datetime) -> None:
        record_consent(
            database=self.database,
            config=self.config,
            actor=self.nurse,
            course_id=self.course_id,
            consented_on=clinic_today(at, self.config.clinic.zone),
            patient_typed_name=self.patient_name,
            password=self.password,
            idempotency_key=f"{self.tag}-consent",
            now=at,
        )

    def complete(self, at: datetime) -> None:
        change_course_status(
            database=self.database,
            actor=self.physician,
            course_id=self.course_id,
            status=CourseStatus.COMPLETED,
            reason=self.journey.completed or "",
            now=at,
        )


def plan_course(steps: CourseSteps, first_session: datetime, timeline_at: TimelineAt) -> None:
    """Put a course's steps on the timeline: started, screened a quarter of an hour later,
    a physician's decision where one is needed, consent; all before the first session."""
    started = first_session - timedelta(days=steps.journey.days_before_first)
    timeline_at(started, lambda: steps.start(started))
    screened = started + timedelta(minutes=15)
    timeline_at(screened, lambda: steps.screen(screened))
    if steps.journey.screening == AWAITING_DECISION:
        return
    consented = started + timedelta(minutes=40)
    if steps.journey.screening == CLEARED_BY_PHYSICIAN:
        decided = started + timedelta(days=2)
        timeline_at(decided, lambda: steps.decide(decided))
        consented = decided + timedelta(minutes=30)
    timeline_at(consented, lambda: steps.consent(consented))
