"""The Spravato REMS monitoring form's fields (docs/clinical.md "What the record must show").

Defaults under test: BP at 40 min within 10 min; acceptable baseline BP at or below 140/90;
sedation at MOAA/S 3 or below; dissociation above CADSS 4; respiratory depression at SpO2
below 90 or respiratory rate below 8. Only readings from dosing on count for the yes/no
questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

import pytest

from monitor.config import Config, Rems
from monitor.domain.adverse_events import Graded
from monitor.domain.rems import Observation, RemsSummary, summarize
from monitor.domain.vocabulary import Severity

DOSING_STARTED = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
COMPLETED = DOSING_STARTED + timedelta(minutes=150)
READY = DOSING_STARTED + timedelta(minutes=130)


class Breathing(TypedDict, total=False):
    """The breathing measures a respiratory-depression case changes in one reading."""

    spo2: int
    resp_rate: int


def at(minutes: float) -> datetime:
    return DOSING_STARTED + timedelta(minutes=minutes)


def obs(
    minutes: float,
    bp: tuple[int, int] = (120, 80),
    *,
    phase: str | None = None,
    spo2: int = 98,
    resp_rate: int = 14,
    moaas: int | None = 5,
) -> Observation:
    """A calm reading `minutes` after dosing started (negative: a baseline reading)."""
    if phase is None:
        phase = "baseline" if minutes < 0 else "infusion" if minutes < 40 else "recovery"
    systolic, diastolic = bp
    return Observation(at(minutes), phase, systolic, diastolic, spo2, resp_rate, moaas)


@pytest.fixture(scope="module")
def rules(config: Config) -> Rems:
    return config.default_protocol.rems


@pytest.fixture(scope="module")
def cutoff(config: Config) -> float:
    return config.default_protocol.ratings.cadss_dissociation_cutoff


def summary(
    rules: Rems,
    observations: Sequence[Observation],
    *,
    cadss: Sequence[int] = (),
    cutoff: float = 4,
    **changes: Any,
) -> RemsSummary:
    arguments: dict[str, Any] = {
        "dosing_started_at": DOSING_STARTED,
        "completed_at": COMPLETED,
        "ready_at": READY,
        "vitals_met_at_completion": True,
    }
    arguments.update(changes)
    return summarize(
        observations=observations,
        cadss_after_dosing=cadss,
        cadss_cutoff=cutoff,
        rules=rules,
        **arguments,
    )


# A calm session: baseline, infusion every 10 min, recovery every 15 min to completion.
CALM = [obs(-5), *[obs(m) for m in (10, 20, 30, 40)], *[obs(m) for m in range(55, 151, 15)]]


def test_config_holds_clinical_defaults(rules: Rems, cutoff: float) -> None:
    """The edges below are docs/clinical.md's numbers; a changed default shows here first."""
    assert rules.sedation_moaas_at_or_below == 3
    assert rules.respiratory_depression_spo2_below == 90
    assert rules.respiratory_depression_rr_below == 8
    assert rules.acceptable_baseline_systolic_max == 140
    assert rules.acceptable_baseline_diastolic_max == 90
    assert rules.bp_at_minutes == 40
    assert rules.bp_at_window_minutes == 10
    assert cutoff == 4


def test_calm_session(rules: Rems, cutoff: float) -> None:
    result = summary(rules, CALM, cadss=[2, 1], cutoff=cutoff)
    assert result == RemsSummary(
        bp_before_dosing="120/80",
        bp_at_40="120/80",
        bp_before_completion="120/80",
        total_monitoring_minutes=150,
        minutes_until_ready=130,
        vitals_acceptable_before_dosing=True,
        vitals_acceptable_before_completion=True,
        sedation=False,
        dissociation=False,
        respiratory_depression=False,
    )


# --- BP before dosing: the latest baseline reading -------------------------------------


