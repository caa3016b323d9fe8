"""The screening decision: which answers need a physician, what a complete checklist is,
and where a screening stands at the edges of its validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.config import Config
from monitor.domain.errors import InvalidEntry
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.screening import Standing, check_answers, needs_decision, standing
from monitor.domain.vocabulary import ScreeningAnswer, ScreeningDecision

A = ScreeningAnswer
T = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAYS = 30
FOR_PHYSICIAN = "write a note for the physician"


@pytest.mark.parametrize(
    ("answers", "needed"),
    [
        ([A.NO, A.NO, A.NO], False),
        ([A.NO, A.YES, A.NO], True),
        ([A.NO, A.NO, A.UNKNOWN], True),
        ([A.YES, A.UNKNOWN], True),
        (["no"], False),
        (["unknown"], True),
    ],
)
def test_any_yes_or_unknown_needs_a_physicians_decision(
    answers: list[ScreeningAnswer], needed: bool
) -> None:
    assert needs_decision(answers) is needed


# (needs a decision, the decision, age at `now` in days, first session's age) -> standing
STANDINGS = [
    (False, None, 0, None, Standing.CLEARED),
    (False, None, DAYS, None, Standing.CLEARED),  # exactly valid_days old still holds
    (False, None, DAYS + 1 / 1440, None, Standing.EXPIRED),  # a minute past
    (True, None, 0, None, Standing.AWAITING_DECISION),
    (True, None, DAYS + 5, None, Standing.AWAITING_DECISION),  # undecided says so first
    (True, ScreeningDecision.CLEARED, 1, None, Standing.CLEARED),
    (True, ScreeningDecision.CLEARED, DAYS + 1, None, Standing.EXPIRED),
    (True, ScreeningDecision.DECLINED, 1, None, Standing.DECLINED),
    (True, "declined", DAYS + 9, None, Standing.DECLINED),
    # Once the first session opened within the validity, the course keeps it.
    (False, None, DAYS + 20, DAYS - 1, Standing.CLEARED),
    (False, None, DAYS + 20, DAYS + 2, Standing.EXPIRED),
    (True, ScreeningDecision.CLEARED, 90, DAYS, Standing.CLEARED),
]


@pytest.mark.parametrize(("needs", "decision", "age", "first", "expected"), STANDINGS)
def test_standing_of_a_screening(
    needs: bool,
    decision: ScreeningDecision | str | None,
    age: float,
    first: float | None,
    expected: Standing,
) -> None:
    assert (
        standing(
            screened_at=T,
            needs_decision=needs,
            decision=decision,
            valid_days=DAYS,
            now=T + timedelta(days=age),
            first_session_at=None if first is None else T + timedelta(days=first),
        )
        is expected
    )


def test_no_screening_is_not_screened() -> None:
    assert (
        standing(screened_at=None, needs_decision=False, decision=None, valid_days=DAYS, now=T)
        is Standing.NOT_SCREENED
    )


def test_every_standing_has_words() -> None:
    assert {s.label for s in Standing} == {
        "Not screened",
        "Awaiting a physician's decision",
        "Cleared",
        "Declined",
        "Expired",
    }


def _all(config: Config, answer: str = "no", note: str = "") -> dict[str, tuple[str, str]]:
    return {item.code: (answer, note) for item in config.screening.checklist}


def test_a_complete_checklist_keeps_each_items_words_and_source(config: Config) -> None:
    answers = _all(config)
    first = config.screening.checklist[0]
    answers[first.code] = ("YES ", "  Schizoaffective disorder, 2019  ")
    checked = check_answers(config.screening.checklist, answers)
    assert [a.code for a in checked] == [i.code for i in config.screening.checklist]
    assert checked[0].answer is A.YES
    assert checked[0].note == "Schizoaffective disorder, 2019"
    assert (checked[0].label, checked[0].source) == (first.label, first.source)
    assert all(a.note is None for a in checked[1:])


def test_every_problem_is_named_at_its_item(config: Config) -> None:
    items = config.screening.checklist
    answers = _all(config)
    del answers[items[0].code]  # unanswered
    answers[items[1].code] = ("maybe", "")  # not an answer
    answers[items[2].code] = ("yes", "   ")  # a yes without a note
    answers[items[3].code] = ("unknown", "")  # an unknown without a note
    answers[items[4].code] = ("no", "x" * (MAX_FREE_TEXT + 1))  # a note too long
    answers["hair_colour"] = ("no", "")  # not on the checklist
    with pytest.raises(InvalidEntry) as refused:
        check_answers(items, answers)
    found = {p.field: p.message for p in refused.value.problems}
    assert found == {
        items[0].code: f"Answer yes, no or unknown: {items[0].label}",
        items[1].code: f"Answer yes, no or unknown: {items[1].label}",
        f"{items[2].code}.note": f"Answered yes: {FOR_PHYSICIAN} ({items[2].label})",
        f"{items[3].code}.note": f"Answered unknown: {FOR_PHYSICIAN} ({items[3].label})",
        f"{items[4].code}.note": f"Keep the note under {MAX_FREE_TEXT} characters",
        "hair_colour": "This item is not on the clinic's screening checklist",
    }
