"""Scoring the PHQ-9 and the PCL-5: every item answered on its own scale, the total the sum
of the items (Kroenke 2001; Weathers 2013), the severity band the total falls in, and the
PHQ-9's self-harm item (item 9) answered above 0, which a physician must see before dosing.

A questionnaire with an item missing has no total: the published scoring sums all items,
and a total from fewer would read as less severe than the patient is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.domain.errors import FieldProblem, IllegalTransition, InvalidEntry, refuse
from monitor.domain.questionnaire_items import FORMS, QuestionnaireForm
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import Questionnaire

SELF_HARM_MESSAGE = (
    "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered "
    '"{anchor}": a physician must review before dosing'
)


@dataclass(frozen=True)
class QuestionnaireScore:
    """A questionnaire scored: each item's answer, the total and its band."""

    form: QuestionnaireForm
    items: dict[int, int]
    total: int
    severity: str

    @property
    def self_harm_answer(self) -> int | None:
        """The self-harm item's answer, on an instrument that has one."""
        number = self.form.self_harm_item
        return None if number is None else self.items[number]

    @property
    def raises_safety_flag(self) -> bool:
        answer = self.self_harm_answer
        return answer is not None and answer > 0

    def safety_message(self) -> str | None:
        answer = self.self_harm_answer
        if answer is None or answer <= 0:
            return None
        return SELF_HARM_MESSAGE.format(anchor=self.form.anchors[answer])


def form_of(questionnaire: Questionnaire | str) -> QuestionnaireForm:
    """The instrument by its stored code; an unknown code is refused at the field."""
    try:
        return FORMS[Questionnaire(questionnaire)]
    except ValueError:
        raise refuse("questionnaire", "Choose the PHQ-9 or the PCL-5") from None


def severity(form: QuestionnaireForm, total: int) -> str:
    """The band a total falls in: the last whose lowest the total reaches."""
    if not 0 <= total <= form.total_max:
        raise ValueError(f"{form.version} total {total} is outside 0-{form.total_max}")
    return [band.label for band in form.bands if total >= band.lowest][-1]


def _answer(value: object, item_max: int) -> int | None:
    """One answer as its score, or None when it is not a whole number on the scale."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or len(text) > 2:
            return None
        value = int(text)
    if isinstance(value, int) and 0 <= value <= item_max:
        return value
    return None


def _number(key: object, numbers: tuple[int, ...]) -> int | None:
    """An item's number from the answers' key (1, "1" or "item_1")."""
    text = str(key).strip().removeprefix("item_")
    if isinstance(key, bool) or not text.isdigit() or len(text) > 3:
        return None
    number = int(text)
    return number if number in numbers else None


def score(
    questionnaire: Questionnaire | str, answers: Mapping[int | str, object]
) -> QuestionnaireScore:
    """Every item scored and summed; each missing or off-scale answer is refused at its item
    (`item_<n>`), every problem at once, so the form marks them all."""
    form = form_of(questionnaire)
    problems: list[FieldProblem] = []
    items: dict[int, int] = {}
    for key, value in answers.items():
        number = _number(key, form.numbers)
        if number is None:
            problems.append(FieldProblem("items", f"{form.version} has no item {str(key)[:20]}"))
            continue
        answer = _answer(value, form.item_max)
        if answer is None:
            problems.append(
                FieldProblem(
                    f"item_{number}", f"Item {number}: choose an answer from 0 to {form.item_max}"
                )
            )
            continue
        items[number] = answer
    for number in form.numbers:
        if number not in items and not any(p.field == f"item_{number}" for p in problems):
            problems.append(FieldProblem(f"item_{number}", f"Item {number}: choose an answer"))
    if problems:
        raise InvalidEntry(problems)
    total = sum(items.values())
    ordered = {number: items[number] for number in form.numbers}
    return QuestionnaireScore(form, ordered, total, severity(form, total))


# Taken before dosing at each session (issue 12): while the session is planned or has its
# baseline, never once the infusion started.
BEFORE_DOSING = frozenset({SessionState.PLANNED, SessionState.BASELINE})


def check_before_dosing(state: SessionState) -> None:
    """Refuse a questionnaire for a session already dosing or ended, in words."""
    if state not in BEFORE_DOSING:
        raise IllegalTransition(
            f"This session is {state.value.replace('_', ' ')}: questionnaires are taken "
            "before dosing"
        )
