"""The board's adverse-event flags (issue 13): an event severe or worse, or marked serious,
shown on its tile as a high alert, and the physician's dialog to acknowledge it with a note.
Beneath the alerts, every tile's quiet line of what was given and what happened so far."""

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
    from monitor.services.board import Tile, TileAdverseFlag, TileHappening

NOTE_LABEL = "Note (what was seen and done)"
# How many of a session's events and doses the tile's line names before "+N more": a
# tile stays a glance (the session record lists them all).
LINE_ITEMS = 3
LINE_WORDS = "Given and happened: "


def happened_words(items: Sequence[TileHappening], zone: ZoneInfo) -> str:
    """ "Nausea G1 · resolved — Ondansetron 4 mg IV 14:32 +2 more": the latest few, a dose
    with its clinic time; empty when nothing was given and nothing happened."""
    shown = [
        h.words + (f" {local_time(h.given_at, zone)}" if h.given_at else "")
        for h in items[:LINE_ITEMS]
    ]
    more = len(items) - len(shown)
    return " — ".join(shown) + (f" +{more} more" if more > 0 else "")


def happened_line(tile: Tile, zone: ZoneInfo) -> Any:
    """The tile's line of events and doses: small and plain, never coloured like an alert."""
    if not tile.happenings:
        return None
    return html.Div(
        [
            html.Span(LINE_WORDS, className="visually-hidden"),
            happened_words(tile.happenings, zone),
        ],
        className="tile-happened small text-body-secondary mb-2",
        id=f"tile-happened-{tile.session_id}",
    )


def adverse_block(tile: Tile) -> Any:
    """The tile's open adverse-event flags: the first by onset, escalated like a high
    excursion, with the button that opens the dialog."""
    if not tile.adverse_flags:
        return None
    first = tile.adverse_flags[0]
    more = len(tile.adverse_flags) - 1
    return html.Div(
        [
            alarm(first.priority, first.message),
            html.Div(
                [
                    dbc.Badge("ESCALATED", color="danger", className="me-2 escalated")
                    if first.escalated
                    else None,
                    html.Span(
                        f"+{more} more adverse events" if more > 0 else "", className="small"
                    ),
                    dbc.Button(
                        "Review adverse event",
                        id={"type": ids.Board.AE_OPEN, "session": tile.session_id},
                        color="danger",
                        className="ms-auto",
                    ),
                ],
                className="d-flex align-items-center mb-2",
            ),
        ],
        className="tile-adverse",
    )


def adverse_data(tile: Tile, zone: ZoneInfo) -> dict[str, Any]:
    """What the dialog shows for one tile (kept in the page between refreshes)."""
    return {
        "chair": tile.chair,
        "patient": f"{tile.patient_initials} · {tile.mrn}",
        "events": [_one(e, zone) for e in tile.adverse_flags],
    }


def _one(event: TileAdverseFlag, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": event.adverse_event_id,
        "message": event.message,
        "at": local_time(event.onset_at, zone),
    }


def adverse_dialog() -> Any:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Adverse event")),
            dbc.ModalBody(
                [
                    html.Div(id=ids.Board.AE_BODY, className="mb-3"),
                    dbc.Label(NOTE_LABEL, html_for=ids.Board.AE_NOTE),
                    dbc.Textarea(id=ids.Board.AE_NOTE, maxLength=MAX_FREE_TEXT, rows=3),
                    html.Div(id=ids.Board.AE_MESSAGE, className="mt-2", role="status"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=ids.Board.AE_CANCEL, color="secondary", outline=True),
                    dbc.Button("Acknowledge adverse event", id=ids.Board.AE_ACK, color="primary"),
                ]
            ),
        ],
        id=ids.Board.AE_MODAL,
        is_open=False,
        backdrop="static",
    )


def adverse_dialog_body(target: dict[str, Any]) -> Any:
    rows: Sequence[dict[str, Any]] = target["events"]
    return html.Div(
        [
            html.Div(f"{target['chair']} · {target['patient']}", className="fw-bold mb-2"),
            *[alarm(Priority.HIGH, f"onset {e['at']} {e['message']}") for e in rows],
            html.Div(
                "Acknowledging records that you have reviewed "
                + (f"all {len(rows)} events listed" if len(rows) > 1 else "this event")
                + "; the nurse records what was given and the outcome at the bedside.",
                className="small",
            ),
        ]
    )
