"""Alarm display without fatigue: one banner per measure group at its highest priority.

Every rule that fires is stored and audited as its own excursion; what a screen SHOWS for
one reading is one banner per measure group (blood pressure, SpO2, heart rate, …), led by
the group's highest-priority flag, with the group's other flags as lines under it. The
group comes from the measure a flag crossed, never from a rule's code: the rules are
configuration, and a clinic's new blood-pressure rule joins the blood-pressure banner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from monitor.domain.excursions import PRIORITY_RANK
from monitor.domain.vocabulary import Measure, Priority

# Measures shown together: systolic and diastolic are one blood pressure. Every other
# measure is its own group.
MEASURE_GROUPS: dict[str, str] = {
    Measure.SYSTOLIC: "blood_pressure",
    Measure.DIASTOLIC: "blood_pressure",
}
GROUP_NAMES: dict[str, str] = {
    "blood_pressure": "Blood pressure",
    Measure.HEART_RATE: "Heart rate",
    Measure.SPO2: "SpO2",
    Measure.RESP_RATE: "Respiratory rate",
    Measure.TEMPERATURE: "Temperature",
    Measure.MOAAS: "Sedation (MOAA/S)",
}


class Shown(Protocol):
    """What a banner needs of a flag: a stored excursion or a fresh flag alike."""

    @property
    def priority(self) -> str: ...

    @property
    def measure(self) -> str: ...


F = TypeVar("F", bound=Shown)


def measure_group(measure: str) -> str:
    """The group a measure is shown in ('blood_pressure' for systolic and diastolic)."""
    return MEASURE_GROUPS.get(str(measure), str(measure))


@dataclass(frozen=True)
class Banner(Generic[F]):
    """One measure group's flags for one reading: the lead and the lines under it."""

    group: str
    lead: F
    below: tuple[F, ...]

    @property
    def priority(self) -> Priority:
        return Priority(self.lead.priority)

    @property
    def name(self) -> str:
        return GROUP_NAMES.get(self.group, self.group.replace("_", " ").capitalize())

    @property
    def flags(self) -> tuple[F, ...]:
        return (self.lead, *self.below)


def _rank(flag: Shown) -> int:
    return PRIORITY_RANK[Priority(flag.priority)]


def banners(flags: Sequence[F]) -> list[Banner[F]]:
    """One reading's flags as banners: one per measure group, highest priority first.

    Within a group the highest-priority flag leads and the rest follow in priority order;
    flags of equal priority, and banners of equal priority, keep the order they came in
    (the rules' order in the configuration).
    """
    groups: dict[str, list[F]] = {}
    for flag in flags:
        groups.setdefault(measure_group(flag.measure), []).append(flag)
    made = []
    for group, members in groups.items():
        ordered = sorted(members, key=lambda f: -_rank(f))
        made.append(Banner(group=group, lead=ordered[0], below=tuple(ordered[1:])))
    return sorted(made, key=lambda b: -PRIORITY_RANK[b.priority])
