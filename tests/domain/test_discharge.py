"""Discharge criteria (docs/clinical.md, "When a patient may leave"): each criterion of
`evaluate`, at its edges.

Defaults under test: 120 min observation; modified Aldrete >= 9; vital signs within 20% of
baseline; CADSS back to baseline or <= 4; MOAA/S 5; the checklist; the latest reading no older
than 20 min. Every case starts from a patient who meets everything and changes one fact.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monitor.config import Config, Discharge
from monitor.domain.discharge import (
    CHECKLIST_LABELS,
    Criterion,
    NurseAssessment,
    RecoveryFacts,
    aldrete_circulation,
    aldrete_spo2,
    all_met,
    check_assessment,
    evaluate,
)
from monitor.domain.errors import InvalidEntry
from monitor.domain.vitals import VitalSigns

CHECKLIST = [
    "oriented",
    "steady_gait",
    "nausea_controlled",
    "escort_present",
    "no_driving_instructions",
    "written_instructions",
]
CODES = ["observation", "aldrete", "vitals", "dissociation", "moaas", *CHECKLIST]

DOSING_STARTED = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
# Baseline 120/80, HR 70: 20% is 24 / 16 / 14 either way.
BASELINE = VitalSigns(systolic=120, diastolic=80, heart_rate=70, spo2=98, resp_rate=14, moaas=5)
RECOVERED = VitalSigns(systolic=122, diastolic=78, heart_rate=72, spo2=98, resp_rate=14, moaas=5)
ALL_CONFIRMED = dict.fromkeys(CHECKLIST, True)
FULL_MARKS = NurseAssessment(activity=2, respiration=2, consciousness=2, checklist=ALL_CONFIRMED)


def facts(
    *,
    elapsed: float = 150,
    age: float = 5,
    latest: VitalSigns | None = RECOVERED,
    **changes: Any,
) -> RecoveryFacts:
    """A patient who meets every criterion: `elapsed` minutes since dosing started, the latest
    reading `age` minutes old; `changes` replace any other field."""
    now = DOSING_STARTED + timedelta(minutes=elapsed)
    base = RecoveryFacts(
        now=now,
        dosing_started_at=DOSING_STARTED,
        baseline=BASELINE,
        latest=latest,
        latest_at=now - timedelta(minutes=age),
        baseline_cadss=2,
        latest_cadss_after_dosing=1,
        assessment=FULL_MARKS,
    )
    return dataclasses.replace(base, **changes)


def reading(**changes: Any) -> VitalSigns:
    """The recovered reading with some measures changed; tests name the measure at run time."""
    return dataclasses.replace(RECOVERED, **changes)


def marks(**changes: Any) -> NurseAssessment:
    return dataclasses.replace(FULL_MARKS, **changes)


@pytest.fixture(scope="module")
def rules(config: Config) -> Discharge:
    return config.default_protocol.discharge


def run(config: Config, recovery: RecoveryFacts, rules: Discharge | None = None) -> list[Criterion]:
    protocol = config.default_protocol
    return evaluate(
        recovery,
        rules or protocol.discharge,
        min_observation_minutes=protocol.schedule.min_observation_minutes,
        cadss_cutoff=protocol.ratings.cadss_dissociation_cutoff,
    )


def criterion(config: Config, recovery: RecoveryFacts, code: str) -> Criterion:
    found = [c for c in run(config, recovery) if c.code == code]
    assert len(found) == 1, f"exactly one {code!r} criterion"
    return found[0]


def test_config_holds_clinical_defaults(config: Config) -> None:
    """The edges below are docs/clinical.md's numbers; a changed default shows here first."""
    protocol = config.default_protocol
    assert protocol.schedule.min_observation_minutes == 120
    assert protocol.ratings.cadss_dissociation_cutoff == 4
    assert protocol.discharge.aldrete_minimum == 9
    assert protocol.discharge.within_percent_of_baseline == 20
    assert protocol.discharge.moaas_required == 5
    assert protocol.discharge.reading_max_age_minutes == 20
    assert protocol.discharge.checklist == CHECKLIST


def test_recovered_patient_meets_every_criterion(config: Config) -> None:
    criteria = run(config, facts())
    assert [(c.code, c.met) for c in criteria] == [(code, True) for code in CODES]
    assert all_met(criteria) is True


# --- observation: at least 120 min since dosing started --------------------------------


