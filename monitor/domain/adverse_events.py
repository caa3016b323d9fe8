"""Adverse-event rules: which events go to the physician's board, how the REMS form's
serious-adverse-event question is answered, and when an event counts as resolved
(docs/clinical.md "Adverse events")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitor.domain.vocabulary import AdverseEventOutcome, Severity

# Outcomes after which nothing more is expected: the event is over.
CLOSED = frozenset(
    {
        AdverseEventOutcome.RESOLVED,
        AdverseEventOutcome.RESOLVED_WITH_SEQUELAE,
        AdverseEventOutcome.FATAL,
    }
)


@dataclass(frozen=True)
class Graded:
    """An event as these rules need it."""

    severity: Severity
    serious: bool


def at_least(severity: Severity, threshold: Severity) -> bool:
    return severity.grade >= threshold.grade


def flags_board(event: Graded, *, board_flag_from: Severity) -> bool:
    """A severe or life-threatening event (from the configured grade), or one marked
    serious, raises a high-priority flag a physician acknowledges."""
    return event.serious or at_least(event.severity, board_flag_from)


def rems_serious_adverse_event(events: Iterable[Graded], *, rems_serious_from: Severity) -> bool:
    """The REMS form's serious-adverse-event answer: yes when any event was marked serious
    or reached the configured grade."""
    return any(e.serious or at_least(e.severity, rems_serious_from) for e in events)


def is_closed(outcome: AdverseEventOutcome | None) -> bool:
    """Whether the latest outcome ends the event (None: no outcome recorded yet)."""
    return outcome in CLOSED


def needs_resolved_time(outcome: AdverseEventOutcome) -> bool:
    """A resolved outcome (or one with sequelae) says when it resolved."""
    return outcome in (AdverseEventOutcome.RESOLVED, AdverseEventOutcome.RESOLVED_WITH_SEQUELAE)
