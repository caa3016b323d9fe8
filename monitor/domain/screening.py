"""The screening before a course's first infusion: the config's checklist answered yes, no
or unknown, whether a physician must decide, and where the screening stands.

A "yes" or an "unknown" needs a physician's signed decision (clear with a reason, or decline
the course), and a note saying what was found: the physician decides from it. A "no" may
carry a note. A screening holds for `screening.valid_days` days from when it was taken: a
course whose first session has not opened by then must be screened again (config.yaml).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from monitor.config.course import ScreeningItem
from monitor.domain.errors import FieldProblem, InvalidEntry
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vocabulary import ScreeningAnswer, ScreeningDecision


class Standing(StrEnum):
    """Where a course's latest screening stands (computed, never stored)."""

    NOT_SCREENED = "not_screened"
    AWAITING_DECISION = "awaiting_decision"
    CLEARED = "cleared"
    DECLINED = "declined"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return STANDING_WORDS[self]


STANDING_WORDS = {
    Standing.NOT_SCREENED: "Not screened",
    Standing.AWAITING_DECISION: "Awaiting a physician's decision",
    Standing.CLEARED: "Cleared",
    Standing.DECLINED: "Declined",
    Standing.EXPIRED: "Expired",
}


@dataclass(frozen=True)
class Answer:
    """One checklist item as answered, with its words and source as the config held them."""

    code: str
    label: str
    source: str
    answer: ScreeningAnswer
    note: str | None


def note_field(code: str) -> str:
    """The field a note's problem is shown at; an answer's problem is shown at its code."""
    return f"{code}.note"


def check_answers(
    checklist: Iterable[ScreeningItem], answers: Mapping[str, tuple[str, str | None]]
) -> list[Answer]:
    """Every item answered yes/no/unknown, a yes or unknown with a note, nothing unknown to
    the checklist; every problem at once, at its item."""
    items = list(checklist)
    known = {item.code for item in items}
    problems = [
        FieldProblem(str(code), "This item is not on the clinic's screening checklist")
        for code in answers
        if code not in known
    ]
    result: list[Answer] = []
    for item in items:
        given, note_text = answers.get(item.code, ("", None))
        try:
            answer = ScreeningAnswer(str(given or "").strip().lower())
        except ValueError:
            problems.append(FieldProblem(item.code, f"Answer yes, no or unknown: {item.label}"))
            continue
        note = (note_text or "").strip() or None
        if note is not None and len(note) > MAX_FREE_TEXT:
            problems.append(
                FieldProblem(
                    note_field(item.code), f"Keep the note under {MAX_FREE_TEXT} characters"
                )
            )
        elif note is None and answer is not ScreeningAnswer.NO:
            problems.append(
                FieldProblem(
                    note_field(item.code),
                    f"Answered {answer.value}: write a note for the physician ({item.label})",
                )
            )
        result.append(Answer(item.code, item.label, item.source, answer, note))
    if problems:
        raise InvalidEntry(problems)
    return result


def needs_decision(answers: Iterable[ScreeningAnswer | str]) -> bool:
    """Any yes or unknown: a physician's signed decision is needed before it clears."""
    return any(ScreeningAnswer(a) is not ScreeningAnswer.NO for a in answers)


def expires_at(screened_at: datetime, valid_days: int) -> datetime:
    """The moment a screening stops holding for a course's first session."""
    return screened_at + timedelta(days=valid_days)


def standing(
    *,
    screened_at: datetime | None,
    needs_decision: bool,
    decision: ScreeningDecision | str | None,
    valid_days: int,
    now: datetime,
    first_session_at: datetime | None = None,
) -> Standing:
    """Where the latest screening stands at `now`. Its age is measured to the course's
    first session once that has opened (the screening held when the course began), else to
    `now`; exactly `valid_days` old still holds."""
    if screened_at is None:
        return Standing.NOT_SCREENED
    if decision is not None and ScreeningDecision(decision) is ScreeningDecision.DECLINED:
        return Standing.DECLINED
    if needs_decision and decision is None:
        return Standing.AWAITING_DECISION
    measured_to = first_session_at or now
    if measured_to > expires_at(screened_at, valid_days):
        return Standing.EXPIRED
    return Standing.CLEARED
