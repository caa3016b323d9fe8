"""Dose arithmetic: milligrams from mg/kg and weight, and the pump rate in mL/h."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monitor.domain.errors import FieldProblem, InvalidEntry


@dataclass(frozen=True)
class DosePlan:
    """What the nurse programs into the pump for one session."""

    weight_kg: float
    dose_mg_per_kg: float
    dose_mg: float
    volume_ml: float
    infusion_minutes: float
    rate_ml_per_h: float


def plan_dose(
    *,
    weight_kg: float,
    dose_mg_per_kg: float,
    concentration_mg_per_ml: float,
    infusion_minutes: float,
) -> DosePlan:
    """Compute dose, volume and rate; rounded to 0.1 as a pump is programmed."""
    for field, value in (
        ("weight", weight_kg),
        ("dose_mg_per_kg", dose_mg_per_kg),
        ("concentration_mg_per_ml", concentration_mg_per_ml),
        ("infusion_minutes", infusion_minutes),
    ):
        if not (value > 0 and math.isfinite(value)):
            raise InvalidEntry([FieldProblem(field, f"{field} must be a number above zero")])
    dose_mg = weight_kg * dose_mg_per_kg
    volume_ml = dose_mg / concentration_mg_per_ml
    rate = volume_ml / (infusion_minutes / 60)
    return DosePlan(
        weight_kg=weight_kg,
        dose_mg_per_kg=dose_mg_per_kg,
        dose_mg=round(dose_mg, 1),
        volume_ml=round(volume_ml, 1),
        infusion_minutes=infusion_minutes,
        rate_ml_per_h=round(rate, 1),
    )
