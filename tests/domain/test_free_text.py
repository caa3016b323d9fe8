"""What text can be stored at all, at its edges."""

from __future__ import annotations

import pytest

from monitor.domain.free_text import BIDI_CONTROLS, unstorable


@pytest.mark.parametrize(
    "text",
    [
        "Nausea settled after sips of water",
        "Übelkeit; náusea; 恶心",  # other scripts are notes too
        "שלום",  # right-to-left text, typed as such
        "left \u200e and right \u200f marks",  # the implicit marks stay allowed
        "emoji 👍🏽 with a joiner \u200d",
        "",
    ],
)
def test_text_a_person_types_is_storable(text: str) -> None:
    assert unstorable(text) is None


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_a_bidirectional_control_is_refused(control: str) -> None:
    problem = unstorable(f"given 4 mg {control}IV")
    assert problem is not None and "direction control" in problem


@pytest.mark.parametrize(("text", "words"), [("a\x00b", "NUL"), ("a\udcffb", "surrogate")])
def test_what_no_database_can_store_is_refused(text: str, words: str) -> None:
    problem = unstorable(text)
    assert problem is not None and words in problem
