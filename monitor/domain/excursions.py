"""Excursion evaluation: a reading against absolute and baseline rules, as prioritized flags."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitor.config import Condition, ExcursionRule, Priority
from monitor.domain.vitals import LABELS, VitalSigns

PRIORITY_RANK = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}
# IEC 60601-1-8 visual conventions: colour name and the priority's marks.
PRIORITY_MARKS = {Priority.HIGH: "***", Priority.MEDIUM: "**", Priority.LOW: "*"}
PRIORITY_COLOURS = {Priority.HIGH: "red", Priority.MEDIUM: "yellow", Priority.LOW: "cyan"}

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Flag:
    """One rule that fired on one reading, with the value and threshold that made it fire."""

    rule_code: str
    label: str
    priority: Priority
    measure: str
    value: float
    threshold: float
    basis: str
    baseline: float | None
    message: str

    @property
    def marks(self) -> str:
        return PRIORITY_MARKS[self.priority]


def _compared_value(
    condition: Condition, vitals: VitalSigns, baseline: VitalSigns | None
) -> tuple[float, float, float | None] | None:
    value = vitals.value(condition.measure)
    if value is None:
        return None
    if condition.basis == "absolute":
        return value, value, None
    base = baseline.value(condition.measure) if baseline else None
    if base is None:
        return None
    return value - base, value, base


def _message(condition: Condition, value: float, base: float | None) -> str:
    name, unit = LABELS[condition.measure]
    if condition.basis == "absolute":
        return f"{name} {value:g} {unit} ({condition.op} {condition.value:g})"
    change = value - (base or 0)
    return (
        f"{name} {value:g} {unit}, {change:+g} from baseline {base:g} "
        f"({condition.op} {condition.value:+g})"
    )


def evaluate(
    vitals: VitalSigns, baseline: VitalSigns | None, rules: Sequence[ExcursionRule]
) -> list[Flag]:
    """Every rule the reading breaks, highest priority first; one flag per rule.

    Baseline-relative conditions are skipped while there is no baseline reading.
    """
    flags: list[Flag] = []
    for rule in rules:
        for condition in rule.any_of:
            compared = _compared_value(condition, vitals, baseline)
            if compared is None:
                continue
            subject, value, base = compared
            if _OPS[condition.op](subject, condition.value):
                flags.append(
                    Flag(
                        rule_code=rule.code,
                        label=rule.label,
                        priority=rule.priority,
                        measure=condition.measure,
                        value=value,
                        threshold=condition.value,
                        basis=condition.basis,
                        baseline=base,
                        message=f"{rule.label}: {_message(condition, value, base)}",
                    )
                )
                break
    return sorted(flags, key=lambda flag: -PRIORITY_RANK[flag.priority])