@pytest.mark.parametrize(
    ("observations", "expected"),
    [
        pytest.param(
            [obs(-20, (130, 85)), obs(-5, (124, 82)), obs(10, (150, 95))],
            "124/82",
            id="latest-of-two-baselines",
        ),
        pytest.param(
            [obs(10, (150, 95)), obs(-5, (124, 82)), obs(-20, (130, 85))],
            "124/82",
            id="latest-by-time-not-list-order",
        ),
        pytest.param(
            [obs(-30, (118, 76), phase="baseline"), obs(-10, (135, 88), phase="infusion")],
            "118/76",
            id="only-baseline-phase-counts",
        ),
        pytest.param([obs(10, (150, 95)), obs(40, (140, 90))], None, id="no-baseline"),
        pytest.param([], None, id="no-readings"),
    ],
)
def test_bp_before_dosing(
    rules: Rems, observations: list[Observation], expected: str | None
) -> None:
    assert summary(rules, observations).bp_before_dosing == expected


# --- BP at about 40 min: nearest to 40 min after dosing, within 10 min -----------------


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        pytest.param({40: (131, 81)}, "131/81", id="at-40"),
        pytest.param({30: (131, 81)}, "131/81", id="at-30-window-edge"),
        pytest.param({50: (131, 81)}, "131/81", id="at-50-window-edge"),
        pytest.param({29.99: (131, 81)}, None, id="at-29.99-outside"),
        pytest.param({50.01: (131, 81)}, None, id="at-50.01-outside"),
        pytest.param({20: (131, 81), 55: (132, 82)}, None, id="20-and-55-none-within"),
        pytest.param({35: (131, 81), 42: (132, 82)}, "132/82", id="35-or-42-takes-42"),
        pytest.param({38: (131, 81), 45: (132, 82)}, "131/81", id="38-or-45-takes-38"),
        pytest.param(
            {20: (110, 70), 37: (131, 81), 44: (132, 82), 50: (133, 83)},
            "131/81",
            id="37-nearest-of-several",
        ),
        pytest.param({-5: (124, 82), 41: (131, 81)}, "131/81", id="baseline-reading-not-chosen"),
    ],
)
def test_bp_at_40(rules: Rems, taken: dict[float, tuple[int, int]], expected: str | None) -> None:
    observations = [obs(minutes, bp) for minutes, bp in taken.items()]
    assert summary(rules, observations).bp_at_40 == expected
    assert summary(rules, list(reversed(observations))).bp_at_40 == expected


def test_bp_at_40_needs_dosing_started(rules: Rems) -> None:
    assert summary(rules, [obs(40, (131, 81))], dosing_started_at=None).bp_at_40 is None


# --- BP before completion: the last reading at or before completion --------------------


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        pytest.param({100: (121, 79), 145: (126, 84)}, "126/84", id="last-before"),
        pytest.param({100: (121, 79), 150: (126, 84)}, "126/84", id="at-completion"),
        pytest.param(
            {100: (121, 79), 149: (126, 84), 150.01: (140, 90)},
            "126/84",
            id="after-completion-ignored",
        ),
        pytest.param({-5: (124, 82), 160: (140, 90)}, "124/82", id="only-baseline-before"),
    ],
)
def test_bp_before_completion(
    rules: Rems, taken: dict[float, tuple[int, int]], expected: str | None
) -> None:
    observations = [obs(minutes, bp) for minutes, bp in taken.items()]
    assert summary(rules, observations).bp_before_completion == expected
    assert summary(rules, list(reversed(observations))).bp_before_completion == expected


def test_bp_before_completion_none_without_dosing_or_readings(rules: Rems) -> None:
    assert summary(rules, CALM, dosing_started_at=None).bp_before_completion is None
    assert summary(rules, []).bp_before_completion is None


# --- minutes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "total", "until_ready"),
    [
        pytest.param({}, 150, 130, id="150-and-130"),
        pytest.param({"completed_at": at(185), "ready_at": at(120)}, 185, 120, id="185-and-120"),
        pytest.param({"ready_at": None}, 150, None, id="never-ready"),
        pytest.param({"completed_at": None}, None, 130, id="not-completed"),
        pytest.param({"dosing_started_at": None}, None, None, id="never-dosed"),
    ],
)
def test_minutes(
    rules: Rems, changes: dict[str, Any], total: float | None, until_ready: float | None
) -> None:
    result = summary(rules, CALM, **changes)
    assert result.total_monitoring_minutes == total
    assert result.minutes_until_ready == until_ready