@pytest.mark.parametrize(
    ("elapsed", "met"),
    [
        pytest.param(0, False, id="0-min-unmet"),
        pytest.param(119.99, False, id="119.99-min-unmet"),
        pytest.param(120, True, id="120-min-met"),
        pytest.param(120.01, True, id="120.01-min-met"),
        pytest.param(240, True, id="240-min-met"),
    ],
)
def test_observation(config: Config, elapsed: float, met: bool) -> None:
    result = criterion(config, facts(elapsed=elapsed), "observation")
    assert result.met is met
    assert result.label == "At least 120 min since dosing started"
    if not met:
        assert "to go" in result.detail


def test_observation_unmet_before_dosing_started(config: Config) -> None:
    result = criterion(config, facts(dosing_started_at=None), "observation")
    assert result.met is False
    assert result.detail == "Dosing has not started"


def test_observation_follows_protocol_minimum(config: Config) -> None:
    """The minimum is the argument, not a constant 120."""
    protocol = config.default_protocol
    kwargs = {"cadss_cutoff": protocol.ratings.cadss_dissociation_cutoff}
    at_90 = facts(elapsed=90)
    short = evaluate(at_90, protocol.discharge, min_observation_minutes=90, **kwargs)
    long = evaluate(at_90, protocol.discharge, min_observation_minutes=90.5, **kwargs)
    assert short[0].code == long[0].code == "observation"
    assert short[0].met is True
    assert long[0].met is False


# --- Aldrete items from the record -----------------------------------------------------


@pytest.mark.parametrize(
    ("spo2", "points"),
    [
        pytest.param(100, 2, id="100-2"),
        pytest.param(93, 2, id="93-2"),
        pytest.param(92, 1, id="92-1"),
        pytest.param(91, 1, id="91-1"),
        pytest.param(90, 1, id="90-1"),
        pytest.param(89, 0, id="89-0"),
        pytest.param(70, 0, id="70-0"),
    ],
)
def test_aldrete_spo2(spo2: int, points: int) -> None:
    assert aldrete_spo2(spo2) == points


# Baseline systolic 120: 20% is 144 / 96, 50% is 180 / 60.
CIRCULATION_CASES = [
    (120, 2, "same"),
    (144, 2, "exactly-20%-above"),
    (145, 1, "20.8%-above"),
    (96, 2, "exactly-20%-below"),
    (95, 1, "20.8%-below"),
    (179, 1, "49.2%-above"),
    (180, 0, "50%-above"),
    (200, 0, "66.7%-above"),
    (61, 1, "49.2%-below"),
    (60, 0, "50%-below"),
]


@pytest.mark.parametrize(
    ("systolic", "points"),
    [pytest.param(s, p, id=f"{s}-vs-120-{label}-{p}") for s, p, label in CIRCULATION_CASES],
)
def test_aldrete_circulation(systolic: int, points: int) -> None:
    assert aldrete_circulation(systolic, 120, 20) == points


def test_aldrete_circulation_follows_configured_percent() -> None:
    assert aldrete_circulation(130, 100, 30) == 2
    assert aldrete_circulation(131, 100, 30) == 1
    assert aldrete_circulation(111, 100, 10) == 1


# --- Aldrete criterion: total >= 9 -----------------------------------------------------


