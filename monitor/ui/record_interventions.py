"""The session record's sections of what was given and what happened (issue 13): the
adverse events with their outcomes and acknowledgements, the rescue medications with their
indications and orders, and the ketamine table with its balance and any physician's
resolution, linked to the session's ketamine page. Times in the clinic's zone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.vocabulary import KetamineBalance
from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.session_record import SessionRecord

ADVERSE_EVENTS = "session-adverse-events"
MEDICATIONS = "session-medications"
MEDICATIONS_NOT_GIVEN = "session-medications-not-given"
NOT_GIVEN_WORDS = "Ordered, not given"
KETAMINE = "session-ketamine"
KETAMINE_BALANCE = "session-ketamine-balance"
KETAMINE_LINK = "session-ketamine-link"
REMS_SERIOUS = "session-rems-serious"
# The balance's colour beside its words (never colour alone).
BALANCE_COLOURS: dict[KetamineBalance, str] = {
    KetamineBalance.NOT_RECORDED: "secondary",
    KetamineBalance.PENDING: "info",
    KetamineBalance.BALANCED: "success",
    KetamineBalance.DISCREPANCY: "danger",
    KetamineBalance.RESOLVED: "warning",
    KetamineBalance.GIVEN_WITHOUT_RECORD: "danger",
}


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], table_id: str) -> Any:
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(c) for c in head])),
            html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows]),
        ],
        size="sm",
        responsive=True,
        striped=True,
        id=table_id,
    )


def _none() -> Any:
    return html.Div("None.", className="text-body-secondary")


def adverse_events(
    record: SessionRecord, zone: ZoneInfo, *, rems_serious: bool | None = None
) -> Any:
    """One row per event: onset, the event in words (and its excursion), serious, action,
    the latest outcome and when it resolved, who entered it and the acknowledgement."""
    events = record.interventions.adverse_events
    rems = (
        html.Div(
            "REMS form — serious adverse event occurred: " + ("Yes" if rems_serious else "No"),
            id=REMS_SERIOUS,
            className="fw-bold mb-2" + (" text-danger" if rems_serious else ""),
        )
        if rems_serious is not None
        else None
    )
    if not events:
        return [rems, _none()]
    rows = []
    for e in events:
        linked = e.excursion(zone)
        given = [a.words for a in record.interventions.given_for(e.id)]
        rows.append(
            (
                local_time(e.onset_at, zone),
                html.Div(
                    [
                        html.Strong(e.words),
                        html.Div(e.note, className="small") if e.note else None,
                        html.Div(f"with the {linked}", className="small") if linked else None,
                    ]
                ),
                "Serious" if e.serious else "No",
                "; ".join([e.action_taken or "", *given]).strip("; ") or "—",
                e.outcome_words + (f" — {e.outcome_note}" if e.outcome_note else ""),
                local_time(e.resolved_at, zone),
                html.Div(
                    [
                        html.Div(e.entered_by),
                        html.Div(
                            f"Acknowledged by {e.acknowledged_by} "
                            f"{local_time(e.acknowledged_at, zone)}"
                            + (f": {e.acknowledgement_note}" if e.acknowledgement_note else ""),
                            className="small",
                        )
                        if e.acknowledged_by
                        else None,
                    ]
                ),
            )
        )
    head = ("Onset", "Event", "Serious", "Action taken", "Outcome", "Resolved", "Entered, seen")
    return [rems, _table(head, rows, f"{ADVERSE_EVENTS}-table")]


def medications(record: SessionRecord, zone: ZoneInfo) -> Any:
    """Each dose given, in the order given: time, drug, dose and route, by whom, for what,
    under whose order. Then, in a list of their own, the orders not (yet) given: an open
    order is not a dose, and among the doses it read as the last thing done."""
    given = record.interventions
    if not given.administrations and not given.orders:
        return _none()
    rows: list[Sequence[Any]] = []
    for a in given.administrations:
        order = given.order_of(a)
        rows.append(
            (
                local_time(a.given_at, zone),
                html.Strong(a.words),
                a.given_by,
                a.indication(zone),
                order.order_words(zone) if order else "standing order",
            )
        )
    head = ("Time", "Medication", "Given by", "Indication", "Order")
    doses = _table(head, rows, f"{MEDICATIONS}-table") if rows else _none_given()
    open_orders = [
        (local_time(o.ordered_at, zone), o.words, o.order_words(zone))
        for o in given.orders_not_given
    ]
    if not open_orders:
        return doses
    return [
        doses,
        html.Div(NOT_GIVEN_WORDS, className="fw-semibold mt-3 mb-1"),
        _table(("Ordered", "Medication", "Order"), open_orders, MEDICATIONS_NOT_GIVEN),
    ]


def _none_given() -> Any:
    return html.Div("None given.", className="text-body-secondary")


def ketamine(record: SessionRecord, zone: ZoneInfo, *, link: bool = True) -> Any:
    """The ketamine table (lot, expiry, drawn, given, wasted, witnessed waste), the balance
    in words beside its status, and each physician's resolution with its reason."""
    k = record.interventions.ketamine
    status = k.balance.status
    lines = k.lines(zone)
    head = ("Product", "Lot", "Expiry", "Drawn", "Given", "Wasted", "Witnessed waste")
    session_id = record.snapshot.header.id
    return [
        _table(head, lines, f"{KETAMINE}-table") if lines else None,
        html.Div(
            [
                dbc.Badge(status.label, color=BALANCE_COLOURS[status], className="me-2"),
                html.Span(k.balance_words),
            ],
            id=KETAMINE_BALANCE,
            className="mb-2",
        ),
        html.Ul(
            [html.Li(words, className="ketamine-resolution") for words in k.resolution_words(zone)]
        )
        if k.resolutions
        else None,
        dcc.Link(
            "Ketamine record for this session",
            href=f"/session/{session_id}/ketamine",
            id=KETAMINE_LINK,
            className="btn btn-outline-info",
        )
        if link
        else None,
    ]