# --- vitals acceptable before dosing: baseline at or below 140/90 ----------------------


@pytest.mark.parametrize(
    ("baselines", "acceptable"),
    [
        pytest.param([(120, 80)], True, id="120/80-yes"),
        pytest.param([(140, 90)], True, id="140/90-yes"),
        pytest.param([(141, 90)], False, id="141/90-no"),
        pytest.param([(140, 91)], False, id="140/91-no"),
        pytest.param([(160, 100)], False, id="160/100-no"),
        pytest.param([(150, 95), (130, 85)], True, id="latest-130/85-yes"),
        pytest.param([(130, 85), (150, 95)], False, id="latest-150/95-no"),
        pytest.param([], None, id="no-baseline-unknown"),
    ],
)
def test_vitals_acceptable_before_dosing(
    rules: Rems, baselines: list[tuple[int, int]], acceptable: bool | None
) -> None:
    observations = [obs(-30 + 10 * i, bp) for i, bp in enumerate(baselines)]
    observations.append(obs(40, (150, 95)))
    assert summary(rules, observations).vitals_acceptable_before_dosing is acceptable


@pytest.mark.parametrize("met", [True, False, None], ids=repr)
def test_vitals_acceptable_before_completion_is_what_discharge_found(
    rules: Rems, met: bool | None
) -> None:
    result = summary(rules, CALM, vitals_met_at_completion=met)
    assert result.vitals_acceptable_before_completion is met


# --- sedation: MOAA/S 3 or below after dosing started ----------------------------------


@pytest.mark.parametrize(
    ("minutes", "moaas", "sedation"),
    [
        pytest.param(30, 3, True, id="3-at-30-yes"),
        pytest.param(30, 0, True, id="0-at-30-yes"),
        pytest.param(30, 4, False, id="4-at-30-no"),
        pytest.param(30, None, False, id="unscored-no"),
        pytest.param(140, 2, True, id="2-in-recovery-yes"),
        pytest.param(-5, 3, False, id="3-before-dosing-not-counted"),
        pytest.param(-5, 0, False, id="0-before-dosing-not-counted"),
    ],
)
def test_sedation(rules: Rems, minutes: float, moaas: int | None, sedation: bool) -> None:
    observations = [*CALM, obs(minutes, moaas=moaas)]
    assert summary(rules, observations).sedation is sedation


def test_sedation_not_counted_before_dosing_started(rules: Rems) -> None:
    observations = [obs(-5, moaas=2), obs(10, moaas=2)]
    assert summary(rules, observations).sedation is True
    assert summary(rules, observations, dosing_started_at=None).sedation is False


# --- dissociation: any CADSS total after dosing above the cut-off ----------------------


@pytest.mark.parametrize(
    ("totals", "dissociation"),
    [
        pytest.param([], False, id="none-recorded-no"),
        pytest.param([4], False, id="4-no"),
        pytest.param([5], True, id="5-yes"),
        pytest.param([0, 4, 3], False, id="peak-4-no"),
        pytest.param([2, 5, 1], True, id="peak-5-yes"),
        pytest.param([30], True, id="30-yes"),
    ],
)
def test_dissociation(rules: Rems, cutoff: float, totals: list[int], dissociation: bool) -> None:
    assert summary(rules, CALM, cadss=totals, cutoff=cutoff).dissociation is dissociation


def test_dissociation_follows_cutoff(rules: Rems) -> None:
    assert summary(rules, CALM, cadss=[5], cutoff=4).dissociation is True
    assert summary(rules, CALM, cadss=[5], cutoff=5).dissociation is False


# --- respiratory depression: SpO2 below 90 or RR below 8 after dosing ------------------


