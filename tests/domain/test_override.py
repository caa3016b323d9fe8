"""The override reason at its edges: blank is none, the minimum is inclusive, the maximum too."""

from __future__ import annotations

import pytest

from monitor.domain.discharge import Criterion
from monitor.domain.errors import InvalidEntry
from monitor.domain.override import (
    MAX_OVERRIDE_REASON,
    MIN_OVERRIDE_REASON,
    clean_override_reason,
    override_problems,
)

MET = Criterion("aldrete", "Modified Aldrete score 9 or more", True, "10/10")
UNMET = Criterion("dissociation", "Dissociation resolved", False, "CADSS 8 (above 4)")
UNMET_2 = Criterion("moaas", "MOAA/S 5", False, "MOAA/S 4")


def test_the_defaults_are_todays_numbers() -> None:
    assert (MIN_OVERRIDE_REASON, MAX_OVERRIDE_REASON) == (10, 2000)


@pytest.mark.parametrize(
    ("length", "problems"),
    [
        (MIN_OVERRIDE_REASON - 1, ["Write the reason for discharging with criteria unmet"]),
        (MIN_OVERRIDE_REASON, []),
        (MIN_OVERRIDE_REASON + 1, []),
    ],
)
def test_reason_at_the_minimum(length: int, problems: list[str]) -> None:
    found = override_problems([MET, UNMET], "x" * length)
    assert [p.message for p in found] == problems
    assert all(p.field == "override" for p in found)


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_no_reason_names_every_unmet_criterion(reason: str | None) -> None:
    found = override_problems([UNMET, MET, UNMET_2], reason)
    assert [p.message for p in found] == [
        "Not met: Dissociation resolved (CADSS 8 (above 4))",
        "Not met: MOAA/S 5 (MOAA/S 4)",
    ]


@pytest.mark.parametrize("reason", [None, "", "short"])
def test_all_met_needs_no_reason(reason: str | None) -> None:
    assert override_problems([MET], reason) == []


def test_the_minimum_counts_stripped_characters_and_follows_the_config() -> None:
    assert override_problems([UNMET], "  " + "x" * 9 + "  ") != []
    assert override_problems([UNMET], "x" * 4, minimum=4) == []
    assert override_problems([UNMET], "x" * 4, minimum=5) != []


@pytest.mark.parametrize(
    ("text", "stored"),
    [(None, None), ("", None), ("   ", None), ("  calm, escorted  ", "calm, escorted")],
)
def test_clean_reason_strips_and_blank_is_none(text: str | None, stored: str | None) -> None:
    assert clean_override_reason(text) == stored


@pytest.mark.parametrize(
    ("length", "refused"),
    [
        (MAX_OVERRIDE_REASON - 1, False),
        (MAX_OVERRIDE_REASON, False),
        (MAX_OVERRIDE_REASON + 1, True),
    ],
)
def test_clean_reason_at_the_maximum(length: int, refused: bool) -> None:
    if not refused:
        assert clean_override_reason("x" * length) == "x" * length
        return
    with pytest.raises(InvalidEntry) as caught:
        clean_override_reason("x" * length)
    (problem,) = caught.value.problems
    assert problem.field == "override"
    assert problem.message == (
        f"Keep the override reason to {MAX_OVERRIDE_REASON} characters (it has {length})"
    )
