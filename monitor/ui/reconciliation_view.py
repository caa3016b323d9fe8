"""The controlled-substance reconciliation screen: the period, the open discrepancies (each
with its links to the session's ketamine record, where a physician resolves it, and to
the session record), then the tables by clinic day and by lot, every volume in mL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.permissions import Role
from monitor.ui.audit_view import date_field
from monitor.ui.ids import Recon

if TYPE_CHECKING:
    from monitor.domain.ketamine_reconciliation import OpenDiscrepancy, ReconciliationRow
    from monitor.services.reconciliation import ReconciliationReport

NO_DRAW = "No draw recorded (given without a record)"
HEAD = (
    "Sessions",
    "Drawn (mL)",
    "Given (mL)",
    "Wasted, witnessed (mL)",
    "Awaiting a witness (mL)",
    "Unaccounted (mL)",
    "Infusion running",
    "Open discrepancies",
    "Resolved",
    "Given without record",
    "Witnesses",
)


def export_href(start: date, end: date) -> str:
    return f"/audit/export/reconciliation.csv?start={start.isoformat()}&end={end.isoformat()}"


def page(start: date, end: date) -> html.Div:
    return html.Div(
        [
            html.H1("Controlled-substance reconciliation", className="h3"),
            html.P(
                "Ketamine drawn, given (the pump's delivered dose) and wasted with a "
                "witness, by clinic day and by lot, for the sessions opened in the period.",
                className="text-body-secondary",
            ),
            dbc.Row(
                [
                    date_field(Recon.START, "From (date)", start, Recon.START_PROBLEM),
                    date_field(Recon.END, "To (date)", end, Recon.END_PROBLEM),
                    dbc.Col(
                        dbc.Button(
                            "Show", id=Recon.APPLY, color="primary", size="lg", className="mt-4"
                        ),
                        md=2,
                    ),
                    dbc.Col(
                        html.A(
                            "Download CSV",
                            id=Recon.EXPORT,
                            href=export_href(start, end),
                            # the history's export colour: legible in both themes
                            className="btn btn-outline-info btn-lg mt-4",
                        ),
                        md=3,
                    ),
                ],
                className="mb-3",
            ),
            html.Div(id=Recon.REPORT),
        ]
    )


def _ml(value: float) -> str:
    return f"{value:.2f}"


def _cells(row: ReconciliationRow) -> list[Any]:
    return [
        row.sessions,
        _ml(row.drawn_ml),
        _ml(row.given_ml),
        _ml(row.wasted_ml),
        _ml(row.awaiting_witness_ml),
        _ml(row.unaccounted_ml),
        row.pending,
        row.open_discrepancies,
        row.resolved,
        row.given_without_record,
        ", ".join(row.witnesses) or "—",
    ]


def _table(
    first: str, rows: Sequence[tuple[str, ReconciliationRow]], total: ReconciliationRow, name: str
) -> Any:
    body = [
        html.Tr([html.Th(key, scope="row"), *[html.Td(c) for c in _cells(r)]]) for key, r in rows
    ]
    body.append(
        html.Tr(
            [html.Th("Total", scope="row"), *[html.Td(c) for c in _cells(total)]],
            className="fw-semibold",
        )
    )
    table = dbc.Table(
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in (first, *HEAD)])), html.Tbody(body)],
        size="sm",
        striped=True,
        id=f"recon-table-{name}",
    )
    named: dict[str, Any] = {"aria-label": f"Reconciliation by {name}"}
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **named)


def record_href(session_id: int, role: Role) -> str:
    """The session's record as this role opens it (the auditor's review is read-only)."""
    return f"/audit/session/{session_id}" if role is Role.AUDITOR else f"/session/{session_id}"


def _open(found: Sequence[OpenDiscrepancy], role: Role) -> Any:
    if not found:
        return html.P("Open discrepancies: 0 (target 0).", id="recon-open", className="fw-semibold")
    items = [
        html.Li(
            [
                f"Session {o.session_id}, {o.day.isoformat()}, lot {', '.join(o.lots) or '—'}: "
                f"{_ml(o.imbalance_ml)} mL unaccounted. ",
                dcc.Link("Ketamine record", href=f"/session/{o.session_id}/ketamine"),
                " · ",
                dcc.Link("Session record", href=record_href(o.session_id, role)),
            ],
            className="mb-1",
        )
        for o in found
    ]
    return html.Div(
        [
            html.P(
                f"Open discrepancies: {len(found)} (target 0). A physician resolves each "
                "with a reason on the session's ketamine record.",
                className="fw-semibold text-danger",
            ),
            html.Ul(items),
        ],
        id="recon-open",
    )


def report(found: ReconciliationReport, role: Role) -> Any:
    done = found.reconciliation
    period = f"{found.first_day.isoformat()} to {found.last_day.isoformat()}"
    if not done.by_day:
        return dbc.Alert(f"No session drew or was given ketamine from {period}.", color="secondary")
    days = [(d.isoformat(), r) for d, r in done.by_day]
    lots = [(NO_DRAW if lot is None else lot, r) for lot, r in done.by_lot]
    return html.Div(
        [
            _open(done.open, role),
            html.H2("By day", className="h5 mt-3"),
            _table("Day", days, done.totals, "day"),
            html.H2("By lot", className="h5 mt-3"),
            html.P(
                "A session drawing from two lots counts once in each lot's row and once in "
                "the total.",
                className="small text-body-secondary",
            ),
            _table("Lot", lots, done.totals, "lot"),
        ]
    )