@pytest.mark.parametrize(
    ("assessment", "latest", "total", "met"),
    [
        pytest.param(FULL_MARKS, RECOVERED, 10, True, id="10-met"),
        pytest.param(marks(activity=1), RECOVERED, 9, True, id="activity-1-total-9-met"),
        pytest.param(marks(consciousness=1), RECOVERED, 9, True, id="consciousness-1-total-9-met"),
        pytest.param(FULL_MARKS, reading(spo2=92), 9, True, id="spo2-92-total-9-met"),
        pytest.param(FULL_MARKS, reading(systolic=145), 9, True, id="circulation-1-total-9-met"),
        pytest.param(
            marks(activity=1, respiration=1), RECOVERED, 8, False, id="nurse-1-1-total-8-unmet"
        ),
        pytest.param(
            marks(respiration=1), reading(spo2=92), 8, False, id="respiration-1-spo2-92-total-8"
        ),
        pytest.param(
            FULL_MARKS, reading(systolic=145, spo2=92), 8, False, id="circulation-1-spo2-1-total-8"
        ),
        pytest.param(FULL_MARKS, reading(spo2=89), 8, False, id="spo2-89-total-8-unmet"),
        pytest.param(
            marks(activity=0, respiration=0, consciousness=0),
            reading(systolic=180, spo2=89),
            0,
            False,
            id="0-unmet",
        ),
    ],
)
def test_aldrete_total(
    config: Config, assessment: NurseAssessment, latest: VitalSigns, total: int, met: bool
) -> None:
    result = criterion(config, facts(assessment=assessment, latest=latest), "aldrete")
    assert result.met is met
    assert result.detail.startswith(f"{total}/10 (")
    assert result.label == "Modified Aldrete score 9 or more"


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        pytest.param(
            {"assessment": None}, "Activity, Respiration, Consciousness", id="no-assessment"
        ),
        pytest.param({"baseline": None}, "Circulation", id="no-baseline"),
        pytest.param({"latest": None}, "Circulation, SpO2", id="no-reading"),
        pytest.param(
            {"latest": None, "assessment": None},
            "Activity, Respiration, Circulation, Consciousness, SpO2",
            id="nothing",
        ),
    ],
)
def test_aldrete_unmet_while_items_missing(
    config: Config, changes: dict[str, Any], missing: str
) -> None:
    result = criterion(config, facts(**changes), "aldrete")
    assert result.met is False
    assert result.detail == f"Not yet scored: {missing}"


# --- vital signs within 20% of baseline ------------------------------------------------

# Baseline 120/80, HR 70.
VITALS_CASES = [
    ("systolic", 144, True, "exactly-20%-above"),
    ("systolic", 145, False, "20.8%-above"),
    ("systolic", 96, True, "exactly-20%-below"),
    ("systolic", 95, False, "20.8%-below"),
    ("diastolic", 96, True, "exactly-20%-above"),
    ("diastolic", 97, False, "21.3%-above"),
    ("diastolic", 64, True, "exactly-20%-below"),
    ("diastolic", 63, False, "21.3%-below"),
    ("heart_rate", 84, True, "exactly-20%-above"),
    ("heart_rate", 85, False, "21.4%-above"),
    ("heart_rate", 56, True, "exactly-20%-below"),
    ("heart_rate", 55, False, "21.4%-below"),
]


@pytest.mark.parametrize(
    ("measure", "value", "met"),
    [
        pytest.param(m, v, met, id=f"{m}-{v}-{label}-{'met' if met else 'unmet'}")
        for m, v, met, label in VITALS_CASES
    ],
)
def test_vitals_within_percent(config: Config, measure: str, value: int, met: bool) -> None:
    result = criterion(config, facts(latest=reading(**{measure: value})), "vitals")
    assert result.met is met
    assert result.label == "Vital signs within 20% of baseline"
    if met:
        assert not result.detail.startswith("Outside")
    else:
        name = measure.replace("_", " ")
        assert result.detail.startswith(f"Outside: {name} {value} vs {getattr(BASELINE, measure)}")


def test_vitals_names_every_measure_outside(config: Config) -> None:
    result = criterion(config, facts(latest=reading(systolic=150, heart_rate=90)), "vitals")
    assert result.met is False
    assert "systolic 150 vs 120" in result.detail
    assert "heart rate 90 vs 70" in result.detail
    assert "diastolic" not in result.detail


def test_vitals_unmet_without_baseline(config: Config) -> None:
    result = criterion(config, facts(baseline=None), "vitals")
    assert result.met is False
    assert result.detail == "No baseline reading"


@pytest.mark.parametrize(
    ("age", "met"),
    [
        pytest.param(0, True, id="0-min-old-met"),
        pytest.param(19.99, True, id="19.99-min-old-met"),
        pytest.param(20, True, id="20-min-old-met"),
        pytest.param(20.01, False, id="20.01-min-old-unmet"),
        pytest.param(45, False, id="45-min-old-unmet"),
    ],
)
def test_vitals_need_a_current_reading(config: Config, age: float, met: bool) -> None:
    result = criterion(config, facts(age=age), "vitals")
    assert result.met is met
    if not met:
        assert "take a fresh one" in result.detail


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"latest": None, "latest_at": None}, id="no-reading"),
        pytest.param({"latest": None}, id="no-values"),
        pytest.param({"latest_at": None}, id="no-time"),
    ],
)
def test_vitals_unmet_without_reading(config: Config, changes: dict[str, Any]) -> None:
    result = criterion(config, facts(**changes), "vitals")
    assert result.met is False
    assert result.detail == "No reading recorded"


