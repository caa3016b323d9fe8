"""The reasons for a pause, an early end and a signed exit, at their edges."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from monitor.domain.errors import InvalidEntry
from monitor.domain.reasons import (
    MAX_REASON,
    MIN_EXIT_REASON,
    clean_reason,
    exit_reason,
    required_reason,
)

TOO_LONG = f"Keep the reason under {MAX_REASON} characters"
EXIT_MISSING = "Write why the patient leaves recovery without discharge"


def refusal(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[str, str]:
    with pytest.raises(InvalidEntry) as caught:
        call(*args, **kwargs)
    (problem,) = caught.value.problems
    return problem.field, problem.message


def test_the_defaults_are_todays_numbers() -> None:
    assert (MIN_EXIT_REASON, MAX_REASON) == (5, 2000)


@pytest.mark.parametrize(
    ("text", "stored"), [(None, None), ("", None), ("  ", None), (" pump alarm ", "pump alarm")]
)
def test_clean_reason(text: str | None, stored: str | None) -> None:
    assert clean_reason(text) == stored


@pytest.mark.parametrize(
    ("length", "refused"), [(MAX_REASON - 1, False), (MAX_REASON, False), (MAX_REASON + 1, True)]
)
def test_clean_reason_at_the_maximum(length: int, refused: bool) -> None:
    if refused:
        assert refusal(clean_reason, "x" * length) == ("reason", TOO_LONG)
    else:
        assert clean_reason("x" * length) == "x" * length


@pytest.mark.parametrize("text", [None, "", "   "])
def test_a_required_reason_says_what_to_write(text: str | None) -> None:
    assert refusal(required_reason, text, "Say why the infusion is paused") == (
        "reason",
        "Say why the infusion is paused",
    )


def test_a_required_reason_is_stored_stripped() -> None:
    assert required_reason("  nausea ", "Say why") == "nausea"
    assert refusal(required_reason, "x" * (MAX_REASON + 1), "Say why") == ("reason", TOO_LONG)


@pytest.mark.parametrize(
    ("length", "refused"),
    [
        (0, True),
        (MIN_EXIT_REASON - 1, True),
        (MIN_EXIT_REASON, False),
        (MIN_EXIT_REASON + 1, False),
        (MAX_REASON, False),
    ],
)
def test_exit_reason_at_its_minimum(length: int, refused: bool) -> None:
    if refused:
        assert refusal(exit_reason, "x" * length) == ("reason", EXIT_MISSING)
    else:
        assert exit_reason("x" * length) == "x" * length


def test_exit_reason_counts_stripped_characters_and_follows_the_config() -> None:
    assert refusal(exit_reason, "  ED   ") == ("reason", EXIT_MISSING)
    assert exit_reason(" ED ", minimum=2) == "ED"
    assert refusal(exit_reason, "x" * (MAX_REASON + 1)) == ("reason", TOO_LONG)
