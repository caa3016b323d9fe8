"""What came before dosing, in the words the record page and the PDF both print: a
questionnaire's total (and, for the PHQ-9, its self-harm item), a physician's pre-dose
clearance and a safety flag's standing. Values in, words out: one wording for both."""

from __future__ import annotations

from collections.abc import Mapping

from monitor.domain.vocabulary import (
    PreDoseConcern,
    Questionnaire,
    Respondent,
    SafetyFlagKind,
    label_of,
)

SELF_HARM_ITEM = "9"  # PHQ-9 item 9: thoughts of being better off dead or of self-harm
OPEN_FLAG = "Open: no physician has acknowledged it yet"


def questionnaire_words(
    questionnaire: str, total: int, items: Mapping[str, int], respondent: str
) -> str:
    """ "PHQ-9 total 9 · item 9: 1 · Filled in by the patient"."""
    parts = [f"{label_of(Questionnaire, questionnaire)} total {total}"]
    if questionnaire == Questionnaire.PHQ9 and SELF_HARM_ITEM in items:
        parts.append(f"item 9: {items[SELF_HARM_ITEM]}")
    parts.append(label_of(Respondent, respondent))
    return " · ".join(parts)


def clearance_words(concern: str, reason: str) -> str:
    """ "Cleared: Thoughts of self-harm (PHQ-9 item 9) — reason"."""
    return f"Cleared: {label_of(PreDoseConcern, concern)} — {reason}"


def flag_words(kind: str, message: str) -> str:
    return f"{label_of(SafetyFlagKind, kind)}: {message}"


def acknowledgement_words(by: str | None, note: str | None) -> str:
    """Who acknowledged a flag (and their note), or that it is still open."""
    if by is None:
        return OPEN_FLAG
    return f"Acknowledged by {by}" + (f": {note}" if note else "")