# --- dissociation: CADSS back to baseline or <= 4 --------------------------------------


@pytest.mark.parametrize(
    ("latest", "baseline", "met"),
    [
        pytest.param(0, 2, True, id="0-met"),
        pytest.param(4, 2, True, id="4-met"),
        pytest.param(4, None, True, id="4-no-baseline-met"),
        pytest.param(5, 2, False, id="5-baseline-2-unmet"),
        pytest.param(5, None, False, id="5-no-baseline-unmet"),
        pytest.param(5, 6, True, id="5-baseline-6-met"),
        pytest.param(6, 6, True, id="6-baseline-6-met"),
        pytest.param(7, 6, False, id="7-baseline-6-unmet"),
    ],
)
def test_dissociation(config: Config, latest: int, baseline: int | None, met: bool) -> None:
    recovery = facts(latest_cadss_after_dosing=latest, baseline_cadss=baseline)
    result = criterion(config, recovery, "dissociation")
    assert result.met is met
    assert result.label == "Dissociation resolved (CADSS back to baseline or 4 or less)"
    assert f"CADSS {latest}" in result.detail


def test_dissociation_unmet_without_cadss_after_dosing(config: Config) -> None:
    result = criterion(config, facts(latest_cadss_after_dosing=None), "dissociation")
    assert result.met is False
    assert result.detail == "No CADSS recorded since dosing"


# --- MOAA/S 5 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moaas", "met"),
    [
        pytest.param(5, True, id="5-met"),
        pytest.param(4, False, id="4-unmet"),
        pytest.param(0, False, id="0-unmet"),
        pytest.param(None, False, id="None-unmet"),
    ],
)
def test_moaas(config: Config, moaas: int | None, met: bool) -> None:
    result = criterion(config, facts(latest=reading(moaas=moaas)), "moaas")
    assert result.met is met
    assert result.label == "MOAA/S 5"
    if moaas is None:
        assert result.detail == "Not scored with the latest reading"
    else:
        assert result.detail == f"MOAA/S {moaas}"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        pytest.param({"age": 20.01}, "take a fresh one", id="stale"),
        pytest.param({"latest": None, "latest_at": None}, "No reading recorded", id="no-reading"),
    ],
)
def test_moaas_needs_a_current_reading(
    config: Config, changes: dict[str, Any], detail: str
) -> None:
    result = criterion(config, facts(**changes), "moaas")
    assert result.met is False
    assert detail in result.detail


# --- the checklist ---------------------------------------------------------------------


@pytest.mark.parametrize("item", CHECKLIST)
@pytest.mark.parametrize(
    ("answer", "met", "detail"),
    [
        pytest.param(True, True, "Yes", id="yes-met"),
        pytest.param(False, False, "No", id="no-unmet"),
        pytest.param(None, False, "Not yet confirmed", id="missing-unmet"),
    ],
)
def test_checklist_item(
    config: Config, item: str, answer: bool | None, met: bool, detail: str
) -> None:
    answers = {k: v for k, v in ALL_CONFIRMED.items() if k != item}
    if answer is not None:
        answers[item] = answer
    criteria = run(config, facts(assessment=marks(checklist=answers)))
    result = next(c for c in criteria if c.code == item)
    assert (result.met, result.detail) == (met, detail)
    assert result.label == CHECKLIST_LABELS[item]
    assert [c.code for c in criteria if not c.met] == ([] if met else [item])


def test_checklist_unmet_without_assessment(config: Config) -> None:
    criteria = run(config, facts(assessment=None))
    for item in CHECKLIST:
        result = next(c for c in criteria if c.code == item)
        assert (result.met, result.detail) == (False, "Not yet confirmed")


def test_item_not_on_protocol_checklist_is_not_evaluated(config: Config, rules: Discharge) -> None:
    short = rules.model_copy(update={"checklist": ["oriented", "escort_present"]})
    answers = {"oriented": True, "escort_present": True, "steady_gait": False}
    criteria = run(config, facts(assessment=marks(checklist=answers)), short)
    assert [c.code for c in criteria] == CODES[:5] + ["oriented", "escort_present"]
    assert all_met(criteria) is True


def test_checklist_follows_protocol_order(config: Config, rules: Discharge) -> None:
    reordered = rules.model_copy(update={"checklist": list(reversed(CHECKLIST))})
    criteria = run(config, facts(), reordered)
    assert [c.code for c in criteria] == CODES[:5] + list(reversed(CHECKLIST))


