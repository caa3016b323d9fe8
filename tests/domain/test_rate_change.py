"""A new pump rate at its edges: above zero, up to the guard, refused at the rate field."""

from __future__ import annotations

import pytest

from monitor.domain.errors import InvalidEntry
from monitor.domain.rate_change import MAX_RATE_ML_PER_H, check_rate


def test_the_default_is_todays_number() -> None:
    assert MAX_RATE_ML_PER_H == 1000.0


@pytest.mark.parametrize(
    ("rate", "accepted"),
    [
        (None, False),
        (-1.0, False),
        (0.0, False),
        (0.01, True),
        (MAX_RATE_ML_PER_H - 0.01, True),
        (MAX_RATE_ML_PER_H, True),
        (MAX_RATE_ML_PER_H + 0.01, False),
    ],
)
def test_rate_at_its_edges(rate: float | None, accepted: bool) -> None:
    if accepted:
        assert check_rate(rate) == rate
        return
    with pytest.raises(InvalidEntry) as caught:
        check_rate(rate)
    (problem,) = caught.value.problems
    assert (problem.field, problem.message) == (
        "rate",
        "Enter the new rate in mL/h, above 0 and up to 1000",
    )


@pytest.mark.parametrize(("maximum", "rate", "accepted"), [(250, 250.0, True), (250, 250.5, False)])
def test_the_maximum_follows_the_config(maximum: float, rate: float, accepted: bool) -> None:
    if accepted:
        assert check_rate(rate, maximum=maximum) == rate
    else:
        with pytest.raises(InvalidEntry, match="up to 250"):
            check_rate(rate, maximum=maximum)
