"""The board's safety flags (issue 12): a PHQ-9 item-9 answer above 0 shown on its tile as a
high alert, and the physician's dialog to acknowledge it or clear the dose."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vocabulary import Priority
from monitor.ui import ids
from monitor.ui.components import alarm, local_time

if TYPE_CHECKING:
    from monitor.services.board import Tile, TileFlag

FLAG_WORDS = "Safety flag"
NOTE_LABEL = "Note (the reason, required to clear to dose)"


def flag_block(tile: Tile) -> Any:
    """The tile's open safety flags: the oldest first, escalated like a high excursion."""
    if not tile.safety_flags:
        return None
    first = tile.safety_flags[0]
    more = len(tile.safety_flags) - 1
    return html.Div(
        [
            alarm(first.priority, f"{FLAG_WORDS}: {first.message}"),
            html.Div(
                [
                    dbc.Badge("ESCALATED", color="danger", className="me-2 escalated")
                    if first.escalated
                    else None,
                    html.Span(f"+{more} more flags" if more > 0 else "", className="small"),
                    dbc.Button(
                        "Review flag",
                        id={"type": ids.Board.FLAG_OPEN, "session": tile.session_id},
                        color="danger",
                        className="ms-auto",
                    ),
                ],
                className="d-flex align-items-center mb-2",
            ),
        ],
        className="tile-flag",
    )


def flag_data(tile: Tile, zone: ZoneInfo) -> dict[str, Any]:
    """What the flag dialog shows for one tile (kept in the page between refreshes)."""
    return {
        "chair": tile.chair,
        "patient": f"{tile.patient_initials} · {tile.mrn}",
        "flags": [_one(f, zone) for f in tile.safety_flags],
    }


def _one(flag: TileFlag, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": flag.flag_id,
        "priority": flag.priority.value,
        "message": flag.message,
        "at": local_time(flag.raised_at, zone),
    }


def flag_dialog() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Safety flag")),
            dbc.ModalBody(
                [
                    html.Div(id=ids.Board.FLAG_BODY, className="mb-3"),
                    dbc.Label(NOTE_LABEL, html_for=ids.Board.FLAG_NOTE),
                    dbc.Textarea(id=ids.Board.FLAG_NOTE, maxLength=MAX_FREE_TEXT, rows=3),
                    html.Div(id=ids.Board.FLAG_MESSAGE, className="mt-2", role="status"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=ids.Board.FLAG_CANCEL, color="secondary", outline=True),
                    dbc.Button("Acknowledge flag", id=ids.Board.FLAG_ACK, color="primary"),
                    dbc.Button("Clear to dose", id=ids.Board.FLAG_CLEAR, color="danger"),
                ]
            ),
        ],
        id=ids.Board.FLAG_MODAL,
        is_open=False,
        backdrop="static",
    )


def flag_dialog_body(target: dict[str, Any]) -> Any:
    rows: Sequence[dict[str, Any]] = target["flags"]
    return html.Div(
        [
            html.Div(f"{target['chair']} · {target['patient']}", className="fw-bold mb-2"),
            *[alarm(Priority(f["priority"]), f"{f['at']} {f['message']}") for f in rows],
            html.Div(
                "Acknowledging records that you have reviewed it; clearing to dose also "
                "records your reason that the infusion may start.",
                className="small",
            ),
        ]
    )
