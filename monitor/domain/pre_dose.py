"""The pre-dose check: what a physician must clear before the infusion may start, each in
exact words.

Two concerns (docs/clinical.md "The pre-dose check"):

- the current baseline BP above the protocol's acceptable baseline, the same limit the
  REMS form answers with (`rems.acceptable_baseline_systolic_max/diastolic_max`, default
  140/90 from the Spravato label): at the limit passes, one mmHg above either number needs
  a clearance. A clearance regards one reading; a later baseline is covered by it only if
  neither number is higher (a new, higher baseline needs a new clearance);
- a PHQ-9 item 9 (thoughts of self-harm) answered above 0 in this session: a clearance of
  that answer (the latest positive one) is needed.
And the questionnaires the clinic takes before dosing at every session
(`measurement.required_before_dosing`, default the PHQ-9, whose item 9 is the safety
question): one not yet taken this session is missing too, and no clearance replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitor.config import Rems
from monitor.domain.vocabulary import PreDoseConcern, Questionnaire

SELF_HARM_ITEM = 9  # PHQ-9 item 9, thoughts of being better off dead or of self-harm
ITEM_9_MAX = 3
CLEARANCE_NEEDED = "a physician's clearance is needed"
NO_BASELINE = "A baseline reading is needed before the infusion starts"


@dataclass(frozen=True)
class BpLimit:
    """The highest acceptable baseline BP (mmHg), both numbers inclusive."""

    systolic_max: float
    diastolic_max: float

    def __str__(self) -> str:
        return f"{self.systolic_max:g}/{self.diastolic_max:g}"

    def exceeded_by(self, systolic: float, diastolic: float) -> bool:
        return systolic > self.systolic_max or diastolic > self.diastolic_max


def limit_of(rems: Rems) -> BpLimit:
    """The pre-dose limit: the REMS form's acceptable baseline, one number for both."""
    return BpLimit(rems.acceptable_baseline_systolic_max, rems.acceptable_baseline_diastolic_max)


@dataclass(frozen=True)
class Baseline:
    """The session's current baseline reading (its latest)."""

    reading_id: int
    systolic: int
    diastolic: int


@dataclass(frozen=True)
class BaselineCleared:
    """A clearance of a baseline, with the numbers of the reading it regarded."""

    reading_id: int
    systolic: int
    diastolic: int

    def covers(self, baseline: Baseline) -> bool:
        return baseline.reading_id == self.reading_id or (
            baseline.systolic <= self.systolic and baseline.diastolic <= self.diastolic
        )


@dataclass(frozen=True)
class SelfHarmAnswer:
    """The latest PHQ-9 of the session with item 9 above 0 (or its answer, to be checked)."""

    response_id: int
    item_9: int


@dataclass(frozen=True)
class Missing:
    """One thing missing before dosing; `concern` is None for what no clearance can give
    (no baseline yet), else what a physician clears and which record it regards."""

    message: str
    concern: PreDoseConcern | None = None
    regarding_id: int | None = None


def baseline_concern(baseline: Baseline, limit: BpLimit) -> Missing | None:
    """The baseline's concern in words, or None at or below the limit."""
    if not limit.exceeded_by(baseline.systolic, baseline.diastolic):
        return None
    return Missing(
        f"Baseline BP {baseline.systolic}/{baseline.diastolic} is above {limit}: "
        + CLEARANCE_NEEDED,
        PreDoseConcern.BASELINE_BP,
        baseline.reading_id,
    )


def self_harm_concern(answer: SelfHarmAnswer) -> Missing | None:
    """A positive item 9 in words, or None when it was answered 0."""
    if answer.item_9 <= 0:
        return None
    return Missing(
        f"PHQ-9 item 9 (thoughts of self-harm) was answered {answer.item_9} of {ITEM_9_MAX}: "
        + CLEARANCE_NEEDED,
        PreDoseConcern.SELF_HARM,
        answer.response_id,
    )


def missing_before_dosing(
    *,
    baseline: Baseline | None,
    limit: BpLimit,
    baseline_clearances: Iterable[BaselineCleared],
    self_harm: SelfHarmAnswer | None,
    self_harm_clearances: Iterable[int],
    required: Iterable[Questionnaire] = (),
    taken: Iterable[str] = (),
) -> tuple[Missing, ...]:
    """What is still missing before the infusion may start: the questionnaires, the
    baseline, then the self-harm answer. Empty when the infusion may start."""
    answered = set(taken)
    out: list[Missing] = [
        Missing(f"{q.label} has not been taken at this session (it is taken before dosing)")
        for q in required
        if q.value not in answered
    ]
    if baseline is None:
        out.append(Missing(NO_BASELINE))
    else:
        concern = baseline_concern(baseline, limit)
        if concern and not any(c.covers(baseline) for c in baseline_clearances):
            out.append(concern)
    if self_harm is not None:
        concern = self_harm_concern(self_harm)
        if concern and self_harm.response_id not in set(self_harm_clearances):
            out.append(concern)
    return tuple(out)
