"""The quality measure's rule: was a course's first session opened with its screening
cleared and its consent standing? (Issue 12: "courses whose first session opened without
cleared screening or consent" must be zero.)

Judged from the stored entries as they stood at the opening, independently of the gate in
`session_lifecycle.open_session`, so the measure would catch a gate that let one through.
A screening whose answers were all "no" is cleared when saved; one with a yes or unknown is
cleared by a physician's "cleared" decision signed by the opening. The latest screening
saved by the opening stands, and holds for `screening.valid_days` from when it was taken,
as the gate counts (domain/screening.py: the patient's answers age, not the signature).
Consent stands from its signature until its withdrawal is recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.domain.vocabulary import ScreeningDecision


@dataclass(frozen=True)
class ScreeningAt:
    screened_at: datetime
    needs_decision: bool
    decision: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class ConsentAt:
    signed_at: datetime
    withdrawn_at: datetime | None  # when the withdrawal was recorded


def _screening_cleared(
    opened_at: datetime, screenings: Sequence[ScreeningAt], valid_days: int
) -> bool:
    before = [s for s in screenings if s.screened_at <= opened_at]
    if not before:
        return False
    latest = max(before, key=lambda s: s.screened_at)
    cleared = not latest.needs_decision or (
        latest.decision == ScreeningDecision.CLEARED
        and latest.decided_at is not None
        and latest.decided_at <= opened_at
    )
    return cleared and opened_at - latest.screened_at <= timedelta(days=valid_days)


def _consent_standing(opened_at: datetime, consents: Sequence[ConsentAt]) -> bool:
    return any(
        c.signed_at <= opened_at and (c.withdrawn_at is None or c.withdrawn_at > opened_at)
        for c in consents
    )


def missing_at_opening(
    opened_at: datetime,
    screenings: Sequence[ScreeningAt],
    consents: Sequence[ConsentAt],
    valid_days: int,
) -> tuple[str, ...]:
    """What was missing when the session opened: "screening", "consent", both or none."""
    missing = []
    if not _screening_cleared(opened_at, screenings, valid_days):
        missing.append("screening")
    if not _consent_standing(opened_at, consents):
        missing.append("consent")
    return tuple(missing)
