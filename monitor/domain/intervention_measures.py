"""The quality measures of what was given and what happened (issue 13): adverse events per
100 sessions by kind and by grade, rescue-medication administrations per 100 sessions by
drug, the time from a flagged adverse event to the physician's acknowledgement, and the
ketamine record's open findings (unresolved discrepancies, target zero).

A rate over no sessions is no rate (None), never a division by zero: an empty period says
"no sessions", not "0 per 100". Which events count as flagged is the board's own rule
(`adverse_events.flags_board`), so the measure and the board never disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import TypeVar

from monitor.domain.adverse_events import Graded, flags_board
from monitor.domain.vocabulary import Severity

Key = TypeVar("Key", bound=Hashable)
PER = 100


def per_100(count: int, sessions: int) -> float | None:
    """`count` per 100 sessions; None when there were no sessions."""
    if sessions <= 0:
        return None
    return PER * count / sessions


@dataclass(frozen=True)
class Rate:
    """How many, and how many per 100 sessions, of one kind, grade or drug."""

    key: str
    label: str
    count: int
    per_100: float | None


def rates(
    counted: Iterable[tuple[str, str]],
    sessions: int,
    order: Sequence[tuple[str, str]] = (),
) -> tuple[Rate, ...]:
    """Rates of (key, label) occurrences: the (key, label)s of `order` first, in that
    order, each shown even at zero; then any other key found, by key (its first label)."""
    tally: Counter[str] = Counter()
    labels: dict[str, str] = dict(order)
    for key, label in counted:
        tally[key] += 1
        labels.setdefault(key, label)
    first = [key for key, _ in order]
    keys = [*first, *sorted(k for k in tally if k not in first)]
    return tuple(Rate(k, labels[k], tally[k], per_100(tally[k], sessions)) for k in keys)


@dataclass(frozen=True)
class AdverseEventFact:
    """An adverse event as the measures need it."""

    kind: str
    kind_label: str
    severity: Severity
    serious: bool
    recorded_at: datetime  # when the flag (if any) was raised: the event's entry
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class AcknowledgementTimes:
    """Flagged events in the period and how long the physician took to acknowledge them."""

    flagged: int
    acknowledged: int
    unacknowledged: int
    median_minutes: float | None
    longest_minutes: float | None


def acknowledgement_times(
    events: Iterable[AdverseEventFact], *, board_flag_from: Severity
) -> AcknowledgementTimes:
    """Minutes from each flagged event's entry to its acknowledgement: the median and the
    longest over the acknowledged ones, and how many still wait."""
    flagged = [
        e
        for e in events
        if flags_board(Graded(e.severity, e.serious), board_flag_from=board_flag_from)
    ]
    minutes = [
        max(timedelta(0), e.acknowledged_at - e.recorded_at) / timedelta(minutes=1)
        for e in flagged
        if e.acknowledged_at is not None
    ]
    return AcknowledgementTimes(
        flagged=len(flagged),
        acknowledged=len(minutes),
        unacknowledged=len(flagged) - len(minutes),
        median_minutes=median(minutes) if minutes else None,
        longest_minutes=max(minutes) if minutes else None,
    )


def by_kind(
    events: Iterable[AdverseEventFact], sessions: int, picklist: Sequence[tuple[str, str]] = ()
) -> tuple[Rate, ...]:
    """Every kind of the clinic's picklist in its order (a kind no longer on it after)."""
    return rates(((e.kind, e.kind_label) for e in events), sessions, picklist)


def by_grade(events: Iterable[AdverseEventFact], sessions: int) -> tuple[Rate, ...]:
    """Every grade shown, mildest first, a grade with no event at zero."""
    grades = [(s.value, s.label) for s in Severity]
    return rates(((e.severity.value, e.severity.label) for e in events), sessions, grades)


def highest_grade(severities: Iterable[Severity]) -> Severity | None:
    """The worst grade among a session's events; None for a session without any."""
    return max(severities, key=lambda s: s.grade, default=None)
