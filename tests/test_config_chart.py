"""chart.spo2_range: a fixed SpO2 axis, 80-100 by default, refused unless 0 <= min < max <= 100."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from monitor.config import DEFAULT_CONFIG_PATH, ConfigError, parse_config

PRISTINE: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def with_range(value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(PRISTINE)
    raw["chart"] = {"spo2_range": value}
    return raw


def test_the_default_is_80_to_100() -> None:
    assert parse_config(PRISTINE, environ={}).chart.spo2_range == (80, 100)
    without = copy.deepcopy(PRISTINE)
    del without["chart"]
    assert parse_config(without, environ={}).chart.spo2_range == (80, 100)


@pytest.mark.parametrize("value", [[0, 100], [85, 100], [70, 95], [99, 100]])
def test_a_clinic_may_choose_its_range(value: list[float]) -> None:
    assert parse_config(with_range(value), environ={}).chart.spo2_range == tuple(value)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ([100, 80], "must be below"),
        ([90, 90], "must be below"),
        ([80, 101], "less than or equal to 100"),
        ([-1, 100], "greater than or equal to 0"),
        ([80], "missing"),
        ("80-100", "chart.spo2_range"),
    ],
)
def test_a_bad_range_is_refused_naming_the_key(value: Any, says: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        parse_config(with_range(value), environ={})
    assert "chart.spo2_range" in str(excinfo.value) and says in str(excinfo.value)
