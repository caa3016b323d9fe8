"""The auditor's controlled-substance reconciliation: every session's ketamine balance
gathered by clinic day and by lot, with a totals row.

Every figure is computed here from the record (the draws, the witnessed wastes, the pump's
delivered dose through `ketamine_balance.session_balance`), never typed and never taken
from a screen. A session counts once in the row of the day it was opened (in the clinic's
zone, not UTC) and once in the row of each lot it drew from; the totals row counts it once.
A lot takes its share of the session from `SessionBalance.shares`. Volumes are rounded to
the clinic's step (`ketamine.balance_to_ml`), so a row's figures add up to the step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from monitor.domain.ketamine_balance import SessionBalance, to_step
from monitor.domain.vocabulary import KetamineBalance


@dataclass(frozen=True)
class WasteWitness:
    """One waste as the reconciliation needs it: its draw, its volume, and the name of the
    second licensed person who witnessed it (None while it awaits a witness)."""

    draw_id: int
    volume_ml: float
    witness: str | None


@dataclass(frozen=True)
class SessionFigures:
    """One session's part of the reconciliation."""

    session_id: int
    opened_at: datetime  # aware; its day in the clinic's zone is the session's day
    balance: SessionBalance
    draw_lots: Mapping[int, str]  # draw id → lot
    wastes: Sequence[WasteWitness] = ()


@dataclass(frozen=True)
class ReconciliationRow:
    """The figures of a day, a lot, or all of them (mL of product)."""

    sessions: int
    drawn_ml: float
    given_ml: float  # sessions whose given volume is final; a pending session adds none
    wasted_ml: float  # witnessed
    awaiting_witness_ml: float
    unaccounted_ml: float  # drawn - given - wasted over the sessions whose given is final
    witnesses: tuple[str, ...]
    pending: int  # the infusion still runs: the given volume is not final
    open_discrepancies: int
    resolved: int
    given_without_record: int


@dataclass(frozen=True)
class OpenDiscrepancy:
    session_id: int
    day: date
    imbalance_ml: float
    lots: tuple[str, ...]


@dataclass(frozen=True)
class Reconciliation:
    by_day: tuple[tuple[date, ReconciliationRow], ...]
    # None: sessions given ketamine with no draw recorded (no lot to put them under)
    by_lot: tuple[tuple[str | None, ReconciliationRow], ...]
    totals: ReconciliationRow
    open: tuple[OpenDiscrepancy, ...]


def clinic_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def counts(figures: SessionFigures) -> bool:
    """Whether a session belongs in the reconciliation: it drew ketamine or was given some
    with no draw recorded. A session with neither has nothing to account for."""
    return bool(figures.draw_lots) or figures.balance.status is not KetamineBalance.NOT_RECORDED


@dataclass
class _Sum:
    """A row being added up; volumes summed as recorded and rounded once at the end."""

    sessions: set[int] = field(default_factory=set)
    drawn: float = 0.0
    given: float = 0.0
    wasted: float = 0.0
    awaiting: float = 0.0
    unaccounted: float = 0.0
    witnesses: set[str] = field(default_factory=set)
    statuses: dict[int, KetamineBalance] = field(default_factory=dict)

    def add(
        self,
        figures: SessionFigures,
        *,
        drawn: float,
        given: float,
        wasted: float,
        witnessed_by: Iterable[WasteWitness],
    ) -> None:
        self.sessions.add(figures.session_id)
        self.statuses[figures.session_id] = figures.balance.status
        self.drawn += drawn
        self.wasted += wasted
        if figures.balance.given_ml is not None:
            self.given += given
            self.unaccounted += drawn - given - wasted
        for waste in witnessed_by:
            if waste.witness is None:
                self.awaiting += waste.volume_ml
            else:
                self.witnesses.add(waste.witness)

    def row(self, step: float) -> ReconciliationRow:
        statuses = list(self.statuses.values())
        return ReconciliationRow(
            sessions=len(self.sessions),
            drawn_ml=to_step(self.drawn, step),
            given_ml=to_step(self.given, step),
            wasted_ml=to_step(self.wasted, step),
            awaiting_witness_ml=to_step(self.awaiting, step),
            unaccounted_ml=to_step(self.unaccounted, step) + 0.0,  # never -0.0
            witnesses=tuple(sorted(self.witnesses)),
            pending=statuses.count(KetamineBalance.PENDING),
            open_discrepancies=statuses.count(KetamineBalance.DISCREPANCY),
            resolved=statuses.count(KetamineBalance.RESOLVED),
            given_without_record=statuses.count(KetamineBalance.GIVEN_WITHOUT_RECORD),
        )


def reconcile(sessions: Iterable[SessionFigures], *, zone: ZoneInfo, step: float) -> Reconciliation:
    """The reconciliation of these sessions by clinic day, by lot (in lot order), and in
    total, with the open discrepancies (oldest day first)."""
    days: dict[date, _Sum] = {}
    lots: dict[str | None, _Sum] = {}
    total = _Sum()
    opened: list[OpenDiscrepancy] = []
    for figures in sessions:
        if not counts(figures):
            continue
        balance = figures.balance
        day = clinic_day(figures.opened_at, zone)
        for whole in (days.setdefault(day, _Sum()), total):
            whole.add(
                figures,
                drawn=balance.drawn_ml,
                given=balance.given_ml or 0.0,
                wasted=balance.wasted_ml,
                witnessed_by=figures.wastes,
            )
        for lot, (drawn, given, wasted) in _lot_shares(balance).items():
            lot_wastes = [w for w in figures.wastes if figures.draw_lots.get(w.draw_id) == lot]
            lots.setdefault(lot, _Sum()).add(
                figures, drawn=drawn, given=given, wasted=wasted, witnessed_by=lot_wastes
            )
        if not balance.shares:  # given without a record: no lot to put it under
            lots.setdefault(None, _Sum()).add(
                figures, drawn=0.0, given=0.0, wasted=0.0, witnessed_by=figures.wastes
            )
        if balance.status is KetamineBalance.DISCREPANCY:
            opened.append(
                OpenDiscrepancy(
                    figures.session_id,
                    day,
                    balance.imbalance_ml or 0.0,
                    tuple(sorted({s.lot for s in balance.shares})),
                )
            )
    return Reconciliation(
        by_day=tuple((d, days[d].row(step)) for d in sorted(days)),
        by_lot=tuple((lot, lots[lot].row(step)) for lot in sorted(lots, key=_lot_order)),
        totals=total.row(step),
        open=tuple(sorted(opened, key=lambda o: (o.day, o.session_id))),
    )


def _lot_shares(balance: SessionBalance) -> dict[str, tuple[float, float, float]]:
    """A session's drawn, given and wasted mL by lot (two draws of one lot are one share)."""
    out: dict[str, tuple[float, float, float]] = {}
    for share in balance.shares:
        drawn, given, wasted = out.get(share.lot, (0.0, 0.0, 0.0))
        out[share.lot] = (
            drawn + share.drawn_ml,
            given + share.given_ml,
            wasted + share.wasted_ml,
        )
    return out


def _lot_order(lot: str | None) -> tuple[int, str]:
    return (1, "") if lot is None else (0, lot)
