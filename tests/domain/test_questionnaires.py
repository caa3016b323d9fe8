"""PHQ-9 and PCL-5 scoring at every item and at every severity threshold; the self-harm item;
the words as published."""

from __future__ import annotations

import pytest

from monitor.domain.errors import IllegalTransition, InvalidEntry
from monitor.domain.questionnaire_items import FORMS, PCL5, PHQ9, QuestionnaireForm
from monitor.domain.questionnaires import check_before_dosing, score, severity
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import Questionnaire


def answers(form: QuestionnaireForm, value: int = 0, **overrides: int) -> dict[int | str, object]:
    out: dict[int | str, object] = dict.fromkeys(form.numbers, value)
    out.update({int(k.removeprefix("i")): v for k, v in overrides.items()})
    return out


def with_total(
    form: QuestionnaireForm, total: int, *, spare: int | None = None
) -> dict[int | str, object]:
    """Answers summing to `total`, filling items in order (the self-harm item last)."""
    order = [n for n in form.numbers if n != form.self_harm_item]
    order += [n for n in form.numbers if n == form.self_harm_item]
    out: dict[int | str, object] = dict.fromkeys(form.numbers, 0)
    left = total
    for number in order:
        out[number] = min(form.item_max, left)
        left -= int(out[number])  # type: ignore[call-overload]
    assert left == 0
    return out


def test_every_questionnaire_has_a_form() -> None:
    assert set(FORMS) == set(Questionnaire)


@pytest.mark.parametrize(
    ("form", "items", "anchors", "item_max", "total_max"),
    [(PHQ9, 9, 4, 3, 27), (PCL5, 20, 5, 4, 80)],
)
def test_shape_as_published(
    form: QuestionnaireForm, items: int, anchors: int, item_max: int, total_max: int
) -> None:
    assert len(form.items) == items and len(form.anchors) == anchors
    assert form.item_max == item_max and form.total_max == total_max
    assert form.bands[0].lowest == 0
    assert form.source and form.licence and form.stem


def test_words_as_published() -> None:
    assert PHQ9.anchors == (
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    )
    assert PHQ9.items[0] == "Little interest or pleasure in doing things"
    assert (
        PHQ9.items[8]
        == "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert PCL5.anchors == ("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")
    assert (
        PCL5.items[0] == "Repeated, disturbing, and unwanted memories of the stressful experience?"
    )
    assert PCL5.items[19] == "Trouble falling or staying asleep?"
    assert "Kroenke" in PHQ9.source and "Weathers" in PCL5.source


@pytest.mark.parametrize("form", [PHQ9, PCL5], ids=lambda f: f.version)
def test_every_item_scores_every_answer(form: QuestionnaireForm) -> None:
    for number in form.numbers:
        for value in range(form.item_max + 1):
            scored = score(form.code, answers(form, **{f"i{number}": value}))
            assert scored.items[number] == value
            assert scored.total == value
            assert sum(scored.items.values()) == value


@pytest.mark.parametrize("form", [PHQ9, PCL5], ids=lambda f: f.version)
def test_every_item_is_needed(form: QuestionnaireForm) -> None:
    for number in form.numbers:
        given = answers(form)
        del given[number]
        with pytest.raises(InvalidEntry) as refused:
            score(form.code, given)
        assert [p.field for p in refused.value.problems] == [f"item_{number}"]


@pytest.mark.parametrize("form", [PHQ9, PCL5], ids=lambda f: f.version)
@pytest.mark.parametrize("bad", [-1, "x", "", None, True, 2.5, "1e1", 99])
def test_an_answer_off_the_scale_is_refused_at_its_item(
    form: QuestionnaireForm, bad: object
) -> None:
    value = form.item_max + 1 if bad == 99 else bad
    with pytest.raises(InvalidEntry) as refused:
        score(form.code, answers(form) | {3: value})
    assert [p.field for p in refused.value.problems] == ["item_3"]


def test_item_keys_may_be_text_and_unknown_items_are_refused() -> None:
    assert score("phq9", {f"item_{n}": "1" for n in PHQ9.numbers}).total == 9
    assert score("phq9", {str(n): 1 for n in PHQ9.numbers}).total == 9
    with pytest.raises(InvalidEntry) as refused:
        score("phq9", answers(PHQ9) | {10: 0})
    assert refused.value.problems[0].field == "items"
    with pytest.raises(InvalidEntry) as refused:
        score("gad7", answers(PHQ9))
    assert refused.value.problems[0].field == "questionnaire"


def test_all_missing_names_every_item() -> None:
    with pytest.raises(InvalidEntry) as refused:
        score("pcl5", {})
    assert [p.field for p in refused.value.problems] == [f"item_{n}" for n in PCL5.numbers]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_bands_at_each_threshold(total: int, band: str) -> None:
    scored = score("phq9", with_total(PHQ9, total))
    assert (scored.total, scored.severity) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Below the provisional PTSD cut-point"),
        (32, "Below the provisional PTSD cut-point"),
        (33, "At or above the provisional PTSD cut-point"),
        (80, "At or above the provisional PTSD cut-point"),
    ],
)
def test_pcl5_bands_at_the_cut_point(total: int, band: str) -> None:
    scored = score("pcl5", with_total(PCL5, total))
    assert (scored.total, scored.severity) == (total, band)


@pytest.mark.parametrize("form", [PHQ9, PCL5], ids=lambda f: f.version)
def test_a_total_off_the_scale_has_no_band(form: QuestionnaireForm) -> None:
    for total in (-1, form.total_max + 1):
        with pytest.raises(ValueError):
            severity(form, total)


@pytest.mark.parametrize(("item9", "flag"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item9_above_zero_raises_the_flag(item9: int, flag: bool) -> None:
    scored = score("phq9", answers(PHQ9, i9=item9))
    assert scored.raises_safety_flag is flag
    message = scored.safety_message()
    assert (message is not None) is flag
    if message:
        assert PHQ9.anchors[item9] in message and "physician" in message


def test_no_other_phq9_item_raises_the_flag() -> None:
    for number in PHQ9.numbers[:-1]:
        assert not score("phq9", answers(PHQ9, **{f"i{number}": 3})).raises_safety_flag


def test_pcl5_raises_no_flag_even_at_its_maximum() -> None:
    scored = score("pcl5", answers(PCL5, PCL5.item_max))
    assert scored.total == 80 and not scored.raises_safety_flag


@pytest.mark.parametrize("state", list(SessionState))
def test_taken_only_before_dosing(state: SessionState) -> None:
    if state in (SessionState.PLANNED, SessionState.BASELINE):
        check_before_dosing(state)
    else:
        with pytest.raises(IllegalTransition, match="before dosing"):
            check_before_dosing(state)
