"""The session's ketamine record as a page: the balance, every draw (product, lot,
expiry, mL, by whom), every waste with its witness or "awaiting witness", the physicians'
resolutions, and — for a physician while the balance is an open discrepancy — the
resolution form (ids `ketresolve-`, physician only in the access matrix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.ui.bedside.ketamine_card import balance_line
from monitor.ui.bedside.panel import ASSERTIVE
from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.ketamine import KetamineRecord

WHEN = "%Y-%m-%d %H:%M"


class KetResolve:
    SESSION = "ketresolve-session"
    KEY = "ketresolve-key"
    REASON = "ketresolve-reason"
    REASON_PROBLEM = "ketresolve-reason-problem"
    SUBMIT = "ketresolve-submit"
    MESSAGE = "ketresolve-message"
    BALANCE = "ketresolve-balance"
    RESOLUTIONS = "ketresolve-resolutions"
    FORM = "ketresolve-form"  # the reason and the button, hidden once resolved


def _table(head: list[str], rows: list[list[Any]], table_id: str, empty: str) -> Any:
    if not rows:
        return html.P(empty, id=table_id, className="text-muted")
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        id=table_id,
        bordered=True,
        size="sm",
        responsive=True,
    )


def page(record: KetamineRecord, zone: ZoneInfo, *, resolve_form: bool, key: str) -> Any:
    lots = {d.id: d.lot for d in record.draws}
    draws = [
        [
            local_time(d.drawn_at, zone, WHEN),
            d.product_name,
            f"{d.concentration_mg_per_ml:g} mg/mL",
            d.lot,
            d.expiry.isoformat(),
            f"{d.volume_ml:.2f}",
            d.drawn_by_name,
        ]
        for d in record.draws
    ]
    wastes = [
        [
            local_time(w.wasted_at, zone, WHEN),
            lots.get(w.draw_id, "—"),
            f"{w.volume_ml:.2f}",
            w.wasted_by_name,
            f"{w.witness_name} at {local_time(w.witnessed_at, zone, WHEN)}"
            if w.witnessed
            else html.Strong("awaiting witness"),
        ]
        for w in record.wastes
    ]
    return html.Div(
        [
            dcc.Link(f"Session {record.session_id}", href=f"/session/{record.session_id}"),
            html.H1(f"Ketamine record — session {record.session_id}", className="h3 mt-2"),
            html.P(
                "Volumes in mL of the product as drawn. Given = the pump's delivered dose at "
                "the product's concentration; a waste counts once witnessed.",
                className="small",
            ),
            html.Div(balance_line(record), id=KetResolve.BALANCE, className="mb-3"),
            html.H2("Draws", className="h5"),
            _table(
                ["Drawn", "Product", "Concentration", "Lot", "Expiry", "mL", "Drawn by"],
                draws,
                "ketrecord-draws",
                "Nothing drawn.",
            ),
            html.H2("Wastes", className="h5"),
            _table(
                ["Wasted", "Lot", "mL", "Wasted by", "Witness"],
                wastes,
                "ketrecord-wastes",
                "Nothing wasted.",
            ),
            html.H2("Resolutions", className="h5"),
            html.Div(resolutions(record, zone), id=KetResolve.RESOLUTIONS),
            resolution_form(record.session_id, key) if resolve_form else None,
        ],
        className="container-fluid py-3",
    )


def resolutions(record: KetamineRecord, zone: ZoneInfo) -> Any:
    """The physicians' resolutions: when, the imbalance each accepted, why, and who."""
    rows = [
        [
            local_time(r.resolved_at, zone, WHEN),
            f"{r.imbalance_ml:+.2f}",
            r.reason,
            r.resolved_by_name,
        ]
        for r in record.resolutions
    ]
    return _table(
        ["Resolved", "Imbalance (mL)", "Reason", "Physician"],
        rows,
        "ketrecord-resolutions",
        "No resolution.",
    )


def resolution_form(session_id: int, key: str) -> Any:
    """The physician's resolution: why drawn ≠ given + wasted. It annotates the record (it
    is allowed on a locked record) and changes no figure. Once the balance no longer reads
    an open discrepancy the fields hide (`FORM`), the outcome message beside them stays."""
    return dbc.Card(
        dbc.CardBody(
            [
                dcc.Store(id=KetResolve.SESSION, data=session_id),
                dcc.Store(id=KetResolve.KEY, data=key),
                html.Div(
                    [
                        html.H2("Resolve the discrepancy", className="h5"),
                        dbc.Label(
                            "Reason (required: what happened to the difference)",
                            html_for=KetResolve.REASON,
                        ),
                        dbc.Textarea(
                            id=KetResolve.REASON, maxLength=MAX_FREE_TEXT, className="mb-1"
                        ),
                        dbc.FormFeedback(id=KetResolve.REASON_PROBLEM, type="invalid"),
                        dbc.Button(
                            "Resolve discrepancy",
                            id=KetResolve.SUBMIT,
                            color="primary",
                            size="lg",
                            className="mt-2",
                        ),
                    ],
                    id=KetResolve.FORM,
                ),
                html.Div(id=KetResolve.MESSAGE, className="mt-2", **ASSERTIVE),
            ]
        ),
        className="mt-3",
    )


def missing(session_id: str) -> Any:
    return dbc.Alert(f"No session {session_id!r}.", color="warning", className="m-3")
