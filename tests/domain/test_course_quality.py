"""Was a course's first session opened with its screening cleared and consent standing?
The quality measure's rule at its edges (docs/clinical.md "The treatment course"): a
screening with every answer "no" clears when saved; a yes or unknown clears with a
physician's "cleared" decision; a clearance older than `screening.valid_days` (30) at the
opening no longer holds; consent holds from its signature until a withdrawal is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.course_quality import ConsentAt, ScreeningAt, missing_at_opening

OPENED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)
VALID = 30
CONSENTED = (ConsentAt(signed_at=OPENED - DAY, withdrawn_at=None),)
ALL_NO = (ScreeningAt(OPENED - DAY, needs_decision=False, decision=None, decided_at=None),)


def yes(decision: str | None, decided: datetime | None) -> ScreeningAt:
    return ScreeningAt(OPENED - 2 * DAY, needs_decision=True, decision=decision, decided_at=decided)


@pytest.mark.parametrize(
    ("screenings", "expected"),
    [
        (ALL_NO, ()),
        ((), ("screening",)),
        ((yes(None, None),), ("screening",)),  # awaiting the physician
        ((yes("cleared", OPENED - DAY),), ()),
        ((yes("cleared", OPENED),), ()),  # signed the same instant: cleared
        ((yes("cleared", OPENED + timedelta(seconds=1)),), ("screening",)),  # after opening
        ((yes("declined", OPENED - DAY),), ("screening",)),
        # a screening saved after the opening does not count
        ((ScreeningAt(OPENED + DAY, False, None, None),), ("screening",)),
        # the latest screening before the opening stands: a newer one awaiting a decision
        ((ALL_NO[0], ScreeningAt(OPENED - DAY / 2, True, None, None)), ("screening",)),
        # 30 days old holds, 30 days and a second does not
        ((ScreeningAt(OPENED - 30 * DAY, False, None, None),), ()),
        (
            (ScreeningAt(OPENED - 30 * DAY - timedelta(seconds=1), False, None, None),),
            ("screening",),
        ),
        # expiry counts from when the screening was taken, as the gate does, even when the
        # physician cleared it later
        ((ScreeningAt(OPENED - 40 * DAY, True, "cleared", OPENED - 29 * DAY),), ("screening",)),
        ((ScreeningAt(OPENED - 29 * DAY, True, "cleared", OPENED - DAY),), ()),
    ],
)
def test_screening_at_the_opening(
    screenings: tuple[ScreeningAt, ...], expected: tuple[str, ...]
) -> None:
    assert missing_at_opening(OPENED, screenings, CONSENTED, VALID) == expected


@pytest.mark.parametrize(
    ("consents", "expected"),
    [
        (CONSENTED, ()),
        ((), ("consent",)),
        ((ConsentAt(OPENED + DAY, None),), ("consent",)),  # signed after the opening
        ((ConsentAt(OPENED - 2 * DAY, OPENED - DAY),), ("consent",)),  # withdrawn before
        ((ConsentAt(OPENED - 2 * DAY, OPENED + DAY),), ()),  # withdrawn later
        ((ConsentAt(OPENED - 3 * DAY, OPENED - 2 * DAY), ConsentAt(OPENED - DAY, None)), ()),
    ],
)
def test_consent_at_the_opening(consents: tuple[ConsentAt, ...], expected: tuple[str, ...]) -> None:
    assert missing_at_opening(OPENED, ALL_NO, consents, VALID) == expected


def test_both_missing_are_named_in_order() -> None:
    assert missing_at_opening(OPENED, (), (), VALID) == ("screening", "consent")
