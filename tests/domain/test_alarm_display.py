"""One banner per measure group at its highest priority, the group's other flags under it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from monitor.config import ExcursionRule, load_config
from monitor.domain.acknowledgement import action_label
from monitor.domain.alarm_display import Banner, banners, measure_group
from monitor.domain.excursions import excursions_for
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Priority

HIGH, MEDIUM, LOW = Priority.HIGH, Priority.MEDIUM, Priority.LOW
RULES = load_config(environ={}).default_protocol.excursion_rules
BASELINE = VitalSigns(systolic=120, diastolic=80, heart_rate=72, spo2=98, resp_rate=14, moaas=5)


@dataclass(frozen=True)
class Stored:
    """A flag as a screen has it (a stored excursion row): priority as text, one measure."""

    name: str
    priority: str
    measure: str


def shape(shown: list[Banner[Stored]]) -> list[tuple[str, str, list[str]]]:
    return [(b.group, b.lead.name, [f.name for f in b.below]) for b in shown]


def reading(**changes: int) -> VitalSigns:
    values = {**BASELINE.__dict__, **changes}
    return VitalSigns(**values)


# (flags in, banners out as (group, lead, lines under it)); names are arbitrary, the
# grouping follows the measure and the priority only.
CASES = [
    pytest.param([], [], id="no-flags"),
    pytest.param(
        [Stored("a", "medium", "spo2")],
        [("spo2", "a", [])],
        id="one-flag-one-banner",
    ),
    pytest.param(
        [
            Stored("severe", "high", "systolic"),
            Stored("rise", "medium", "systolic"),
            Stored("hyper", "medium", "systolic"),
        ],
        [("blood_pressure", "severe", ["rise", "hyper"])],
        id="three-bp-flags-one-high-banner-two-lines",
    ),
    pytest.param(
        [Stored("rise", "medium", "diastolic"), Stored("severe", "high", "systolic")],
        [("blood_pressure", "severe", ["rise"])],
        id="systolic-and-diastolic-are-one-blood-pressure",
    ),
    pytest.param(
        [Stored("bp", "high", "systolic"), Stored("spo2", "medium", "spo2")],
        [("blood_pressure", "bp", []), ("spo2", "spo2", [])],
        id="high-bp-and-medium-spo2-two-banners",
    ),
    pytest.param(
        [Stored("spo2", "medium", "spo2"), Stored("bp", "high", "diastolic")],
        [("blood_pressure", "bp", []), ("spo2", "spo2", [])],
        id="high-banner-first-whatever-the-input-order",
    ),
    pytest.param(
        [
            Stored("low-hr", "low", "heart_rate"),
            Stored("sedation", "high", "moaas"),
            Stored("spo2", "medium", "spo2"),
        ],
        [("moaas", "sedation", []), ("spo2", "spo2", []), ("heart_rate", "low-hr", [])],
        id="ordering-high-medium-low",
    ),
    pytest.param(
        [Stored("first", "high", "systolic"), Stored("second", "high", "diastolic")],
        [("blood_pressure", "first", ["second"])],
        id="same-priority-tie-in-a-group-keeps-input-order",
    ),
    pytest.param(
        [Stored("hr", "medium", "heart_rate"), Stored("spo2", "medium", "spo2")],
        [("heart_rate", "hr", []), ("spo2", "spo2", [])],
        id="same-priority-banners-keep-input-order",
    ),
    pytest.param(
        [
            Stored("m1", "medium", "spo2"),
            Stored("low", "low", "spo2"),
            Stored("high", "high", "spo2"),
            Stored("m2", "medium", "spo2"),
        ],
        [("spo2", "high", ["m1", "m2", "low"])],
        id="lines-under-in-priority-order",
    ),
]


@pytest.mark.parametrize(("flags", "expected"), CASES)
def test_banners(flags: list[Stored], expected: list[tuple[str, str, list[str]]]) -> None:
    shown = banners(flags)
    assert shape(shown) == expected
    # Nothing is lost from the display: every flag is in exactly one banner.
    assert sorted(f.name for b in shown for f in b.flags) == sorted(f.name for f in flags)


def test_banner_priority_is_its_leads() -> None:
    [banner] = banners([Stored("m", "medium", "systolic"), Stored("h", "high", "diastolic")])
    assert banner.priority is HIGH
    assert banner.name == "Blood pressure"


def test_an_unknown_measure_is_its_own_group() -> None:
    assert measure_group("etco2") == "etco2"
    [banner] = banners([Stored("x", "low", "etco2")])
    assert banner.name == "Etco2"


def test_185_over_95_after_120_over_80_is_one_high_banner_with_two_lines() -> None:
    flags = excursions_for(reading(systolic=185, diastolic=95), BASELINE, RULES)
    assert len(flags) == 3  # every rule is still a flag (stored and audited each)
    [banner] = banners(flags)
    assert banner.priority is HIGH
    assert banner.lead.rule_code == "severe-hypertension"
    assert [f.rule_code for f in banner.below] == ["bp-rise-over-baseline", "hypertension"]
    assert "Systolic 185 mmHg" in banner.lead.message


def test_high_bp_and_medium_spo2_from_the_rules() -> None:
    flags = excursions_for(reading(systolic=190, spo2=91), BASELINE, RULES)
    shown = banners(flags)
    assert [(b.group, b.priority) for b in shown] == [
        ("blood_pressure", HIGH),
        ("spo2", MEDIUM),
    ]


def test_a_configured_rule_joins_its_measures_banner() -> None:
    """Grouping follows the measure, not the rule code: a clinic's own rule joins BP."""
    own = ExcursionRule.model_validate(
        {
            "code": "clinic-diastolic-watch",
            "label": "Diastolic watch",
            "priority": "low",
            "source": "clinic practice",
            "any_of": [{"measure": "diastolic", "basis": "absolute", "op": ">=", "value": 90}],
        }
    )
    flags = excursions_for(reading(systolic=185, diastolic=95), BASELINE, [*RULES, own])
    [banner] = banners(flags)
    assert [f.rule_code for f in banner.flags][-1] == "clinic-diastolic-watch"


def test_acknowledgement_actions_read_as_words() -> None:
    assert action_label("repeat_reading_ordered") == "Repeat reading ordered"
    assert action_label("something_new") == "something new"
