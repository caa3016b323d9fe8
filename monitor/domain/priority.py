"""A reading's priority: the highest of the excursions it raised, so a chart marks each reading
once, in the colour of its worst excursion (IEC 60601-1-8: the higher priority is shown)."""

from __future__ import annotations

from collections.abc import Iterable

from monitor.domain.excursions import PRIORITY_RANK
from monitor.domain.vocabulary import Priority

# Lowest first: the order a chart draws its priority marks in, so the highest lies on top.
DRAWING_ORDER: tuple[Priority, ...] = tuple(sorted(Priority, key=PRIORITY_RANK.__getitem__))


def highest_priority(priorities: Iterable[str]) -> Priority | None:
    """The highest of these priorities (names or enum members), or None when there are none."""
    ranked = [Priority(p) for p in priorities]
    return max(ranked, key=PRIORITY_RANK.__getitem__, default=None)


def priority_by_reading(excursions: Iterable[tuple[int, str]]) -> dict[int, Priority]:
    """Each reading's highest priority, from (reading id, priority) pairs of its excursions."""
    found: dict[int, list[str]] = {}
    for reading_id, priority in excursions:
        found.setdefault(reading_id, []).append(priority)
    return {
        reading_id: top
        for reading_id, names in found.items()
        if (top := highest_priority(names)) is not None
    }
