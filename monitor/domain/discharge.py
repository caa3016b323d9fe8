"""Discharge criteria: each judged from the record and the nurse's assessment, met or unmet
with the reason, so the sign-off can be gated on them (docs/clinical.md, "When a patient
may leave")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import Discharge
from monitor.domain.errors import FieldProblem, InvalidEntry
from monitor.domain.vitals import VitalSigns

CHECKLIST_LABELS = {
    "oriented": "Oriented to person, place and time",
    "steady_gait": "Steady gait",
    "nausea_controlled": "Nausea controlled",
    "escort_present": "Responsible adult escort present",
    "no_driving_instructions": "Told not to drive until the next day after sleep",
    "written_instructions": "Written discharge instructions given",
}
NURSE_SCORED = ("activity", "respiration", "consciousness")
ALDRETE_LABELS = {
    "activity": "Activity",
    "respiration": "Respiration",
    "circulation": "Circulation",
    "consciousness": "Consciousness",
    "spo2": "SpO2",
}


@dataclass(frozen=True)
class NurseAssessment:
    """What the nurse scores and confirms at the chair."""

    activity: int
    respiration: int
    consciousness: int
    checklist: Mapping[str, bool]


@dataclass(frozen=True)
class RecoveryFacts:
    """What the record says, as the criteria need it."""

    now: datetime
    dosing_started_at: datetime | None
    baseline: VitalSigns | None
    latest: VitalSigns | None
    latest_at: datetime | None
    baseline_cadss: int | None
    latest_cadss_after_dosing: int | None
    assessment: NurseAssessment | None


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    met: bool
    detail: str


def check_assessment(assessment: NurseAssessment, checklist: Sequence[str]) -> None:
    """Refuse scores outside 0–2 and checklist answers that are not yes/no."""
    problems = [
        FieldProblem(name, f"{ALDRETE_LABELS[name]}: score 0, 1 or 2")
        for name in NURSE_SCORED
        if not isinstance(getattr(assessment, name), int)
        or isinstance(getattr(assessment, name), bool)
        or not 0 <= getattr(assessment, name) <= 2
    ]
    unknown = sorted(set(assessment.checklist) - set(checklist))
    if unknown:
        problems.append(FieldProblem("checklist", f"Not on this protocol's checklist: {unknown}"))
    problems += [
        FieldProblem(item, f"{CHECKLIST_LABELS[item]}: answer yes or no")
        for item, value in assessment.checklist.items()
        if item in CHECKLIST_LABELS and not isinstance(value, bool)
    ]
    if problems:
        raise InvalidEntry(problems)


def percent_change(value: float, baseline: float) -> float:
    return abs(value - baseline) / baseline * 100


def aldrete_spo2(spo2: int) -> int:
    """Aldrete 1995: above 92% on room air scores 2; 90–92 scores 1; below 90 scores 0."""
    return 2 if spo2 > 92 else 1 if spo2 >= 90 else 0


def aldrete_circulation(systolic: int, baseline_systolic: int, within_percent: float) -> int:
    """Aldrete 1995: BP within 20% of baseline scores 2, within 20–49% scores 1, else 0."""
    change = percent_change(systolic, baseline_systolic)
    return 2 if change <= within_percent else 1 if change < 50 else 0


@dataclass(frozen=True)
class Aldrete:
    items: dict[str, int | None]

    @property
    def total(self) -> int | None:
        values = list(self.items.values())
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def aldrete(facts: RecoveryFacts, rules: Discharge) -> Aldrete:
    """The modified Aldrete score: SpO2 and circulation from the record, the rest scored."""
    latest, baseline, nurse = facts.latest, facts.baseline, facts.assessment
    return Aldrete(
        {
            "activity": nurse.activity if nurse else None,
            "respiration": nurse.respiration if nurse else None,
            "circulation": (
                aldrete_circulation(
                    latest.systolic, baseline.systolic, rules.within_percent_of_baseline
                )
                if latest and baseline
                else None
            ),
            "consciousness": nurse.consciousness if nurse else None,
            "spo2": aldrete_spo2(latest.spo2) if latest else None,
        }
    )


def _observation(facts: RecoveryFacts, minimum: float) -> Criterion:
    label = f"At least {minimum:g} min since dosing started"
    if facts.dosing_started_at is None:
        return Criterion("observation", label, False, "Dosing has not started")
    elapsed = (facts.now - facts.dosing_started_at) / timedelta(minutes=1)
    if elapsed >= minimum:
        return Criterion("observation", label, True, f"{elapsed:.0f} min")
    return Criterion(
        "observation",
        label,
        False,
        f"{math.floor(elapsed)} min so far: {math.ceil(minimum - elapsed)} min to go",
    )


def _aldrete(facts: RecoveryFacts, rules: Discharge) -> Criterion:
    score = aldrete(facts, rules)
    label = f"Modified Aldrete score {rules.aldrete_minimum} or more"
    parts = ", ".join(
        f"{ALDRETE_LABELS[k]} {'—' if v is None else v}" for k, v in score.items.items()
    )
    if score.total is None:
        missing = [ALDRETE_LABELS[k] for k, v in score.items.items() if v is None]
        return Criterion("aldrete", label, False, f"Not yet scored: {', '.join(missing)}")
    met = score.total >= rules.aldrete_minimum
    return Criterion("aldrete", label, met, f"{score.total}/10 ({parts})")


def _reading_is_current(facts: RecoveryFacts, rules: Discharge) -> str | None:
    if facts.latest is None or facts.latest_at is None:
        return "No reading recorded"
    age = (facts.now - facts.latest_at) / timedelta(minutes=1)
    if age > rules.reading_max_age_minutes:
        return f"Latest reading is {age:.0f} min old: take a fresh one"
    return None


def _vitals(facts: RecoveryFacts, rules: Discharge) -> Criterion:
    limit = rules.within_percent_of_baseline
    label = f"Vital signs within {limit:g}% of baseline"
    stale = _reading_is_current(facts, rules)
    if stale:
        return Criterion("vitals", label, False, stale)
    if facts.baseline is None:
        return Criterion("vitals", label, False, "No baseline reading")
    assert facts.latest is not None
    outside = []
    for field, name in (
        ("systolic", "systolic"),
        ("diastolic", "diastolic"),
        ("heart_rate", "heart rate"),
    ):
        value, base = getattr(facts.latest, field), getattr(facts.baseline, field)
        change = percent_change(value, base)
        if change > limit:
            outside.append(f"{name} {value} vs {base} ({change:.1f}%)")
    latest = facts.latest
    shown = f"BP {latest.systolic}/{latest.diastolic}, HR {latest.heart_rate}"
    return (
        Criterion("vitals", label, False, "Outside: " + "; ".join(outside))
        if outside
        else Criterion("vitals", label, True, shown)
    )


def _dissociation(facts: RecoveryFacts, cutoff: float) -> Criterion:
    label = f"Dissociation resolved (CADSS back to baseline or {cutoff:g} or less)"
    latest = facts.latest_cadss_after_dosing
    if latest is None:
        return Criterion("dissociation", label, False, "No CADSS recorded since dosing")
    if latest <= cutoff:
        return Criterion("dissociation", label, True, f"CADSS {latest}")
    if facts.baseline_cadss is not None and latest <= facts.baseline_cadss:
        return Criterion(
            "dissociation", label, True, f"CADSS {latest}, baseline {facts.baseline_cadss}"
        )
    return Criterion("dissociation", label, False, f"CADSS {latest} (above {cutoff:g})")


def _moaas(facts: RecoveryFacts, rules: Discharge) -> Criterion:
    label = f"MOAA/S {rules.moaas_required}"
    stale = _reading_is_current(facts, rules)
    if stale:
        return Criterion("moaas", label, False, stale)
    assert facts.latest is not None
    score = facts.latest.moaas
    if score is None:
        return Criterion("moaas", label, False, "Not scored with the latest reading")
    return Criterion("moaas", label, score >= rules.moaas_required, f"MOAA/S {score}")


def _checklist(facts: RecoveryFacts, item: str) -> Criterion:
    answer = facts.assessment.checklist.get(item) if facts.assessment else None
    detail = {True: "Yes", False: "No", None: "Not yet confirmed"}[answer]
    return Criterion(item, CHECKLIST_LABELS[item], answer is True, detail)


def evaluate(
    facts: RecoveryFacts, rules: Discharge, *, min_observation_minutes: float, cadss_cutoff: float
) -> list[Criterion]:
    """Every discharge criterion, in the order the nurse works through them."""
    return [
        _observation(facts, min_observation_minutes),
        _aldrete(facts, rules),
        _vitals(facts, rules),
        _dissociation(facts, cadss_cutoff),
        _moaas(facts, rules),
        *[_checklist(facts, item) for item in rules.checklist],
    ]


def all_met(criteria: list[Criterion]) -> bool:
    return all(c.met for c in criteria)