@pytest.mark.parametrize(
    ("minutes", "changes", "depression"),
    [
        pytest.param(30, {"spo2": 89}, True, id="spo2-89-yes"),
        pytest.param(30, {"spo2": 90}, False, id="spo2-90-no"),
        pytest.param(30, {"resp_rate": 7}, True, id="rr-7-yes"),
        pytest.param(30, {"resp_rate": 8}, False, id="rr-8-no"),
        pytest.param(30, {"spo2": 90, "resp_rate": 8}, False, id="spo2-90-rr-8-no"),
        pytest.param(100, {"spo2": 85}, True, id="spo2-85-in-recovery-yes"),
        pytest.param(-5, {"spo2": 89}, False, id="spo2-89-before-dosing-not-counted"),
        pytest.param(-5, {"resp_rate": 7}, False, id="rr-7-before-dosing-not-counted"),
    ],
)
def test_respiratory_depression(
    rules: Rems, minutes: float, changes: Breathing, depression: bool
) -> None:
    observations = [*CALM, obs(minutes, **changes)]
    assert summary(rules, observations).respiratory_depression is depression


@pytest.mark.parametrize(
    ("delivered", "planned", "expected"),
    [
        pytest.param((12.44, 12.44), 32.2, (12.4, 12.4, 39), id="stopped-early"),
        pytest.param((32.2, 32.2), 32.2, (32.2, 32.2, 100), id="full-dose"),
        pytest.param((None, None), 32.2, (None, None, None), id="not-recorded"),
        pytest.param((5.0, 2.5), 0.0, (5.0, 2.5, None), id="nothing-planned"),
    ],
)
def test_dose_given(
    rules: Rems,
    delivered: tuple[float | None, float | None],
    planned: float,
    expected: tuple[float | None, float | None, int | None],
) -> None:
    mg, ml = delivered
    result = summary(rules, CALM, delivered_mg=mg, delivered_ml=ml, planned_mg=planned)
    assert (
        result.dose_given_mg,
        result.dose_given_ml,
        result.dose_given_percent_of_planned,
    ) == expected


# --- Serious adverse event (issue 13): from the session's events and the clinic's grade ----


@pytest.mark.parametrize(
    ("events", "threshold", "answer", "reasons"),
    [
        pytest.param((), Severity.SEVERE, False, (), id="no-events-no"),
        pytest.param(
            (Graded(Severity.MILD, False, "Nausea"),), Severity.SEVERE, False, (), id="mild-no"
        ),
        pytest.param(
            (Graded(Severity.MODERATE, False, "Headache"),),
            Severity.MODERATE,
            True,
            ("Headache (Grade 2: moderate)",),
            id="clinic-threshold-moderate",
        ),
        pytest.param(
            (Graded(Severity.MILD, False, "Nausea"), Graded(Severity.SEVERE, False, "Vomiting")),
            Severity.SEVERE,
            True,
            ("Vomiting (Grade 3: severe)",),
            id="severe-yes-names-only-it",
        ),
        pytest.param(
            (Graded(Severity.MILD, True, "Dizziness"),),
            Severity.LIFE_THREATENING,
            True,
            ("Dizziness (Grade 1: mild, serious)",),
            id="marked-serious-yes-at-any-threshold",
        ),
    ],
)
def test_serious_adverse_event(
    rules: Rems,
    events: tuple[Graded, ...],
    threshold: Severity,
    answer: bool,
    reasons: tuple[str, ...],
) -> None:
    result = summary(rules, CALM, adverse_events=events, rems_serious_from=threshold)
    assert result.serious_adverse_event is answer
    assert result.serious_adverse_events == reasons


def test_serious_adverse_event_unknown_without_the_events(rules: Rems) -> None:
    """A caller that did not read the events gets 'unknown', never a false 'no'."""
    result = summary(rules, CALM)
    assert result.serious_adverse_event is None and result.serious_adverse_events == ()
    with pytest.raises(ValueError, match="go together"):
        summary(rules, CALM, adverse_events=())
