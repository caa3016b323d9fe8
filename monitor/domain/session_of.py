"""Where a session stands in its treatment course, in the words every screen and the PDF
use: "Session 3 of 6". A session recorded before courses existed may have no number, and
a course may (in old data) have no plan: the words say only what is known."""

from __future__ import annotations


def session_of(sequence: int | None, planned: int | None) -> str | None:
    """ "Session k of N", "Session k" when the plan is unknown, None when k is unknown."""
    if sequence is None:
        return None
    if planned is None:
        return f"Session {sequence}"
    return f"Session {sequence} of {planned}"
