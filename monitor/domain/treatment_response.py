"""Is the course working? Response, remission and the follow-up visit (docs/clinical.md
"Response and remission").

Response: the latest total fell by at least `measurement.response_drop_percent` from the
course's first total (Rush et al. 2006, STAR*D: 50 %). Remission: the latest total is below
the scale's threshold (PHQ-9 below 5, Kroenke et al. 2001; PCL-5 below 33, the National
Center for PTSD's cut-point). The follow-up visit is due `course.follow_up_days` after the
course's last session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.config.course import Measurement

# One rule for the follow-up date, kept with the course's other rules (domain/course.py).
from monitor.domain.course import follow_up_due as follow_up_due
from monitor.domain.vocabulary import Questionnaire


@dataclass(frozen=True)
class ScaleProgress:
    """One scale over a course: its first and latest totals and what they mean."""

    questionnaire: Questionnaire
    count: int
    first: int | None
    latest: int | None
    drop_percent: float | None  # None: no totals, or a first total of 0
    response: bool
    remission: bool
    response_line: float | None  # the total at or below which a later score is a response
    remission_below: int


def remission_below(questionnaire: Questionnaire | str, measurement: Measurement) -> int:
    """The total below which the scale counts as remission, from the config."""
    if Questionnaire(questionnaire) is Questionnaire.PHQ9:
        return measurement.phq9_remission_below
    return measurement.pcl5_remission_below


def response_line(first: int, drop_percent: float) -> float:
    """The total a later score must reach (at or below) to be a response."""
    return first * (100 - drop_percent) / 100


def is_response(first: int, latest: int, drop_percent: float) -> bool:
    """Whether `latest` fell by at least `drop_percent` from `first` (a first total of 0
    cannot fall: never a response). Compared without division, so 50 % of 20 is exactly
    10."""
    return first > 0 and (first - latest) * 100 >= drop_percent * first


def is_remission(total: int, below: int) -> bool:
    return total < below


def progress(
    questionnaire: Questionnaire | str, totals: Sequence[int], measurement: Measurement
) -> ScaleProgress:
    """The scale's progress over a course, `totals` in the order they were taken."""
    scale = Questionnaire(questionnaire)
    below = remission_below(scale, measurement)
    if not totals:
        return ScaleProgress(scale, 0, None, None, None, False, False, None, below)
    first, latest = totals[0], totals[-1]
    percent = measurement.response_drop_percent
    return ScaleProgress(
        questionnaire=scale,
        count=len(totals),
        first=first,
        latest=latest,
        drop_percent=100 * (first - latest) / first if first > 0 else None,
        response=len(totals) > 1 and is_response(first, latest, percent),
        remission=is_remission(latest, below),
        response_line=response_line(first, percent),
        remission_below=below,
    )
