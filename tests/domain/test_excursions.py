"""Excursion flags: each row of docs/clinical.md's excursion table, at and either side of it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import Config, ExcursionRule, load_config
from monitor.domain.excursions import (
    PRIORITY_MARKS,
    PRIORITY_RANK,
    Flag,
    excursions_for,
)
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Priority

HIGH, MEDIUM = Priority.HIGH, Priority.MEDIUM
CONFIG = load_config(environ={})
RULES = CONFIG.default_protocol.excursion_rules

# A calm reading and baseline that break no rule.
CALM = VitalSigns(systolic=120, diastolic=80, heart_rate=72, spo2=98, resp_rate=14, moaas=5)
BASELINE = VitalSigns(systolic=110, diastolic=70, heart_rate=70, spo2=98, resp_rate=14, moaas=5)

# docs/clinical.md's table: rule code -> priority.
PRIORITIES = {
    "severe-hypertension": HIGH,
    "bp-rise-over-baseline": MEDIUM,
    "hypertension": MEDIUM,
    "hypotension": HIGH,
    "hypoxaemia-severe": HIGH,
    "hypoxaemia": MEDIUM,
    "heart-rate": MEDIUM,
    "deep-sedation": HIGH,
}

# Each condition of docs/clinical.md's table: (rule code, measure, basis, op, threshold).
CONDITIONS = [
    ("severe-hypertension", "systolic", "absolute", ">=", 180),
    ("severe-hypertension", "diastolic", "absolute", ">=", 110),
    ("bp-rise-over-baseline", "systolic", "change_from_baseline", ">=", 40),
    ("bp-rise-over-baseline", "diastolic", "change_from_baseline", ">=", 25),
    ("hypertension", "systolic", "absolute", ">=", 160),
    ("hypertension", "diastolic", "absolute", ">=", 100),
    ("hypotension", "systolic", "absolute", "<", 90),
    ("hypoxaemia-severe", "spo2", "absolute", "<", 90),
    ("hypoxaemia", "spo2", "absolute", "<=", 92),
    ("heart-rate", "heart_rate", "absolute", "<", 50),
    ("heart-rate", "heart_rate", "absolute", ">", 120),
    ("deep-sedation", "moaas", "absolute", "<=", 1),
]


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(environ={})


@pytest.fixture(scope="module")
def rules(config: Config) -> list[ExcursionRule]:
    return config.default_protocol.excursion_rules


def reading(base: VitalSigns = CALM, /, **changes: Any) -> VitalSigns:
    """The base reading with some measures changed; tests name the measure at run time."""
    return dataclasses.replace(base, **changes)


def codes(flags: list[Flag]) -> set[str]:
    return {flag.rule_code for flag in flags}


def test_config_encodes_clinical_table(rules: list[ExcursionRule]) -> None:
    """config.yaml's rules are docs/clinical.md's table, row for row; a changed default
    shows here."""
    encoded = [
        (rule.code, str(c.measure), c.basis, c.op, c.value) for rule in rules for c in rule.any_of
    ]
    assert encoded == CONDITIONS
    assert {rule.code: rule.priority for rule in rules} == PRIORITIES


# --- absolute thresholds: at, one below, one above ------------------------------------

# (measure, value, rule codes expected to fire); every other field stays calm.
ABSOLUTE_CASES = [
    # severe hypertension: systolic >= 180 (hypertension >= 160 fires too)
    ("systolic", 179, {"hypertension"}),
    ("systolic", 180, {"severe-hypertension", "hypertension"}),
    ("systolic", 181, {"severe-hypertension", "hypertension"}),
    # severe hypertension: diastolic >= 110
    ("diastolic", 109, {"hypertension"}),
    ("diastolic", 110, {"severe-hypertension", "hypertension"}),
    ("diastolic", 111, {"severe-hypertension", "hypertension"}),
    # hypertension: systolic >= 160
    ("systolic", 159, set()),
    ("systolic", 160, {"hypertension"}),
    ("systolic", 161, {"hypertension"}),
    # hypertension: diastolic >= 100
    ("diastolic", 99, set()),
    ("diastolic", 100, {"hypertension"}),
    ("diastolic", 101, {"hypertension"}),
    # hypotension: systolic < 90
    ("systolic", 89, {"hypotension"}),
    ("systolic", 90, set()),
    ("systolic", 91, set()),
    # severe hypoxaemia: SpO2 < 90 (SpO2 <= 92 fires too)
    ("spo2", 89, {"hypoxaemia-severe", "hypoxaemia"}),
    ("spo2", 90, {"hypoxaemia"}),
    ("spo2", 91, {"hypoxaemia"}),
    # hypoxaemia: SpO2 <= 92
    ("spo2", 92, {"hypoxaemia"}),
    ("spo2", 93, set()),
    # heart rate < 50
    ("heart_rate", 49, {"heart-rate"}),
    ("heart_rate", 50, set()),
    ("heart_rate", 51, set()),
    # heart rate > 120
    ("heart_rate", 119, set()),
    ("heart_rate", 120, set()),
    ("heart_rate", 121, {"heart-rate"}),
    # deep sedation: MOAA/S <= 1
    ("moaas", 0, {"deep-sedation"}),
    ("moaas", 1, {"deep-sedation"}),
    ("moaas", 2, set()),
]


@pytest.mark.parametrize(
    ("measure", "value", "expected"),
    [
        pytest.param(m, v, e, id=f"{m}-{v}-{'+'.join(sorted(e)) or 'none'}")
        for m, v, e in ABSOLUTE_CASES
    ],
)
@pytest.mark.parametrize("with_baseline", [False, True], ids=["no-baseline", "calm-baseline"])
def test_absolute_threshold(
    rules: list[ExcursionRule], measure: str, value: int, expected: set[str], with_baseline: bool
) -> None:
    # A baseline equal to the reading except for the measure would add a rise; use the
    # reading itself so that only absolute rules are at stake.
    vitals = reading(**{measure: value})
    flags = excursions_for(vitals, vitals if with_baseline else None, rules)
    assert codes(flags) == expected
    assert len(flags) == len(expected), "one flag per rule"
    for flag in flags:
        assert flag.priority is PRIORITIES[flag.rule_code]
        assert flag.basis == "absolute"
        assert flag.baseline is None
        assert flag.value == value
        assert flag.measure == measure


def test_every_absolute_condition_has_threshold_cases() -> None:
    """A new absolute condition without at/below/above cases fails here."""
    tested = {(m, v) for m, v, _ in ABSOLUTE_CASES}
    for _code, measure, basis, _op, threshold in CONDITIONS:
        if basis == "absolute":
            assert {
                (measure, threshold - 1),
                (measure, threshold),
                (measure, threshold + 1),
            } <= tested


def test_every_configured_rule_is_covered(rules: list[ExcursionRule]) -> None:
    covered = set().union(*(e for *_, e in ABSOLUTE_CASES), {"bp-rise-over-baseline"})
    assert {rule.code for rule in rules} == covered


def test_185_over_95_is_flagged_high_severe_hypertension(rules: list[ExcursionRule]) -> None:
    flags = excursions_for(reading(systolic=185, diastolic=95), None, rules)
    assert [(f.rule_code, f.priority) for f in flags] == [
        ("severe-hypertension", HIGH),
        ("hypertension", MEDIUM),
    ]
    assert PRIORITY_MARKS[flags[0].priority] == "***"
    assert flags[0].threshold == 180
    assert "185" in flags[0].message


def test_calm_reading_raises_no_flags(rules: list[ExcursionRule]) -> None:
    assert excursions_for(CALM, BASELINE, rules) == []
    assert excursions_for(CALM, None, rules) == []


def test_missing_moaas_skips_sedation_rule(rules: list[ExcursionRule]) -> None:
    assert excursions_for(reading(moaas=None), None, rules) == []


# --- baseline-relative thresholds ------------------------------------------------------

# Baseline 100/60 keeps the reading below every absolute threshold (160/100).
LOW_BASELINE = reading(systolic=100, diastolic=60)

RISE_CASES = [
    ("systolic", 39, False),
    ("systolic", 40, True),
    ("systolic", 41, True),
    ("diastolic", 24, False),
    ("diastolic", 25, True),
    ("diastolic", 26, True),
]


@pytest.mark.parametrize(
    ("measure", "rise", "fires"),
    [
        pytest.param(m, r, f, id=f"{m}-rise-{r}-{'fires' if f else 'quiet'}")
        for m, r, f in RISE_CASES
    ],
)
def test_rise_over_baseline(
    rules: list[ExcursionRule], measure: str, rise: int, fires: bool
) -> None:
    base_value = getattr(LOW_BASELINE, measure)
    vitals = reading(LOW_BASELINE, **{measure: base_value + rise})
    flags = excursions_for(vitals, LOW_BASELINE, rules)
    if not fires:
        assert flags == []
        return
    assert [(f.rule_code, f.priority) for f in flags] == [("bp-rise-over-baseline", MEDIUM)]
    flag = flags[0]
    assert flag.basis == "change_from_baseline"
    assert flag.measure == measure
    assert flag.value == base_value + rise
    assert flag.baseline == base_value
    assert flag.threshold == {"systolic": 40, "diastolic": 25}[measure]
    assert f"+{rise}" in flag.message


@pytest.mark.parametrize(("measure", "rise"), [("systolic", 50), ("diastolic", 30)])
def test_rise_rule_is_skipped_without_baseline(
    rules: list[ExcursionRule], measure: str, rise: int
) -> None:
    vitals = reading(LOW_BASELINE, **{measure: getattr(LOW_BASELINE, measure) + rise})
    assert excursions_for(vitals, LOW_BASELINE, rules) != []
    assert excursions_for(vitals, None, rules) == []


def test_a_fall_from_baseline_is_not_a_rise(rules: list[ExcursionRule]) -> None:
    baseline = reading(systolic=150, diastolic=95)
    assert excursions_for(reading(systolic=105, diastolic=65), baseline, rules) == []


def test_a_rule_with_two_conditions_flags_once(rules: list[ExcursionRule]) -> None:
    vitals = reading(LOW_BASELINE, systolic=190, diastolic=115)
    flags = excursions_for(vitals, LOW_BASELINE, rules)
    assert sorted(f.rule_code for f in flags) == sorted(
        ["severe-hypertension", "bp-rise-over-baseline", "hypertension"]
    )
    for flag in flags:
        assert flag.measures == ("systolic", "diastolic")


def test_194_over_118_names_systolic_and_diastolic(rules: list[ExcursionRule]) -> None:
    flags = excursions_for(reading(systolic=194, diastolic=118), None, rules)
    severe = flags[0]
    assert severe.rule_code == "severe-hypertension"
    assert severe.message == (
        "Severe hypertension: Systolic 194 mmHg (≥ 180), Diastolic 118 mmHg (≥ 110)"
    )
    # The stored columns keep describing the first condition that holds.
    assert (severe.measure, severe.value, severe.threshold) == ("systolic", 194, 180)
    assert [(c.measure, c.value, c.threshold) for c in severe.crossings] == [
        ("systolic", 194, 180),
        ("diastolic", 118, 110),
    ]
    assert flags[1].message == (
        "Hypertension: Systolic 194 mmHg (≥ 160), Diastolic 118 mmHg (≥ 100)"
    )


@pytest.mark.parametrize(
    ("systolic", "diastolic", "named"),
    [
        pytest.param(185, 95, ["Systolic 185"], id="systolic-only"),
        pytest.param(150, 112, ["Diastolic 112"], id="diastolic-only"),
        pytest.param(180, 110, ["Systolic 180", "Diastolic 110"], id="both-at-threshold"),
        pytest.param(179, 110, ["Diastolic 110"], id="systolic-one-below"),
    ],
)
def test_message_names_only_the_values_that_crossed(
    rules: list[ExcursionRule], systolic: int, diastolic: int, named: list[str]
) -> None:
    [severe] = [
        f
        for f in excursions_for(reading(systolic=systolic, diastolic=diastolic), None, rules)
        if f.rule_code == "severe-hypertension"
    ]
    assert [c.text.split(" mmHg")[0] for c in severe.crossings] == named
    for text in named:
        assert text in severe.message
    assert ("Systolic" in severe.message) == ("Systolic" in " ".join(named))
    assert ("Diastolic" in severe.message) == ("Diastolic" in " ".join(named))


def test_rise_over_baseline_names_both_rises(rules: list[ExcursionRule]) -> None:
    vitals = reading(LOW_BASELINE, systolic=145, diastolic=90)  # +45, +30; below 160/100
    [rise] = excursions_for(vitals, LOW_BASELINE, rules)
    assert rise.message == (
        "BP rise over baseline: Systolic 145 mmHg, +45 from baseline 100 (≥ +40), "
        "Diastolic 90 mmHg, +30 from baseline 60 (≥ +25)"
    )


# --- ordering and priorities -----------------------------------------------------------


def test_flags_are_ordered_highest_priority_first(rules: list[ExcursionRule]) -> None:
    vitals = VitalSigns(systolic=190, diastolic=112, heart_rate=130, spo2=88, resp_rate=14, moaas=1)
    flags = excursions_for(vitals, LOW_BASELINE, rules)
    assert codes(flags) == {
        "severe-hypertension",
        "bp-rise-over-baseline",
        "hypertension",
        "hypoxaemia-severe",
        "hypoxaemia",
        "heart-rate",
        "deep-sedation",
    }
    priorities = [f.priority for f in flags]
    assert priorities == [HIGH, HIGH, HIGH, MEDIUM, MEDIUM, MEDIUM, MEDIUM]


def test_medium_rule_listed_first_in_config_still_comes_after_high(
    rules: list[ExcursionRule],
) -> None:
    reordered = sorted(rules, key=lambda rule: PRIORITY_RANK[rule.priority])  # medium first
    flags = excursions_for(reading(systolic=85, heart_rate=45), None, reordered)
    assert [f.rule_code for f in flags] == ["hypotension", "heart-rate"]


# --- property: inside every threshold, no flags ----------------------------------------


def _quiet_bounds(rules: list[ExcursionRule]) -> dict[str, tuple[int, int]]:
    """For whole-number measures: the closed range no absolute condition fires in."""
    bounds = {
        "systolic": (50, 300),
        "diastolic": (20, 200),
        "heart_rate": (20, 250),
        "spo2": (50, 100),
        "moaas": (0, 5),
    }
    for rule in rules:
        for c in rule.any_of:
            if c.basis != "absolute":
                continue
            low, high = bounds[c.measure]
            value = int(c.value)
            if c.op == "<":
                low = max(low, value)
            elif c.op == "<=":
                low = max(low, value + 1)
            elif c.op == ">":
                high = min(high, value)
            else:
                high = min(high, value - 1)
            bounds[c.measure] = (low, high)
    return bounds


QUIET = _quiet_bounds(RULES)
RISE_LIMITS = {
    str(c.measure): int(c.value)
    for rule in RULES
    for c in rule.any_of
    if c.basis == "change_from_baseline"
}


def test_quiet_bounds_follow_clinical_table() -> None:
    assert QUIET == {
        "systolic": (90, 159),
        "diastolic": (20, 99),
        "heart_rate": (50, 120),
        "spo2": (93, 100),
        "moaas": (2, 5),
    }
    assert RISE_LIMITS == {"systolic": 40, "diastolic": 25}


def _ranged(measure: str) -> st.SearchStrategy[int]:
    low, high = QUIET[measure]
    return st.integers(min_value=low, max_value=high)


@st.composite
def quiet_pair(draw: st.DrawFn) -> tuple[VitalSigns, VitalSigns | None]:
    vitals = VitalSigns(
        systolic=draw(_ranged("systolic")),
        diastolic=draw(_ranged("diastolic")),
        heart_rate=draw(_ranged("heart_rate")),
        spo2=draw(_ranged("spo2")),
        resp_rate=draw(st.integers(min_value=4, max_value=60)),
        moaas=draw(st.one_of(st.none(), _ranged("moaas"))),
    )
    if draw(st.booleans()):
        return vitals, None
    baseline = VitalSigns(
        systolic=vitals.systolic - draw(st.integers(-60, RISE_LIMITS["systolic"] - 1)),
        diastolic=vitals.diastolic - draw(st.integers(-60, RISE_LIMITS["diastolic"] - 1)),
        heart_rate=draw(st.integers(20, 250)),
        spo2=draw(st.integers(50, 100)),
        resp_rate=draw(st.integers(4, 60)),
        moaas=draw(st.one_of(st.none(), st.integers(0, 5))),
    )
    return vitals, baseline


@given(quiet_pair())
def test_reading_inside_every_threshold_raises_no_flags(
    pair: tuple[VitalSigns, VitalSigns | None],
) -> None:
    vitals, baseline = pair
    assert excursions_for(vitals, baseline, RULES) == []


@given(quiet_pair(), st.sampled_from([c for c in CONDITIONS if c[2] == "absolute"]))
def test_crossing_one_absolute_threshold_raises_its_rule(
    pair: tuple[VitalSigns, VitalSigns | None], condition: tuple[str, str, str, str, int]
) -> None:
    code, measure, _basis, op, threshold = condition
    crossing = {"<": threshold - 1, "<=": threshold, ">": threshold + 1, ">=": threshold}[op]
    vitals, _ = pair
    flags = excursions_for(dataclasses.replace(vitals, **{measure: crossing}), None, RULES)
    assert code in codes(flags)
