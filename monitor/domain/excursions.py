"""Excursion evaluation: a reading against absolute and baseline rules, as prioritized flags."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitor.config import Condition, ExcursionRule
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Measure, Priority

PRIORITY_RANK = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}
# IEC 60601-1-8 visual convention: the more marks, the higher the priority (a screen's
# colours for them live with the screen: monitor/ui/figures.py, monitor/reports).
PRIORITY_MARKS = {Priority.HIGH: "***", Priority.MEDIUM: "**", Priority.LOW: "*"}

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
# How a comparison reads on screen.
OP_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Crossing:
    """One condition of a rule that holds: the measure, its value and the threshold crossed."""

    measure: str
    value: float
    threshold: float
    op: str
    basis: str
    baseline: float | None

    @property
    def text(self) -> str:
        """'Systolic 194 mmHg (≥ 180)', or with the change: 'Systolic 165 mmHg, +45 from
        baseline 120 (≥ +40)'."""
        measure = Measure(self.measure)
        name, unit = measure.label, measure.unit
        sign = OP_SIGNS[self.op]
        if self.basis == "absolute" or self.baseline is None:
            return f"{name} {self.value:g} {unit} ({sign} {self.threshold:g})"
        change = self.value - self.baseline
        return (
            f"{name} {self.value:g} {unit}, {change:+g} from baseline {self.baseline:g} "
            f"({sign} {self.threshold:+g})"
        )


@dataclass(frozen=True)
class Flag:
    """One rule that fired on one reading. `measure`, `value`, `threshold`, `basis` and
    `baseline` describe the rule's first condition that holds (what is stored per excursion);
    `crossings` lists every condition that holds, and the message names each of them."""

    rule_code: str
    label: str
    priority: Priority
    measure: str
    value: float
    threshold: float
    basis: str
    baseline: float | None
    message: str
    crossings: tuple[Crossing, ...] = ()

    @property
    def measures(self) -> tuple[str, ...]:
        """Every measure that crossed, in the rule's order, each once."""
        return tuple(dict.fromkeys(c.measure for c in self.crossings)) or (self.measure,)


def _crossing(
    condition: Condition, vitals: VitalSigns, baseline: VitalSigns | None
) -> Crossing | None:
    """The condition as a crossing if it holds; None if it does not or cannot be judged."""
    value = vitals.value(condition.measure)
    if value is None:
        return None
    base: float | None = None
    subject = value
    if condition.basis != "absolute":
        base = baseline.value(condition.measure) if baseline else None
        if base is None:
            return None
        subject = value - base
    if not _OPS[condition.op](subject, condition.value):
        return None
    return Crossing(
        measure=str(condition.measure),
        value=value,
        threshold=condition.value,
        op=condition.op,
        basis=condition.basis,
        baseline=base,
    )


def excursions_for(
    vitals: VitalSigns, baseline: VitalSigns | None, rules: Sequence[ExcursionRule]
) -> list[Flag]:
    """Every rule the reading breaks, highest priority first; one flag per rule, naming
    every condition of the rule that holds (systolic and diastolic alike).

    Baseline-relative conditions are skipped while there is no baseline reading.
    """
    flags: list[Flag] = []
    for rule in rules:
        crossings = tuple(
            c for c in (_crossing(cond, vitals, baseline) for cond in rule.any_of) if c is not None
        )
        if not crossings:
            continue
        first = crossings[0]
        flags.append(
            Flag(
                rule_code=rule.code,
                label=rule.label,
                priority=rule.priority,
                measure=first.measure,
                value=first.value,
                threshold=first.threshold,
                basis=first.basis,
                baseline=first.baseline,
                message=f"{rule.label}: " + ", ".join(c.text for c in crossings),
                crossings=crossings,
            )
        )
    return sorted(flags, key=lambda flag: -PRIORITY_RANK[flag.priority])
