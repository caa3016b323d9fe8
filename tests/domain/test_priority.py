"""A reading's priority is the highest of its excursions'."""

from __future__ import annotations

import pytest

from monitor.domain.excursions import PRIORITY_MARKS, PRIORITY_RANK
from monitor.domain.priority import DRAWING_ORDER, highest_priority, priority_by_reading
from monitor.domain.vocabulary import Priority

HIGH, MEDIUM, LOW = Priority.HIGH, Priority.MEDIUM, Priority.LOW


@pytest.mark.parametrize(
    ("priorities", "expected"),
    [
        ([], None),
        (["low"], LOW),
        (["medium"], MEDIUM),
        (["high"], HIGH),
        (["medium", "high"], HIGH),
        (["high", "medium"], HIGH),
        (["medium", "medium", "high", "low"], HIGH),
        (["low", "medium"], MEDIUM),
        ([MEDIUM, LOW], MEDIUM),
        (["low", "low"], LOW),
    ],
)
def test_highest_priority(priorities: list[str], expected: Priority | None) -> None:
    assert highest_priority(priorities) == expected


def test_an_unknown_priority_is_refused() -> None:
    with pytest.raises(ValueError):
        highest_priority(["urgent"])


def test_each_reading_gets_its_highest() -> None:
    # 185/95: severe hypertension (high), rise over baseline and hypertension (medium).
    pairs = [(1, "high"), (1, "medium"), (1, "medium"), (2, "medium"), (3, "low"), (3, "medium")]
    assert priority_by_reading(pairs) == {1: HIGH, 2: MEDIUM, 3: MEDIUM}
    assert priority_by_reading([]) == {}


def test_charts_draw_the_highest_last() -> None:
    assert DRAWING_ORDER == (LOW, MEDIUM, HIGH)


def test_a_higher_priority_carries_more_marks() -> None:
    # IEC 60601-1-8: the marks say the priority where colour cannot; more is higher.
    by_rank = sorted(Priority, key=PRIORITY_RANK.__getitem__)
    counts = [len(PRIORITY_MARKS[p]) for p in by_rank]
    assert counts == sorted(set(counts)), dict(zip(by_rank, counts, strict=True))
