"""The controlled-substance reconciliation (physician and auditor): the ketamine drawn, given
and wasted by clinic day and by lot over a period, with its open discrepancies, on the
screen and as a streamed, audited CSV. Read-only: a discrepancy is resolved by a physician
on the session's ketamine record, never here.

Every figure is the domain's (`ketamine_reconciliation.reconcile`) over the balance of each
session (`db/queries/ketamine.py`, through `reconciliation_reads.ketamine_figures`):
nothing is summed in SQL, so the screen, the CSV and the session's own record agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.csv_cells import csv_line, fixed
from monitor.domain.ketamine_reconciliation import Reconciliation, ReconciliationRow, reconcile
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.quality import export_audit
from monitor.services.reconciliation_reads import ketamine_figures

NO_DRAW = "(no draw recorded)"  # the lot row of sessions given ketamine without a draw
CSV_COLUMNS = (
    "table",
    "day",
    "lot",
    "sessions",
    "drawn_ml",
    "given_ml",
    "wasted_ml",
    "awaiting_witness_ml",
    "unaccounted_ml",
    "pending",
    "open_discrepancies",
    "resolved",
    "given_without_record",
    "witnesses",
)


@dataclass(frozen=True)
class ReconciliationReport:
    """The reconciliation of the clinic days first_day..last_day."""

    first_day: date
    last_day: date
    reconciliation: Reconciliation


def _read(database: Database, config: Config, start: datetime, end: datetime) -> Reconciliation:
    step = config.ketamine.balance_to_ml
    with database.session_scope() as db:
        sessions = ketamine_figures(db, step=step, opened_from=start, opened_before=end)
    return reconcile(sessions, zone=config.clinic.zone, step=step)


def _days(config: Config, start: datetime, end: datetime) -> tuple[date, date]:
    zone = config.clinic.zone
    return start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()


def reconciliation(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> ReconciliationReport:
    """The sessions opened in [start, end) (clinic days) that drew ketamine or were given
    some, reconciled by day, by lot and in total."""
    ensure_allowed(actor, Action.VIEW_RECONCILIATION)
    first, last = _days(config, start, end)
    return ReconciliationReport(first, last, _read(database, config, start, end))


def _cells(row: ReconciliationRow) -> tuple[object, ...]:
    return (
        row.sessions,
        fixed(row.drawn_ml, 2),
        fixed(row.given_ml, 2),
        fixed(row.wasted_ml, 2),
        fixed(row.awaiting_witness_ml, 2),
        fixed(row.unaccounted_ml, 2),
        row.pending,
        row.open_discrepancies,
        row.resolved,
        row.given_without_record,
        "; ".join(row.witnesses),
    )


def reconciliation_csv(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> Iterator[str]:
    """The reconciliation as CSV lines (one table: the days, the lots, the total), every
    cell neutralised; the export is audited before the first line leaves."""
    ensure_allowed(actor, Action.VIEW_RECONCILIATION)
    first, last = _days(config, start, end)
    period = {"start": first.isoformat(), "end": last.isoformat()}
    export_audit(database, actor, "reconciliation.csv", {"filter": period})

    def lines() -> Iterator[str]:
        yield csv_line(CSV_COLUMNS)
        done = _read(database, config, start, end)
        for day, row in done.by_day:
            yield csv_line(("day", day.isoformat(), "", *_cells(row)))
        for lot, row in done.by_lot:
            yield csv_line(("lot", "", NO_DRAW if lot is None else lot, *_cells(row)))
        yield csv_line(("total", "", "", *_cells(done.totals)))

    return lines()