# --- the whole list --------------------------------------------------------------------


def test_criteria_order(config: Config) -> None:
    assert [c.code for c in run(config, facts(assessment=None, latest=None))] == CODES


# One fact changed that breaks exactly one criterion.
BREAKERS = [
    ("observation", {"elapsed": 119.99}),
    ("aldrete", {"assessment": marks(activity=1, respiration=1)}),
    ("vitals", {"latest": reading(heart_rate=85)}),
    ("dissociation", {"latest_cadss_after_dosing": 5}),
    ("moaas", {"latest": reading(moaas=4)}),
    *[
        (item, {"assessment": marks(checklist={**ALL_CONFIRMED, item: False})})
        for item in CHECKLIST
    ],
]


@pytest.mark.parametrize(
    ("code", "changes"), [pytest.param(code, changes, id=code) for code, changes in BREAKERS]
)
def test_one_unmet_criterion_blocks_discharge(
    config: Config, code: str, changes: dict[str, Any]
) -> None:
    criteria = run(config, facts(**changes))
    assert [c.code for c in criteria if not c.met] == [code]
    assert all_met(criteria) is False


def test_every_criterion_has_a_breaker() -> None:
    assert [code for code, _ in BREAKERS] == CODES


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        pytest.param([True], True, id="one-met"),
        pytest.param([True, True, True], True, id="all-met"),
        pytest.param([False], False, id="one-unmet"),
        pytest.param([True, True, False], False, id="last-unmet"),
        pytest.param([False, True, True], False, id="first-unmet"),
    ],
)
def test_all_met(flags: list[bool], expected: bool) -> None:
    criteria = [Criterion(f"c{i}", "label", met, "detail") for i, met in enumerate(flags)]
    assert all_met(criteria) is expected


# --- check_assessment ------------------------------------------------------------------


@pytest.mark.parametrize(
    "assessment",
    [
        pytest.param(FULL_MARKS, id="full-marks"),
        pytest.param(marks(activity=0, respiration=0, consciousness=0), id="all-zero"),
        pytest.param(marks(activity=1, respiration=2, consciousness=0), id="mixed"),
        pytest.param(marks(checklist={}), id="nothing-confirmed-yet"),
        pytest.param(marks(checklist={"oriented": False}), id="one-no"),
    ],
)
def test_check_assessment_accepts(assessment: NurseAssessment) -> None:
    check_assessment(assessment, CHECKLIST)


@pytest.mark.parametrize(
    ("assessment", "fields"),
    [
        pytest.param(marks(activity=3), ["activity"], id="activity-3"),
        pytest.param(marks(respiration=-1), ["respiration"], id="respiration--1"),
        pytest.param(marks(consciousness=True), ["consciousness"], id="consciousness-True"),
        pytest.param(marks(activity=False), ["activity"], id="activity-False"),
        pytest.param(marks(activity=1.5), ["activity"], id="activity-1.5"),
        pytest.param(marks(respiration=None), ["respiration"], id="respiration-None"),
        pytest.param(
            marks(activity=3, consciousness=-1), ["activity", "consciousness"], id="two-scores"
        ),
        pytest.param(
            marks(checklist={**ALL_CONFIRMED, "bogus": True}), ["checklist"], id="unknown-item"
        ),
        pytest.param(marks(checklist={"oriented": "yes"}), ["oriented"], id="answer-yes-string"),
        pytest.param(marks(checklist={"steady_gait": 1}), ["steady_gait"], id="answer-1"),
        pytest.param(marks(checklist={"escort_present": None}), ["escort_present"], id="None"),
    ],
)
def test_check_assessment_refuses(assessment: NurseAssessment, fields: list[str]) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        check_assessment(assessment, CHECKLIST)
    assert [p.field for p in excinfo.value.problems] == fields


def test_check_assessment_refuses_item_off_this_protocols_checklist() -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        check_assessment(marks(checklist={"steady_gait": True}), ["oriented"])
    [problem] = excinfo.value.problems
    assert problem.field == "checklist"
    assert "steady_gait" in problem.message


def test_check_assessment_refuses_unknown_item_with_non_bool_answer() -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        check_assessment(marks(checklist={"bogus": "yes"}), CHECKLIST)
    assert "checklist" in [p.field for p in excinfo.value.problems]
