"""Adverse-event rules: which events go to the physician's board, how the REMS form's
serious-adverse-event question is answered, when an event counts as resolved, and which
times an event and its outcome may carry (docs/clinical.md "Adverse events")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.domain.errors import refuse
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
    """An event as these rules need it; `kind_label` names it where a rule says which
    events made its answer (the REMS form's serious-adverse-event field)."""

    severity: Severity
    serious: bool
    kind_label: str = ""


def at_least(severity: Severity, threshold: Severity) -> bool:
    return severity.grade >= threshold.grade


def flags_board(event: Graded, *, board_flag_from: Severity) -> bool:
    """A severe or life-threatening event (from the configured grade), or one marked
    serious, raises a high-priority flag a physician acknowledges."""
    return event.serious or at_least(event.severity, board_flag_from)


def counts_for_rems(event: Graded, *, rems_serious_from: Severity) -> bool:
    """One event answers the REMS serious-adverse-event question yes: marked serious by
    the nurse or physician, or graded at or above the clinic's threshold."""
    return event.serious or at_least(event.severity, rems_serious_from)


def rems_serious_adverse_event(events: Iterable[Graded], *, rems_serious_from: Severity) -> bool:
    """The REMS form's serious-adverse-event answer: yes when any event was marked serious
    or reached the configured grade."""
    return any(counts_for_rems(e, rems_serious_from=rems_serious_from) for e in events)


def rems_serious_reasons(
    events: Iterable[Graded], *, rems_serious_from: Severity
) -> tuple[str, ...]:
    """The events that made the REMS answer yes, in the form's reader's words:
    "Nausea (Grade 3: severe)", "Headache (Grade 1: mild, serious)". Empty when the answer
    is no: `bool(rems_serious_reasons(...)) == rems_serious_adverse_event(...)`."""
    return tuple(
        f"{e.kind_label or 'Adverse event'} ({e.severity.label}{', serious' if e.serious else ''})"
        for e in events
        if counts_for_rems(e, rems_serious_from=rems_serious_from)
    )


def is_closed(outcome: AdverseEventOutcome | None) -> bool:
    """Whether the latest outcome ends the event (None: no outcome recorded yet)."""
    return outcome in CLOSED


def needs_resolved_time(outcome: AdverseEventOutcome) -> bool:
    """A resolved outcome (or one with sequelae) says when it resolved."""
    return outcome in (AdverseEventOutcome.RESOLVED, AdverseEventOutcome.RESOLVED_WITH_SEQUELAE)


def check_onset(onset_at: datetime, *, now: datetime, opened_at: datetime, skew: timedelta) -> None:
    """An event began at the chair: not later than now (a tablet's clock may run `skew`
    ahead), nor before the session opened (what happened before it belongs to the
    history, not to this session's record)."""
    if onset_at > now + skew:
        raise refuse("onset_at", "The onset cannot be in the future: check the time")
    if onset_at < opened_at - skew:
        raise refuse("onset_at", "The onset cannot be before the session opened")


def check_resolved_time(
    outcome: AdverseEventOutcome,
    resolved_at: datetime | None,
    *,
    onset_at: datetime,
    now: datetime,
    skew: timedelta,
) -> datetime | None:
    """The time an outcome stores: required for a resolved outcome, not in the future and
    not before the event began; an outcome that did not resolve carries none."""
    if not needs_resolved_time(outcome):
        return None
    if resolved_at is None:
        raise refuse("resolved_at", f"{outcome.label}: say when it resolved")
    if resolved_at > now + skew:
        raise refuse("resolved_at", "The time resolved cannot be in the future")
    if resolved_at < onset_at:
        raise refuse("resolved_at", "The time resolved cannot be before the onset")
    return resolved_at
