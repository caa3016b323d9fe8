"""The pre-dose check (docs/clinical.md "The pre-dose check"): what must be cleared by a
physician before the infusion may start.

The baseline limit is the REMS form's acceptable baseline BP (rems.acceptable_baseline_*,
default 140/90): at the limit passes, one mmHg above either number needs a clearance. A
PHQ-9 item 9 above 0 needs a clearance of that answer. A clearance regards one baseline
reading or one answer: a later baseline that is higher needs a new one."""

from __future__ import annotations

import pytest

from monitor.config import Config
from monitor.domain.pre_dose import (
    Baseline,
    BaselineCleared,
    BpLimit,
    SelfHarmAnswer,
    limit_of,
    missing_before_dosing,
)
from monitor.domain.vocabulary import PreDoseConcern, Questionnaire

LIMIT = BpLimit(systolic_max=140, diastolic_max=90)


def missing(
    baseline: Baseline | None,
    *,
    cleared: tuple[BaselineCleared, ...] = (),
    self_harm: SelfHarmAnswer | None = None,
    self_harm_cleared: tuple[int, ...] = (),
) -> list[str]:
    return [
        m.message
        for m in missing_before_dosing(
            baseline=baseline,
            limit=LIMIT,
            baseline_clearances=cleared,
            self_harm=self_harm,
            self_harm_clearances=self_harm_cleared,
        )
    ]


@pytest.mark.parametrize(
    ("systolic", "diastolic", "needs_clearance"),
    [
        (140, 90, False),  # exactly at the limit passes
        (139, 89, False),
        (120, 80, False),
        (141, 90, True),  # one above the systolic limit
        (140, 91, True),  # one above the diastolic limit
        (141, 91, True),
        (150, 95, True),
        (141, 60, True),
        (100, 91, True),
    ],
)
def test_baseline_against_the_limit(systolic: int, diastolic: int, needs_clearance: bool) -> None:
    got = missing(Baseline(reading_id=1, systolic=systolic, diastolic=diastolic))
    if needs_clearance:
        assert got == [
            f"Baseline BP {systolic}/{diastolic} is above 140/90: a physician's clearance is needed"
        ]
    else:
        assert got == []


def test_the_example_in_words() -> None:
    got = missing_before_dosing(
        baseline=Baseline(7, 150, 95),
        limit=LIMIT,
        baseline_clearances=(),
        self_harm=None,
        self_harm_clearances=(),
    )
    assert len(got) == 1
    assert got[0].concern is PreDoseConcern.BASELINE_BP
    assert got[0].regarding_id == 7
    assert got[0].message == (
        "Baseline BP 150/95 is above 140/90: a physician's clearance is needed"
    )


def test_no_baseline_yet_is_missing() -> None:
    assert missing(None) == ["A baseline reading is needed before the infusion starts"]


@pytest.mark.parametrize(
    ("cleared", "current", "still_needed"),
    [
        ((150, 95, 1), (150, 95, 1), False),  # the reading cleared
        ((150, 95, 1), (150, 95, 2), False),  # a new reading, the same numbers
        ((150, 95, 1), (145, 92, 2), False),  # a new, lower reading still above the limit
        ((150, 95, 1), (151, 95, 2), True),  # a new, higher systolic
        ((150, 95, 1), (150, 96, 2), True),  # a new, higher diastolic
        ((150, 95, 1), (130, 100, 2), True),
        ((150, 95, 1), (120, 80, 2), False),  # back under the limit: nothing to clear
    ],
)
def test_a_new_higher_baseline_needs_a_new_clearance(
    cleared: tuple[int, int, int], current: tuple[int, int, int], still_needed: bool
) -> None:
    s, d, rid = cleared
    cs, cd, crid = current
    got = missing(
        Baseline(reading_id=crid, systolic=cs, diastolic=cd),
        cleared=(BaselineCleared(reading_id=rid, systolic=s, diastolic=d),),
    )
    assert bool(got) is still_needed


def test_any_clearance_that_covers_the_baseline_is_enough() -> None:
    got = missing(
        Baseline(3, 160, 92),
        cleared=(BaselineCleared(1, 150, 95), BaselineCleared(2, 160, 90)),
    )
    assert got == ["Baseline BP 160/92 is above 140/90: a physician's clearance is needed"]
    assert missing(Baseline(3, 160, 92), cleared=(BaselineCleared(4, 165, 95),)) == []


@pytest.mark.parametrize(
    ("score", "needs_clearance"), [(0, False), (1, True), (2, True), (3, True)]
)
def test_phq9_item_9(score: int, needs_clearance: bool) -> None:
    got = missing(Baseline(1, 120, 80), self_harm=SelfHarmAnswer(response_id=5, item_9=score))
    if needs_clearance:
        assert got == [
            f"PHQ-9 item 9 (thoughts of self-harm) was answered {score} of 3: "
            "a physician's clearance is needed"
        ]
    else:
        assert got == []


def test_self_harm_clearance_regards_the_answer() -> None:
    answer = SelfHarmAnswer(response_id=5, item_9=2)
    assert missing(Baseline(1, 120, 80), self_harm=answer, self_harm_cleared=(5,)) == []
    # a clearance of an earlier answer does not clear a later positive one
    assert len(missing(Baseline(1, 120, 80), self_harm=answer, self_harm_cleared=(4,))) == 1


def test_both_concerns_are_named_baseline_first() -> None:
    got = missing(Baseline(1, 150, 95), self_harm=SelfHarmAnswer(5, 1))
    assert [g.split(":")[0] for g in got] == [
        "Baseline BP 150/95 is above 140/90",
        "PHQ-9 item 9 (thoughts of self-harm) was answered 1 of 3",
    ]


def test_the_limit_is_the_rems_limit(config: Config) -> None:
    rems = config.protocol(config.default_protocol.id).rems
    limit = limit_of(rems)
    assert (limit.systolic_max, limit.diastolic_max) == (
        rems.acceptable_baseline_systolic_max,
        rems.acceptable_baseline_diastolic_max,
    )
    assert str(limit) == "140/90"


@pytest.mark.parametrize(
    ("required", "taken", "named"),
    [
        ((), (), []),
        ((Questionnaire.PHQ9,), (), ["PHQ-9"]),
        ((Questionnaire.PHQ9,), ("phq9",), []),
        ((Questionnaire.PHQ9,), ("pcl5",), ["PHQ-9"]),  # another questionnaire is not it
        ((Questionnaire.PHQ9, Questionnaire.PCL5), ("phq9",), ["PCL-5"]),
        ((Questionnaire.PHQ9, Questionnaire.PCL5), (), ["PHQ-9", "PCL-5"]),
    ],
)
def test_the_questionnaires_taken_before_dosing(
    required: tuple[Questionnaire, ...], taken: tuple[str, ...], named: list[str]
) -> None:
    found = missing_before_dosing(
        baseline=Baseline(1, 120, 80),
        limit=LIMIT,
        baseline_clearances=(),
        self_harm=None,
        self_harm_clearances=(),
        required=required,
        taken=taken,
    )
    assert [m.message for m in found] == [
        f"{name} has not been taken at this session (it is taken before dosing)" for name in named
    ]
    assert all(m.concern is None for m in found)  # no clearance replaces a questionnaire
