"""The course quality measures (issue 12), for the auditor's measures page: courses whose
first session opened without cleared screening or consent (must be zero; the courses
migration 0012 made for sessions recorded before courses are counted apart), pre-dose
clearances by concern, self-harm (PHQ-9 item 9) flags and the time to a physician's
review, and response and remission rates by indication. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median, quantiles

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries import course_measures as q
from monitor.domain.course_quality import missing_at_opening
from monitor.domain.permissions import Action
from monitor.domain.treatment_response import progress
from monitor.domain.vocabulary import Indication, PreDoseConcern, Questionnaire
from monitor.services.actors import Actor, ensure_allowed


@dataclass(frozen=True)
class OpenedWithout:
    course_id: int
    session_id: int
    opened_at: datetime
    missing: tuple[str, ...]  # "screening", "consent"


@dataclass(frozen=True)
class FlagReview:
    raised: int
    reviewed: int
    open: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True)
class Outcome:
    indication: Indication
    questionnaire: Questionnaire
    courses: int  # with at least two totals of the scale
    responses: int
    remissions: int

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.courses if self.courses else None

    @property
    def remission_rate(self) -> float | None:
        return self.remissions / self.courses if self.courses else None


@dataclass(frozen=True)
class CourseMeasures:
    first_sessions: int  # courses whose first session opened in the period (not migrated)
    opened_without: tuple[OpenedWithout, ...]  # must be empty
    recorded_before_courses: int  # counted apart: no screening or consent in this system
    clearances: dict[PreDoseConcern, int]
    flags: FlagReview
    outcomes: tuple[Outcome, ...]


def _minutes(delays: list[timedelta]) -> tuple[float | None, float | None]:
    minutes = sorted(d / timedelta(minutes=1) for d in delays)
    if not minutes:
        return None, None
    p90 = minutes[0] if len(minutes) == 1 else quantiles(minutes, n=10, method="inclusive")[-1]
    return median(minutes), p90


def _flags(reviews: list[tuple[datetime, datetime | None]]) -> FlagReview:
    delays = [acked - raised for raised, acked in reviews if acked is not None]
    middle, p90 = _minutes(delays)
    return FlagReview(len(reviews), len(delays), len(reviews) - len(delays), middle, p90)


def _outcomes(rows: list[q.CourseTotals], config: Config) -> tuple[Outcome, ...]:
    out = []
    for indication in Indication:
        for scale in Questionnaire:
            mine = [
                progress(scale, r.totals, config.measurement)
                for r in rows
                if r.indication == indication and r.questionnaire == scale and len(r.totals) > 1
            ]
            if mine:
                out.append(
                    Outcome(
                        indication,
                        scale,
                        len(mine),
                        sum(p.response for p in mine),
                        sum(p.remission for p in mine),
                    )
                )
    return tuple(out)


def course_measures(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> CourseMeasures:
    """The course measures of [start, end): first sessions opened, clearances given and
    flags raised in it; outcomes of the courses started in it (clinic days)."""
    ensure_allowed(actor, Action.REVIEW)
    zone = config.clinic.zone
    first_day = start.astimezone(zone).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(zone).date()
    with database.session_scope() as db:
        firsts = q.first_sessions(db, start, end)
        clearances = q.clearances_by_concern(db, start, end)
        reviews = q.safety_flag_reviews(db, start, end)
        totals = q.course_totals(db, first_day, last_day)
    judged = [f for f in firsts if not f.recorded_before_courses]
    without = []
    for f in judged:
        missing = missing_at_opening(
            f.opened_at, f.screenings, f.consents, config.screening.valid_days
        )
        if missing:
            without.append(OpenedWithout(f.course_id, f.session_id, f.opened_at, missing))
    return CourseMeasures(
        first_sessions=len(judged),
        opened_without=tuple(without),
        recorded_before_courses=len(firsts) - len(judged),
        clearances={c: clearances.get(c.value, 0) for c in PreDoseConcern},
        flags=_flags(reviews),
        outcomes=_outcomes(totals, config),
    )
