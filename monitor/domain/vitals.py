"""A vitals reading as values, and the plausibility guard that refuses typos (1200 for 120)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from monitor.config import Plausibility, Range
from monitor.domain.errors import FieldProblem, InvalidEntry
from monitor.domain.scales import MOAAS_MAX, MOAAS_MIN
from monitor.domain.vocabulary import REQUIRED_MEASURES, Measure

# The measures every reading must have, then those it may have: the vocabulary's order.
VITAL_FIELDS: tuple[Measure, ...] = REQUIRED_MEASURES
OPTIONAL_FIELDS: tuple[Measure, ...] = (Measure.TEMPERATURE, Measure.MOAAS)
# A body weight is entered with a session, not with a reading: the one field here that is
# no measure of the vocabulary.
WEIGHT = "weight"
WEIGHT_WORDS = ("Weight", "kg")


def label_and_unit(field: str) -> tuple[str, str]:
    """The words a message names a field by, and its unit: ('Systolic', 'mmHg')."""
    if field == WEIGHT:
        return WEIGHT_WORDS
    measure = Measure(field)
    return measure.label, measure.unit


@dataclass(frozen=True)
class VitalSigns:
    """One set of vital signs with the sedation score taken with them."""

    systolic: int
    diastolic: int
    heart_rate: int
    spo2: int
    resp_rate: int
    temperature: float | None = None
    moaas: int | None = None

    def as_dict(self) -> dict[str, int | float | None]:
        return asdict(self)

    def value(self, measure: str) -> float | None:
        result: int | float | None = getattr(self, measure)
        return result


def _out_of_range(field: str, value: float, limits: Range) -> FieldProblem | None:
    if limits.min <= value <= limits.max:
        return None
    label, unit = label_and_unit(field)
    return FieldProblem(
        field, f"{label} {value:g} {unit} is not plausible: enter {limits.min:g}–{limits.max:g}"
    )


def plausibility_problems(
    vitals: VitalSigns, limits: Plausibility, *, require_moaas: bool
) -> list[FieldProblem]:
    """Every reason this reading cannot be stored; empty when it is plausible."""
    problems: list[FieldProblem] = []
    for field in (*VITAL_FIELDS, Measure.TEMPERATURE):
        value = vitals.value(field)
        if value is None:
            continue
        if not math.isfinite(value):
            problems.append(FieldProblem(field, f"{label_and_unit(field)[0]} must be a number"))
            continue
        problem = _out_of_range(field, value, limits.for_measure(field))
        if problem:
            problems.append(problem)
    if vitals.systolic <= vitals.diastolic and not any(
        p.field in ("systolic", "diastolic") for p in problems
    ):
        problems.append(FieldProblem("diastolic", "Diastolic must be below systolic"))
    if vitals.moaas is None:
        if require_moaas:
            problems.append(FieldProblem("moaas", "Choose the MOAA/S score (0–5)"))
    elif not MOAAS_MIN <= vitals.moaas <= MOAAS_MAX:
        problems.append(FieldProblem("moaas", "MOAA/S must be a whole number from 0 to 5"))
    return problems


def check_plausible(vitals: VitalSigns, limits: Plausibility, *, require_moaas: bool) -> None:
    """Raise InvalidEntry when any value is implausible."""
    problems = plausibility_problems(vitals, limits, require_moaas=require_moaas)
    if problems:
        raise InvalidEntry(problems)


def is_counted(field: str) -> bool:
    """Whether a measure is a whole count (pressures, rates, SpO2, MOAA/S); temperature is
    the one measured in tenths."""
    return field != "temperature"


def _parse_number(field: str, text: str | None, *, whole: bool) -> tuple[float | None, str | None]:
    raw = (text or "").strip().replace(",", ".")
    if not raw:
        return None, None
    label = label_and_unit(field)[0]
    try:
        value = float(raw)
    except ValueError:
        return None, f"{label}: enter a number"
    if not math.isfinite(value):
        return None, f"{label}: enter a number"
    if whole and value != int(value):
        return None, f"{label}: enter a whole number"
    return value, None


def parse_vitals(
    entered: Mapping[str, str | int | float | None], limits: Plausibility, *, require_moaas: bool
) -> VitalSigns:
    """Turn what was typed into VitalSigns, or raise InvalidEntry naming every bad field."""
    problems: list[FieldProblem] = []
    values: dict[str, float | None] = {}
    for field in (*VITAL_FIELDS, *OPTIONAL_FIELDS):
        raw = entered.get(field)
        text = None if raw is None else str(raw)
        value, message = _parse_number(field, text, whole=is_counted(field))
        if message:
            problems.append(FieldProblem(field, message))
        elif value is None and field in VITAL_FIELDS:
            problems.append(FieldProblem(field, f"{label_and_unit(field)[0]} is required"))
        values[field] = value
    if not problems:
        vitals = VitalSigns(
            systolic=int(values["systolic"] or 0),
            diastolic=int(values["diastolic"] or 0),
            heart_rate=int(values["heart_rate"] or 0),
            spo2=int(values["spo2"] or 0),
            resp_rate=int(values["resp_rate"] or 0),
            temperature=values["temperature"],
            moaas=None if values["moaas"] is None else int(values["moaas"]),
        )
        check_plausible(vitals, limits, require_moaas=require_moaas)
        return vitals
    bad = {p.field for p in problems}
    problems += [p for p in _partial_problems(values, limits, require_moaas) if p.field not in bad]
    raise InvalidEntry(problems)


def _partial_problems(
    values: Mapping[str, float | None], limits: Plausibility, require_moaas: bool
) -> list[FieldProblem]:
    """What else is wrong with the fields that did parse, so every message shows at once."""
    problems = []
    for field in (*VITAL_FIELDS, Measure.TEMPERATURE):
        value = values.get(field)
        if value is not None:
            problem = _out_of_range(field, value, limits.for_measure(field))
            if problem:
                problems.append(problem)
    systolic, diastolic = values.get("systolic"), values.get("diastolic")
    flagged = {p.field for p in problems}
    if (
        systolic is not None
        and diastolic is not None
        and systolic <= diastolic
        and not flagged & {"systolic", "diastolic"}
    ):
        problems.append(FieldProblem("diastolic", "Diastolic must be below systolic"))
    moaas = values.get("moaas")
    if moaas is None and require_moaas:
        problems.append(FieldProblem("moaas", "Choose the MOAA/S score (0–5)"))
    elif moaas is not None and not MOAAS_MIN <= moaas <= MOAAS_MAX:
        problems.append(FieldProblem("moaas", "MOAA/S must be a whole number from 0 to 5"))
    return problems


def parse_reading_value(field: str, text: str | None) -> int | float:
    """One value of a reading as typed (a correction): a finite number, whole where the
    measure is counted; anything else (nan, inf, 1e400, 400 nines) is a message at the
    corrected value, never an exception."""
    whole = is_counted(field)
    value, message = _parse_number(field, text, whole=whole)
    if value is None:
        raise InvalidEntry(
            [
                FieldProblem(
                    "corrected_value", message or f"{label_and_unit(field)[0]}: enter a number"
                )
            ]
        )
    return int(value) if whole else value


def parse_weight(text: str | float | None, limits: Plausibility) -> float:
    """A body weight in kg from what was typed, or InvalidEntry at the weight field."""
    value, message = _parse_number(WEIGHT, None if text is None else str(text), whole=False)
    if message:
        raise InvalidEntry([FieldProblem("weight", message)])
    if value is None:
        raise InvalidEntry([FieldProblem("weight", "Weight is required")])
    problem = _out_of_range(WEIGHT, value, limits.weight)
    if problem:
        raise InvalidEntry([problem])
    return round(value, 1)
