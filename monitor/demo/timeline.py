"""The demo's weeks, written in the order they happened."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime


class Timeline:
    """Every write is a step at its moment; steps run earliest first (ties in the order they
    were planned), so each record and the audit trail read as the weeks went: a course
    before its screening, consent before the first session, a reading before the flag it
    raised, the flag before its acknowledgement, the nurse's signature before the
    physician's. A step later than `now` never runs, so nothing is written in the future.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._steps: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, moment: datetime, step: Callable[[], None]) -> None:
        if moment <= self.now:
            heapq.heappush(self._steps, (moment, next(self._order), step))

    def run(self) -> None:
        while self._steps:
            _, _, step = heapq.heappop(self._steps)
            step()
