"""Dose arithmetic: mg from mg/kg and weight, volume at the prepared concentration, pump rate."""

from __future__ import annotations

import math

import pytest

from monitor.config import load_config
from monitor.domain.dose import plan_dose
from monitor.domain.errors import InvalidEntry


def test_clinical_default_80_kg() -> None:
    """0.5 mg/kg x 80 kg = 40 mg = 40 mL at 1 mg/mL, run over 40 min = 60 mL/h."""
    plan = plan_dose(
        weight_kg=80, dose_mg_per_kg=0.5, concentration_mg_per_ml=1.0, infusion_minutes=40
    )
    assert plan.dose_mg == 40
    assert plan.volume_ml == 40
    assert plan.rate_ml_per_h == 60
    assert plan.weight_kg == 80
    assert plan.dose_mg_per_kg == 0.5
    assert plan.infusion_minutes == 40


def test_default_protocol_plans_the_clinical_default() -> None:
    protocol = load_config(environ={}).default_protocol
    assert (protocol.dose_mg_per_kg, protocol.concentration_mg_per_ml) == (0.5, 1.0)
    assert protocol.infusion_minutes == 40
    plan = plan_dose(
        weight_kg=80,
        dose_mg_per_kg=protocol.dose_mg_per_kg,
        concentration_mg_per_ml=protocol.concentration_mg_per_ml,
        infusion_minutes=protocol.infusion_minutes,
    )
    assert (plan.dose_mg, plan.volume_ml, plan.rate_ml_per_h) == (40, 40, 60)


@pytest.mark.parametrize(
    ("weight", "mg_per_kg", "concentration", "minutes", "dose", "volume", "rate"),
    [
        pytest.param(62.4, 0.5, 1.0, 40, 31.2, 31.2, 46.8, id="62.4kg"),
        pytest.param(80, 0.5, 10.0, 40, 40.0, 4.0, 6.0, id="10mg-per-ml"),
        pytest.param(70, 0.5, 1.0, 45, 35.0, 35.0, 46.7, id="rate-rounded-up"),
        pytest.param(70, 0.5, 1.0, 90, 35.0, 35.0, 23.3, id="rate-rounded-down"),
        pytest.param(81.3, 0.75, 1.0, 40, 61.0, 61.0, 91.5, id="dose-rounded-to-0.1"),
        pytest.param(81.3, 0.75, 3.0, 40, 61.0, 20.3, 30.5, id="volume-rounded"),
    ],
)
def test_rounding_to_one_decimal(
    weight: float,
    mg_per_kg: float,
    concentration: float,
    minutes: float,
    dose: float,
    volume: float,
    rate: float,
) -> None:
    plan = plan_dose(
        weight_kg=weight,
        dose_mg_per_kg=mg_per_kg,
        concentration_mg_per_ml=concentration,
        infusion_minutes=minutes,
    )
    assert (plan.dose_mg, plan.volume_ml, plan.rate_ml_per_h) == (dose, volume, rate)


ARGUMENTS = {
    "weight_kg": ("weight", 80.0),
    "dose_mg_per_kg": ("dose_mg_per_kg", 0.5),
    "concentration_mg_per_ml": ("concentration_mg_per_ml", 1.0),
    "infusion_minutes": ("infusion_minutes", 40.0),
}


@pytest.mark.parametrize("argument", list(ARGUMENTS))
@pytest.mark.parametrize("bad", [0, 0.0, -1, -0.1, math.nan], ids=["0", "0.0", "-1", "-0.1", "nan"])
def test_zero_negative_and_nan_are_refused(argument: str, bad: float) -> None:
    values = {name: default for name, (_, default) in ARGUMENTS.items()}
    values[argument] = bad
    with pytest.raises(InvalidEntry) as excinfo:
        plan_dose(**values)
    assert [p.field for p in excinfo.value.problems] == [ARGUMENTS[argument][0]]
    assert "above zero" in excinfo.value.problems[0].message
