"""What counts as an access to a patient's session record, for the audit trail
(HIPAA 45 CFR 164.312(b)): opening the record's screen, the bedside chart of a patient in
a chair, or taking the record's PDF.

An opening is a page load (or reload) of the record; the callbacks that refresh a screen
already open are part of that opening and are not logged again."""

from __future__ import annotations

from typing import Literal

RECORD_VIEWED = "record.viewed"  # the record's screen was opened
RECORD_EXPORTED = "record.exported"  # a copy left the system (the PDF, a CSV)
PATIENT_VIEWED = "patient.viewed"  # a patient's demographics page was opened
PATIENT_SEARCHED = "patient.searched"  # a search listed patients (the kind, never the text)
COURSE_VIEWED = "course.viewed"  # a treatment course's page was opened
ACCESS_ACTIONS = frozenset(
    {RECORD_VIEWED, RECORD_EXPORTED, PATIENT_VIEWED, PATIENT_SEARCHED, COURSE_VIEWED}
)

What = Literal["screen", "bedside", "pdf"]
EXPORTS: frozenset[What] = frozenset({"pdf"})  # a copy that leaves the system


def is_access(action: str) -> bool:
    """Whether an audit event records someone reading or taking the record."""
    return action in ACCESS_ACTIONS
