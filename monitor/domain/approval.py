"""Whether the physician may approve (co-sign) a discharge now, and every reason why not.

No alert is closed unseen: approval waits while any HIGH excursion of the session is
unacknowledged. An override reason covers unmet discharge criteria only, never an open
alarm (IEC 60601-1-8 high priority: immediate response; Joint Commission NPSG.06.01.01).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.domain.discharge import Criterion
from monitor.domain.errors import FieldProblem
from monitor.domain.override import MIN_OVERRIDE_REASON, override_problems
from monitor.domain.vocabulary import Priority


@dataclass(frozen=True)
class OpenAlert:
    """An excursion of the session that nobody has acknowledged yet."""

    excursion_id: int
    priority: Priority
    message: str
    detected_at: datetime


def blocking_alerts(open_alerts: Sequence[OpenAlert]) -> list[OpenAlert]:
    """The unacknowledged HIGH excursions, oldest first: each holds the approval."""
    return sorted(
        (a for a in open_alerts if a.priority is Priority.HIGH),
        key=lambda a: (a.detected_at, a.excursion_id),
    )


def approval_problems(
    *,
    nurse_signed: bool,
    criteria: Sequence[Criterion],
    override_reason: str | None,
    open_alerts: Sequence[OpenAlert],
    zone: ZoneInfo,
    min_reason: int = MIN_OVERRIDE_REASON,
) -> list[FieldProblem]:
    """Why the approval is refused now; empty when the physician may approve."""
    if not nurse_signed:
        return [FieldProblem("signature", "The nurse signs the latest assessment first")]
    problems = [
        FieldProblem(
            "alerts",
            f"HIGH alert not acknowledged: {a.detected_at.astimezone(zone):%H:%M} {a.message}. "
            "Acknowledge it before approving (an override covers unmet criteria, "
            "not open alarms)",
        )
        for a in blocking_alerts(open_alerts)
    ]
    return problems + override_problems(criteria, override_reason, minimum=min_reason)


def may_approve(
    *,
    nurse_signed: bool,
    criteria: Sequence[Criterion],
    override_reason: str | None,
    open_alerts: Sequence[OpenAlert],
) -> bool:
    """Whether the physician may approve the discharge now."""
    return not approval_problems(
        nurse_signed=nurse_signed,
        criteria=criteria,
        override_reason=override_reason,
        open_alerts=open_alerts,
        zone=ZoneInfo("UTC"),
    )
