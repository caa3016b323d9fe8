"""The ketamine balance at its edges: drawn = given + wasted to the step (0.01 mL), the
given volume from the pump's delivered dose, shares across vials, witnesses, resolutions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.delivered_dose import (
    PAUSE,
    RATE_CHANGE,
    RESUME,
    START,
    STOP,
    PumpEvent,
    delivered_dose,
)
from monitor.domain.ketamine_balance import (
    Draw,
    LotShare,
    Waste,
    final_given_mg,
    needs_physician,
    session_balance,
    to_step,
)
from monitor.domain.vocabulary import KetamineBalance as KB

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PRODUCT = 50.0  # mg/mL, the vial drawn from
PUMP = 1.0  # mg/mL, the bag the pump runs


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def pumped_mg() -> float:
    """0.5 mg/kg × 80 kg = 40 mg at 1 mg/mL: 40 mL. 60 mL/h for 10 min (10 mL), paused 5
    min, 60 mL/h for 10 min (10 mL), changed to 30 mL/h for 40 min (20 mL), stopped."""
    events = [
        PumpEvent(START, minutes(0), 60.0),
        PumpEvent(PAUSE, minutes(10), None),
        PumpEvent(RESUME, minutes(15), None),
        PumpEvent(RATE_CHANGE, minutes(25), 30.0),
        PumpEvent(STOP, minutes(65), None),
    ]
    dose = delivered_dose(events, concentration_mg_per_ml=PUMP, now=minutes(90))
    assert dose.stopped
    return dose.mg


def draw(draw_id: int = 1, ml: float = 2.0, lot: str = "A1", at: float = 0) -> Draw:
    return Draw(draw_id, lot, PRODUCT, ml, minutes(at))


def test_the_delivered_dose_of_a_paused_and_changed_infusion_balances_to_the_step() -> None:
    given = pumped_mg()
    assert given == pytest.approx(40.0)
    # 2.00 mL of 50 mg/mL drawn (100 mg); 40 mg given is 0.80 mL; 1.20 mL wasted.
    result = session_balance([draw()], [Waste(1, 1.2)], given_mg=given)
    assert result.status is KB.BALANCED
    assert (result.drawn_ml, result.given_ml, result.wasted_ml) == (2.0, 0.8, 1.2)
    assert result.imbalance_ml == 0.0
    assert result.drawn_ml == to_step(result.given_ml + result.wasted_ml, 0.01)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("wasted", "given_mg", "status", "imbalance"),
    [
        (1.2, 40.0, KB.BALANCED, 0.0),
        (1.19, 40.0, KB.DISCREPANCY, 0.01),  # one step short of the waste
        (1.21, 40.0, KB.DISCREPANCY, -0.01),  # one step over
        (1.2, 40.2, KB.BALANCED, 0.0),  # 0.804 mL given: under half a step
        (1.2, 40.3, KB.DISCREPANCY, -0.01),  # 0.806 mL given rounds to 0.81
        (1.2, 39.7, KB.DISCREPANCY, 0.01),  # 0.794 rounds to 0.79
    ],
)
def test_exactly_at_the_step_and_one_step_off(
    wasted: float, given_mg: float, status: KB, imbalance: float
) -> None:
    result = session_balance([draw()], [Waste(1, wasted)], given_mg=given_mg)
    assert (result.status, result.imbalance_ml) == (status, imbalance)
    assert needs_physician(result.status) is (status is KB.DISCREPANCY)


def test_a_coarser_step_of_the_clinic_counts_to_that_step() -> None:
    result = session_balance([draw()], [Waste(1, 1.18)], given_mg=40.0, step=0.05)
    assert result.status is KB.BALANCED  # 0.02 mL is under half of 0.05


def test_two_vials_of_different_lots_share_the_given_in_the_order_drawn() -> None:
    first, second = draw(1, 1.0, "LOT-A", at=0), draw(2, 2.0, "LOT-B", at=5)
    wastes = [Waste(1, 0.5), Waste(2, 1.7)]
    result = session_balance([second, first], wastes, given_mg=40.0)  # any order given
    assert result.status is KB.BALANCED
    assert result.shares == (
        LotShare(1, "LOT-A", 1.0, 0.5, 0.5),  # the first vial is used up first
        LotShare(2, "LOT-B", 2.0, 0.3, 1.7),
    )
    assert result.given_ml == sum(s.given_ml for s in result.shares)


def test_given_beyond_every_draw_stays_on_the_last_where_it_shows() -> None:
    result = session_balance([draw(1, 0.5, "A"), draw(2, 0.2, "B", 1)], [], given_mg=40.0)
    assert result.status is KB.DISCREPANCY
    assert result.imbalance_ml == -0.1
    assert [s.given_ml for s in result.shares] == [0.5, 0.3]


def test_an_unwitnessed_waste_is_not_counted_until_witnessed() -> None:
    waiting = session_balance([draw()], [Waste(1, 1.2, witnessed=False)], given_mg=40.0)
    assert waiting.status is KB.DISCREPANCY
    assert (waiting.wasted_ml, waiting.awaiting_witness_ml, waiting.imbalance_ml) == (0, 1.2, 1.2)
    witnessed = session_balance([draw()], [Waste(1, 1.2, witnessed=True)], given_mg=40.0)
    assert witnessed.status is KB.BALANCED and witnessed.awaiting_witness_ml == 0


def test_a_resolution_covers_exactly_the_imbalance_it_resolved() -> None:
    before = session_balance([draw()], [Waste(1, 0.9)], given_mg=40.0, resolved_imbalances=[0.3])
    assert (before.status, before.imbalance_ml) == (KB.RESOLVED, 0.3)
    # A new waste changes the imbalance: the resolution no longer matches.
    after = session_balance(
        [draw()], [Waste(1, 0.9), Waste(1, 0.1)], given_mg=40.0, resolved_imbalances=[0.3]
    )
    assert (after.status, after.imbalance_ml) == (KB.DISCREPANCY, 0.2)
    # Only the latest resolution stands: an earlier one of the same figure is history.
    again = session_balance(
        [draw()], [Waste(1, 1.0)], given_mg=40.0, resolved_imbalances=[0.2, 0.3]
    )
    assert again.status is KB.DISCREPANCY
    # The sign counts: an excess is not a shortfall.
    assert (
        session_balance([draw()], [Waste(1, 0.9)], given_mg=40.0, resolved_imbalances=[-0.3]).status
        is KB.DISCREPANCY
    )


@pytest.mark.parametrize(
    ("given_mg", "status"),
    [(40.0, KB.GIVEN_WITHOUT_RECORD), (0.0, KB.NOT_RECORDED), (None, KB.NOT_RECORDED)],
)
def test_no_draw(given_mg: float | None, status: KB) -> None:
    result = session_balance([], [], given_mg=given_mg)
    assert result.status is status and result.imbalance_ml is None


def test_while_the_infusion_runs_the_balance_is_pending() -> None:
    result = session_balance([draw()], [Waste(1, 1.2)], given_mg=None)
    assert result.status is KB.PENDING
    assert (result.given_ml, result.imbalance_ml, result.drawn_ml) == (None, None, 2.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_a_given_figure_that_cannot_be_counted_is_not_final(bad: float) -> None:
    assert session_balance([draw()], [], given_mg=bad).status is KB.PENDING


@pytest.mark.parametrize(
    ("delivered", "started", "stopped", "ended", "given"),
    [
        (40.0, True, True, False, 40.0),  # stopped, in recovery
        (40.0, True, True, True, 40.0),  # stopped and discharged
        (None, True, False, False, None),  # running or paused
        (None, False, False, False, None),  # before the start
        (None, False, False, True, 0.0),  # ended before the start: nothing given
        (None, True, True, True, None),  # a stop without its figure is not guessed
    ],
)
def test_the_given_milligrams_once_final(
    delivered: float | None, started: bool, stopped: bool, ended: bool, given: float | None
) -> None:
    assert (
        final_given_mg(delivered_mg=delivered, started=started, stopped=stopped, ended=ended)
        == given
    )


def test_a_session_ended_before_the_start_balances_on_its_wastes() -> None:
    given = final_given_mg(delivered_mg=None, started=False, stopped=False, ended=True)
    assert session_balance([draw()], [Waste(1, 2.0)], given_mg=given).status is KB.BALANCED
    open_ = session_balance([draw()], [], given_mg=given)
    assert (open_.status, open_.imbalance_ml, open_.given_ml) == (KB.DISCREPANCY, 2.0, 0.0)


@pytest.mark.parametrize(
    ("value", "step", "rounded"),
    [(0.004, 0.01, 0.0), (0.006, 0.01, 0.01), (-0.006, 0.01, -0.01), (1.234, 0.05, 1.25)],
)
def test_to_step(value: float, step: float, rounded: float) -> None:
    assert to_step(value, step) == rounded
