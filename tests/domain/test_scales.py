"""Rating scales: MOAA/S descriptions, CADSS-6 and CADSS-23 scoring, the dissociation cut-off."""

from __future__ import annotations

from typing import Any, cast

import pytest

from monitor.config import load_config
from monitor.domain.errors import InvalidEntry
from monitor.domain.scales import (
    CadssItem,
    cadss_form,
    cadss_item_numbers,
    describe_moaas,
    dissociation_present,
    missing_cadss_prompts,
    score_cadss,
)

# --- MOAA/S (Chernik 1990) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "words"),
    [
        (5, "readily"),
        (4, "Lethargic"),
        (3, "loudly or repeatedly"),
        (2, "mild prodding or shaking"),
        (1, "trapezius squeeze"),
        (0, "No response"),
    ],
    ids=["5", "4", "3", "2", "1", "0"],
)
def test_moaas_descriptions(score: int, words: str) -> None:
    assert words in describe_moaas(score)


def test_moaas_levels_are_distinct() -> None:
    assert len({describe_moaas(score) for score in range(6)}) == 6


@pytest.mark.parametrize("score", [-1, 6, 10, 2.5, "3", None], ids=repr)
def test_moaas_refusals(score: object) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        describe_moaas(cast(Any, score))
    assert [p.field for p in excinfo.value.problems] == ["moaas"]


# --- CADSS (Bremner 1998; CADSS-6, Rodrigues 2021) ---------------------------------------


def test_cadss_6_items() -> None:
    assert cadss_item_numbers("CADSS-6") == (1, 2, 6, 7, 15, 22)


def test_cadss_23_items() -> None:
    assert cadss_item_numbers("CADSS-23") == tuple(range(1, 24))


@pytest.mark.parametrize("version", ["CADSS-12", "cadss-6", "", "CADSS"])
def test_unknown_version_is_refused(version: str) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        cadss_item_numbers(version)
    assert [p.field for p in excinfo.value.problems] == ["version"]
    with pytest.raises(InvalidEntry) as excinfo:
        score_cadss(version, {1: 0})
    assert [p.field for p in excinfo.value.problems] == ["version"]


SIX = (1, 2, 6, 7, 15, 22)


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        pytest.param(dict.fromkeys(SIX, 0), 0, id="all-zero"),
        pytest.param(dict.fromkeys(SIX, 4), 24, id="all-four"),
        pytest.param({1: 1, 2: 0, 6: 3, 7: 2, 15: 4, 22: 1}, 11, id="mixed"),
    ],
)
def test_cadss_6_totals(answers: dict[int, int], total: int) -> None:
    score = score_cadss("CADSS-6", answers)
    assert score.version == "CADSS-6"
    assert score.items == answers
    assert score.total == total
    assert score.maximum == 24


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        pytest.param(dict.fromkeys(range(1, 24), 0), 0, id="all-zero"),
        pytest.param(dict.fromkeys(range(1, 24), 4), 92, id="all-four"),
        pytest.param({n: n % 5 for n in range(1, 24)}, 46, id="mixed"),
    ],
)
def test_cadss_23_totals(answers: dict[int, int], total: int) -> None:
    score = score_cadss("CADSS-23", answers)
    assert score.total == total
    assert score.maximum == 92
    assert list(score.items) == list(range(1, 24))


def _six(**overrides: object) -> dict[int, object]:
    answers: dict[int, object] = dict.fromkeys(SIX, 1)
    for key, value in overrides.items():
        answers[int(key.removeprefix("item"))] = value
    return answers


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        pytest.param({1: 0, 2: 0, 6: 0, 7: 0, 15: 0}, ["item-22"], id="missing-item"),
        pytest.param(_six(item7=None), ["item-7"], id="unanswered-item"),
        pytest.param({}, [f"item-{n}" for n in SIX], id="nothing-answered"),
        pytest.param(_six(item2=5), ["item-2"], id="five"),
        pytest.param(_six(item2=-1), ["item-2"], id="minus-one"),
        pytest.param(_six(item15=True), ["item-15"], id="bool-true"),
        pytest.param(_six(item15=False), ["item-15"], id="bool-false"),
        pytest.param(_six(item6=2.0), ["item-6"], id="float"),
        pytest.param(_six(item6="2"), ["item-6"], id="string"),
        pytest.param(_six(item3=1), ["items"], id="unknown-item-3"),
        pytest.param(_six(item24=0), ["items"], id="unknown-item-24"),
        pytest.param(_six(item3=1, item1=9), ["items", "item-1"], id="several-problems"),
    ],
)
def test_cadss_6_refusals(answers: dict[int, object], fields: list[str]) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        score_cadss("CADSS-6", cast(Any, answers))
    assert [p.field for p in excinfo.value.problems] == fields


