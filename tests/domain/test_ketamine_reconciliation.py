"""The reconciliation's arithmetic: rows by clinic day and by lot add up to the totals to
0.01 mL, a session with two lots counts once in each lot and once in its day, the day is
the clinic's (America/Denver), not UTC's, and an empty period is all zeros."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.ketamine_balance import Draw, Waste, session_balance, to_step
from monitor.domain.ketamine_reconciliation import (
    ReconciliationRow,
    SessionFigures,
    WasteWitness,
    reconcile,
)
from monitor.domain.vocabulary import KetamineBalance

DENVER = ZoneInfo("America/Denver")
STEP = 0.01
NOON = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # 12:00 in Denver
CONC = 50.0  # mg/mL


def figures(
    session_id: int,
    draws: list[tuple[str, float]],
    wastes: Sequence[tuple[int, float, str | None]] = (),
    *,
    given_mg: float | None,
    opened_at: datetime = NOON,
    resolved: tuple[float, ...] = (),
) -> SessionFigures:
    """A session drawing (lot, mL) in order; wastes by draw index, mL and witness name."""
    base = session_id * 10
    drawn = [
        Draw(base + i, lot, CONC, ml, opened_at + timedelta(minutes=i))
        for i, (lot, ml) in enumerate(draws)
    ]
    recorded = [WasteWitness(base + i, ml, who) for i, ml, who in wastes]
    balance = session_balance(
        drawn,
        [Waste(w.draw_id, w.volume_ml, w.witness is not None) for w in recorded],
        given_mg=given_mg,
        resolved_imbalances=resolved,
        step=STEP,
    )
    return SessionFigures(
        session_id, opened_at, balance, {d.draw_id: d.lot for d in drawn}, tuple(recorded)
    )


def added(rows: list[ReconciliationRow], name: str) -> float:
    return to_step(sum(getattr(r, name) for r in rows), STEP)


def test_two_balanced_sessions_of_one_lot_on_one_day() -> None:
    done = reconcile(
        [
            figures(1, [("A1", 2.0)], [(0, 0.4, "Nurse Two")], given_mg=80.0),  # 1.6 mL given
            figures(2, [("A1", 1.5)], given_mg=75.0),
        ],
        zone=DENVER,
        step=STEP,
    )
    ((day, row),) = done.by_day
    ((lot, by_lot),) = done.by_lot
    assert day == date(2026, 11, 20) and lot == "A1"
    assert row == by_lot == done.totals
    assert (row.sessions, row.drawn_ml, row.given_ml, row.wasted_ml) == (2, 3.5, 3.1, 0.4)
    assert row.unaccounted_ml == 0.0 and row.witnesses == ("Nurse Two",)
    assert (row.open_discrepancies, row.resolved, row.pending) == (0, 0, 0)
    assert done.open == ()


def test_a_session_with_two_lots_counts_once_per_lot_and_once_per_day() -> None:
    # 1.0 mL of A1 then 2.0 mL of B2; 120 mg = 2.4 mL given: A1 gives 1.0, B2 1.4, 0.6 wasted
    two = figures(1, [("A1", 1.0), ("B2", 2.0)], [(1, 0.6, "Nurse Two")], given_mg=120.0)
    done = reconcile([two], zone=DENVER, step=STEP)
    lots = dict(done.by_lot)
    assert [r.sessions for _, r in done.by_day] == [1]
    assert lots["A1"].sessions == lots["B2"].sessions == done.totals.sessions == 1
    assert (lots["A1"].drawn_ml, lots["A1"].given_ml, lots["A1"].wasted_ml) == (1.0, 1.0, 0.0)
    assert (lots["B2"].drawn_ml, lots["B2"].given_ml, lots["B2"].wasted_ml) == (2.0, 1.4, 0.6)
    assert lots["A1"].witnesses == () and lots["B2"].witnesses == ("Nurse Two",)


@pytest.mark.parametrize(
    "sessions",
    [
        # thirds of a mL that do not add up in binary
        [figures(i, [("L1", 1.0 / 3), ("L2", 2.0 / 3)], given_mg=50.0) for i in range(1, 8)],
        [
            figures(1, [("L1", 3.33)], [(0, 0.11, "W")], given_mg=160.99),
            figures(2, [("L2", 0.07), ("L1", 9.99)], [(1, 0.01, "V")], given_mg=497.5),
            figures(3, [("L3", 5.0)], given_mg=None),  # pending
            figures(4, [("L3", 2.0)], given_mg=70.0),  # 0.6 mL missing: open
        ],
    ],
)
def test_days_and_lots_add_up_to_the_totals_to_the_step(sessions: list[SessionFigures]) -> None:
    done = reconcile(sessions, zone=DENVER, step=STEP)
    for rows in ([r for _, r in done.by_day], [r for _, r in done.by_lot]):
        for name in ("drawn_ml", "given_ml", "wasted_ml", "unaccounted_ml"):
            assert abs(added(rows, name) - getattr(done.totals, name)) <= STEP + 1e-9
    t = done.totals
    final_drawn = sum(s.balance.drawn_ml for s in sessions if s.balance.given_ml is not None)
    assert to_step(t.given_ml + t.wasted_ml + t.unaccounted_ml, STEP) == to_step(final_drawn, STEP)


def test_the_day_is_the_clinics_not_utcs() -> None:
    late_evening = datetime(2026, 11, 21, 5, 30, tzinfo=UTC)  # 22:30 on the 20th in Denver
    next_morning = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)  # 00:30 on the 21st in Denver
    done = reconcile(
        [
            figures(1, [("A1", 1.0)], given_mg=50.0, opened_at=late_evening),
            figures(2, [("A1", 1.0)], given_mg=50.0, opened_at=next_morning),
        ],
        zone=DENVER,
        step=STEP,
    )
    assert [d for d, _ in done.by_day] == [date(2026, 11, 20), date(2026, 11, 21)]
    in_utc = reconcile(
        [figures(1, [("A1", 1.0)], given_mg=50.0, opened_at=late_evening)],
        zone=ZoneInfo("UTC"),
        step=STEP,
    )
    assert [d for d, _ in in_utc.by_day] == [date(2026, 11, 21)]


def test_an_empty_period_is_all_zeros() -> None:
    done = reconcile([], zone=DENVER, step=STEP)
    assert done.by_day == () and done.by_lot == () and done.open == ()
    assert done.totals == ReconciliationRow(0, 0.0, 0.0, 0.0, 0.0, 0.0, (), 0, 0, 0, 0)


def test_discrepancies_open_resolved_and_given_without_record() -> None:
    short = figures(1, [("A1", 2.0)], given_mg=70.0)  # 0.6 mL unaccounted
    resolved = figures(2, [("A1", 2.0)], given_mg=70.0, resolved=(0.6,))
    unrecorded = figures(3, [], given_mg=40.0)
    nothing = figures(4, [], given_mg=0.0)  # ended before dosing, nothing drawn: not counted
    waiting = figures(5, [("B2", 1.0)], [(0, 0.2, None)], given_mg=50.0)
    done = reconcile([short, resolved, unrecorded, nothing, waiting], zone=DENVER, step=STEP)
    t = done.totals
    assert t.sessions == 4
    assert (t.open_discrepancies, t.resolved, t.given_without_record) == (1, 1, 1)
    assert t.awaiting_witness_ml == 0.2 and t.wasted_ml == 0.0
    lots = dict(done.by_lot)
    assert lots[None].given_without_record == 1 and lots[None].drawn_ml == 0.0
    assert lots["A1"].unaccounted_ml == 1.2 and lots["B2"].awaiting_witness_ml == 0.2
    assert [(o.session_id, o.imbalance_ml, o.lots) for o in done.open] == [(1, 0.6, ("A1",))]
    assert list(lots) == ["A1", "B2", None]  # lots in order, the unrecorded last


def test_a_pending_session_adds_its_draw_but_no_given() -> None:
    done = reconcile([figures(1, [("A1", 2.0)], given_mg=None)], zone=DENVER, step=STEP)
    t = done.totals
    assert (t.drawn_ml, t.given_ml, t.unaccounted_ml, t.pending) == (2.0, 0.0, 0.0, 1)


def test_statuses_as_session_balance_gives_them() -> None:
    # the rows count the statuses the balance rule decided, not a rule of their own
    assert figures(1, [("A1", 2.0)], given_mg=70.0).balance.status is KetamineBalance.DISCREPANCY
