"""The board's adverse-event flags (issue 13): an event severe or worse, or marked serious,
shown on its tile as a high alert, and the physician's dialog to acknowledge it with a note.
Beneath the alerts, every tile's quiet lines of what happened and what was given so far."""

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
    from monitor.services.board import Tile, TileAdverseFlag, TileHappenings

NOTE_LABEL = "Note (what was seen and done)"
# How many of a session's events the tile's line names before "+N more events": a tile
# stays a glance (the session record lists them all). Drugs given are never cut: the
# physician must see every drug given at a glance.
EVENT_ITEMS = 3
EVENTS_WORDS = "Events: "
GIVEN_WORDS = "Given: "


def events_words(happened: TileHappenings) -> str:
    """ "Dizziness G1 serious · no outcome yet; Nausea G1 · resolved +2 more events": the
    latest onsets first; empty when nothing happened."""
    shown = [e.words for e in happened.events[:EVENT_ITEMS]]
    more = len(happened.events) - len(shown)
    return "; ".join(shown) + (f" +{more} more events" if more > 0 else "")


def given_words(happened: TileHappenings, zone: ZoneInfo) -> str:
    """ "Ondansetron 4 mg IV ×2 (8 mg) 14:32; Midazolam 1 mg IV 14:40": every drug, by its
    latest dose, with that dose's clinic time; empty when nothing was given."""
    return "; ".join(f"{g.words} {local_time(g.latest_at, zone)}" for g in happened.given)


def happened_words(happened: TileHappenings, zone: ZoneInfo) -> str:
    """The whole line in words: "Events: … — Given: …", either part left out when empty."""
    parts = [
        label + words
        for label, words in (
            (EVENTS_WORDS, events_words(happened)),
            (GIVEN_WORDS, given_words(happened, zone)),
        )
        if words
    ]
    return " — ".join(parts)


def happened_line(tile: Tile, zone: ZoneInfo) -> Any:
    """The tile's events and doses, a part to a line: small and plain, never coloured like
    an alert."""
    happened = tile.happenings
    if not happened:
        return None
    events, given = events_words(happened), given_words(happened, zone)
    return html.Div(
        [
            html.Div([EVENTS_WORDS, events], className="tile-events") if events else None,
            html.Div([GIVEN_WORDS, given], className="tile-given") if given else None,
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
