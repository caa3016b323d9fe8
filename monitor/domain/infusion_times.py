"""Pair the pump's pause and resume events into the pauses the reading schedule uses.

A pause opens at the first "pause" while none is open and closes at the next "resume";
a second pause while one is open, or a resume with none open, changes nothing (a repeated
tap stored before the state machine refused it cannot invent a pause). A pause still open
at the end is open-ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from monitor.domain.schedule import InfusionTimes, Pause
from monitor.domain.vocabulary import InfusionEvent


def build_infusion_times(
    started_at: datetime | None,
    stopped_at: datetime | None,
    pause_events: Sequence[tuple[str, datetime]],
) -> InfusionTimes:
    """The infusion's start, stop and pauses from its (kind, time) events in time order."""
    pauses: list[Pause] = []
    open_since: datetime | None = None
    for kind, at in pause_events:
        if kind == InfusionEvent.PAUSE and open_since is None:
            open_since = at
        elif kind == InfusionEvent.RESUME and open_since is not None:
            pauses.append(Pause(open_since, at))
            open_since = None
    if open_since is not None:
        pauses.append(Pause(open_since, None))
    return InfusionTimes(started_at, stopped_at, tuple(pauses))


class SessionPumpEvent(Protocol):
    """A pump event as the board and the chair list read it, several sessions at once."""

    @property
    def session_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...


def pause_events_by_session(
    events: Iterable[SessionPumpEvent],
) -> defaultdict[int, list[tuple[str, datetime]]]:
    """Each session's (kind, time) events, in the order given, for build_infusion_times."""
    grouped: defaultdict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for event in events:
        grouped[event.session_id].append((event.kind, event.occurred_at))
    return grouped