def test_unknown_item_message_names_the_item() -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        score_cadss("CADSS-6", cast(Any, _six(item3=1)))
    assert "no item 3" in excinfo.value.problems[0].message


@pytest.mark.parametrize(
    ("item", "value"), [(23, 5), (23, -1), (1, True), (12, None)], ids=["5", "-1", "bool", "none"]
)
def test_cadss_23_refusals(item: int, value: object) -> None:
    answers: dict[int, object] = dict.fromkeys(range(1, 24), 0)
    answers[item] = value
    with pytest.raises(InvalidEntry) as excinfo:
        score_cadss("CADSS-23", cast(Any, answers))
    assert [p.field for p in excinfo.value.problems] == [f"item-{item}"]


def test_cadss_23_refuses_item_24() -> None:
    answers = dict.fromkeys(range(1, 25), 0)
    with pytest.raises(InvalidEntry) as excinfo:
        score_cadss("CADSS-23", answers)
    assert [p.field for p in excinfo.value.problems] == ["items"]


# --- dissociation present ----------------------------------------------------------------


def test_default_cutoff_is_4() -> None:
    assert load_config(environ={}).default_protocol.ratings.cadss_dissociation_cutoff == 4


@pytest.mark.parametrize(
    ("total", "cutoff", "present"),
    [
        pytest.param(3, 4, False, id="below"),
        pytest.param(4, 4, False, id="at-cutoff"),
        pytest.param(5, 4, True, id="above"),
        pytest.param(0, 0, False, id="zero-at-zero"),
        pytest.param(1, 0, True, id="one-above-zero"),
        pytest.param(4, 3.5, True, id="fractional-cutoff-above"),
        pytest.param(3, 3.5, False, id="fractional-cutoff-below"),
    ],
)
def test_dissociation_present_edges(total: int, cutoff: float, present: bool) -> None:
    assert dissociation_present(total, cutoff) is present


def test_configured_cutoff_applies_to_scored_cadss() -> None:
    cutoff = load_config(environ={}).default_protocol.ratings.cadss_dissociation_cutoff
    at_cutoff = score_cadss("CADSS-6", {1: 2, 2: 2, 6: 0, 7: 0, 15: 0, 22: 0})
    above = score_cadss("CADSS-6", {1: 2, 2: 2, 6: 1, 7: 0, 15: 0, 22: 0})
    assert at_cutoff.total == cutoff
    assert not dissociation_present(at_cutoff.total, cutoff)
    assert dissociation_present(above.total, cutoff)


# --- the CADSS form: a prompt for every item the version asks -----------------------------

SIX_PROMPTS = {1: "one", 2: "two", 6: "six", 7: "seven", 15: "fifteen", 22: "twenty-two"}


@pytest.mark.parametrize(
    ("version", "prompts", "missing"),
    [
        pytest.param("CADSS-6", SIX_PROMPTS, (), id="six-complete"),
        pytest.param("CADSS-6", {**SIX_PROMPTS, 3: "three"}, (), id="extra-items-ignored"),
        pytest.param(
            "CADSS-6", {k: v for k, v in SIX_PROMPTS.items() if k != 22}, (22,), id="no-22"
        ),
        pytest.param("CADSS-6", {**SIX_PROMPTS, 1: "  "}, (1,), id="blank-is-missing"),
        pytest.param("CADSS-6", {}, (1, 2, 6, 7, 15, 22), id="none"),
        pytest.param(
            "CADSS-23",
            SIX_PROMPTS,
            (3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21, 23),
            id="23-from-6",
        ),
        pytest.param("CADSS-23", {n: f"p{n}" for n in range(1, 24)}, (), id="23-complete"),
    ],
)
def test_missing_cadss_prompts(
    version: str, prompts: dict[int, str], missing: tuple[int, ...]
) -> None:
    assert missing_cadss_prompts(version, prompts) == missing


def test_cadss_form_is_the_versions_items_in_order_with_trimmed_prompts() -> None:
    form = cadss_form("CADSS-6", {**SIX_PROMPTS, 6: "  six  ", 3: "not asked"})
    assert form[0] == CadssItem(1, "one")
    assert [item.number for item in form] == [1, 2, 6, 7, 15, 22]
    assert form[2].prompt == "six"


def test_cadss_form_refuses_a_missing_prompt_naming_the_item() -> None:
    with pytest.raises(InvalidEntry) as refused:
        cadss_form("CADSS-6", {k: v for k, v in SIX_PROMPTS.items() if k != 15})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("item-15", "CADSS-6 item 15 has no prompt")
    ]


def test_cadss_form_refuses_an_unknown_version() -> None:
    with pytest.raises(InvalidEntry):
        cadss_form("CADSS-12", SIX_PROMPTS)
