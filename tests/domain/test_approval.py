"""May the physician approve the discharge now? Open HIGH alarms hold it, whatever the
override; unmet criteria need a written reason; the nurse signs first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.approval import OpenAlert, approval_problems, blocking_alerts, may_approve
from monitor.domain.discharge import Criterion
from monitor.domain.override import MIN_OVERRIDE_REASON
from monitor.domain.vocabulary import Priority

T = datetime(2026, 11, 20, 19, 32, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")
MET = Criterion("aldrete", "Modified Aldrete score 9 or more", True, "10/10")
UNMET = Criterion("dissociation", "Dissociation resolved", False, "CADSS 8 (above 4)")
REASON = "x" * MIN_OVERRIDE_REASON


def alert(n: int, priority: Priority, minutes: float = 0) -> OpenAlert:
    return OpenAlert(n, priority, f"Alert {n}", T + timedelta(minutes=minutes))


HIGH, MEDIUM, LOW = alert(1, Priority.HIGH), alert(2, Priority.MEDIUM), alert(3, Priority.LOW)


@pytest.mark.parametrize(
    ("signed", "criteria", "reason", "alerts", "expected"),
    [
        (True, [MET], None, [], True),
        (True, [MET], None, [MEDIUM, LOW], True),  # only HIGH holds the approval
        (True, [MET], None, [HIGH], False),
        (True, [MET], REASON, [HIGH], False),  # an override does not cover an open alarm
        (True, [UNMET], REASON, [HIGH], False),
        (True, [UNMET], REASON, [], True),
        (True, [UNMET], REASON[:-1], [], False),  # reason one character too short
        (True, [UNMET], " " * 20, [], False),  # blank is no reason
        (True, [UNMET], None, [], False),
        (True, [UNMET], None, [MEDIUM], False),
        (False, [MET], None, [], False),  # the nurse signs first
        (False, [UNMET], REASON, [], False),
    ],
)
def test_may_approve(
    signed: bool,
    criteria: list[Criterion],
    reason: str | None,
    alerts: list[OpenAlert],
    expected: bool,
) -> None:
    assert (
        may_approve(
            nurse_signed=signed, criteria=criteria, override_reason=reason, open_alerts=alerts
        )
        is expected
    )


def test_refusal_names_every_open_high_in_clinic_time() -> None:
    later = OpenAlert(7, Priority.HIGH, "Severe hypertension: systolic 185", T + timedelta(hours=1))
    problems = approval_problems(
        nurse_signed=True,
        criteria=[MET],
        override_reason=REASON,
        open_alerts=[later, MEDIUM, HIGH],
        zone=ZONE,
    )
    assert [p.field for p in problems] == ["alerts", "alerts"]
    assert problems[0].message.startswith("HIGH alert not acknowledged: 14:32 Alert 1.")
    assert "15:32 Severe hypertension: systolic 185" in problems[1].message
    assert "override covers unmet criteria, not open alarms" in problems[0].message


def test_open_alerts_and_unmet_criteria_are_refused_together() -> None:
    problems = approval_problems(
        nurse_signed=True,
        criteria=[MET, UNMET],
        override_reason=None,
        open_alerts=[HIGH],
        zone=ZONE,
    )
    assert [p.field for p in problems] == ["alerts", "override"]
    assert problems[1].message == "Not met: Dissociation resolved (CADSS 8 (above 4))"


def test_without_the_nurse_signature_that_is_the_only_reason() -> None:
    problems = approval_problems(
        nurse_signed=False, criteria=[UNMET], override_reason=None, open_alerts=[HIGH], zone=ZONE
    )
    assert [p.field for p in problems] == ["signature"]


def test_blocking_alerts_are_the_highs_oldest_first() -> None:
    older, newer = alert(9, Priority.HIGH, -5), alert(4, Priority.HIGH, 5)
    assert blocking_alerts([newer, MEDIUM, HIGH, older, LOW]) == [older, HIGH, newer]
