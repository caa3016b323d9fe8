"""The live board's pieces: one tile per active session, and the acknowledgement dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.schedule import DueState
from monitor.domain.session_state import ACTIVE_STATES
from monitor.domain.vocabulary import Priority, SessionState
from monitor.ui import ids
from monitor.ui.board_adverse_events import (
    adverse_block,
    adverse_data,
    adverse_dialog,
    happened_line,
)
from monitor.ui.board_flags import flag_block, flag_data, flag_dialog
from monitor.ui.components import action_taken, alarm, local_time

if TYPE_CHECKING:
    from monitor.services.board import LiveBoard, Tile, TileAlert

# A tile's state badge: the vocabulary's word for each live state, a pause in capitals
# (the pump stands still mid-dose).
STATE_WORDS: dict[SessionState, str] = {
    **{state: state.label for state in SessionState if state in ACTIVE_STATES},
    SessionState.PAUSED: SessionState.PAUSED.label.upper(),
}


def page(refresh_ms: float, sound: bool, key: str) -> html.Div:
    return html.Div(
        [
            dcc.Interval(id=ids.Board.REFRESH, interval=refresh_ms),
            dcc.Store(id=ids.Board.VERSION, data=0),
            dcc.Store(id=ids.Board.HIGHS),
            dcc.Store(id=ids.Board.ALERTS),
            dcc.Store(id=ids.Board.FLAGS),
            dcc.Store(id=ids.Board.FLAG_TARGET),
            dcc.Store(id=ids.Board.FLAG_KEY, data=key),
            dcc.Store(id=ids.Board.AE_FLAGS),
            dcc.Store(id=ids.Board.AE_TARGET),
            dcc.Store(id=ids.Board.AE_KEY, data=key),
            dcc.Store(id=ids.Board.SOUND, data=sound),
            dcc.Store(id=ids.Board.SOUND_SINK),
            dcc.Store(id=ids.Board.TARGET),
            dcc.Store(id=ids.Board.KEY, data=key),
            html.Div(
                [
                    html.H1("Live board", className="h3 mb-0 me-3"),
                    html.Span(id=ids.Board.UPDATED, className="text-body-secondary"),
                ],
                className="d-flex align-items-baseline mb-3",
            ),
            html.Div(id=ids.Board.MESSAGE),
            html.Div(id=ids.Board.FLAG_DONE, role="status"),
            html.Div(id=ids.Board.AE_DONE, role="status"),
            dbc.Row(id=ids.Board.TILES),
            _dialog(),
            flag_dialog(),
            adverse_dialog(),
        ]
    )


def _dialog() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Acknowledge")),
            dbc.ModalBody(
                [
                    html.Div(id=ids.Board.MODAL_BODY, className="mb-3"),
                    *action_taken(ids.Board.ACTION, ids.Board.NOTE, gap="mb-3"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=ids.Board.CANCEL, color="secondary", outline=True),
                    dbc.Button("Acknowledge", id=ids.Board.CONFIRM, color="primary"),
                ]
            ),
        ],
        id=ids.Board.MODAL,
        is_open=False,
        backdrop="static",
    )


def _age(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    return "just now" if minutes < 1 else f"{minutes} min ago"


def _due(tile: Tile) -> html.Div:
    due = tile.due
    if due.state is DueState.BASELINE:
        return html.Div("Before dosing", className="tile-due")
    assert due.seconds_until_due is not None
    minutes = abs(due.seconds_until_due) / 60
    if due.state is DueState.OVERDUE:
        return html.Div(f"READING OVERDUE {minutes:.0f} min", className="tile-due due-overdue")
    if due.seconds_until_due <= 0:
        return html.Div("Reading due now", className="tile-due due-soon")
    return html.Div(f"Next reading in {minutes:.0f} min", className="tile-due")


def _sparkline(tile: Tile) -> html.Div:
    """Systolic since the baseline as small bars; the first bar is the baseline."""
    low, high = 60.0, 220.0
    bars = [
        html.Div(
            className="spark-bar" + (" spark-baseline" if i == 0 else ""),
            style={"height": f"{max(4.0, (s - low) / (high - low) * 100):.0f}%"},
            title=f"{s}/{d}",
        )
        for i, (s, d) in enumerate(tile.bp_trend[-16:])
    ]
    return html.Div(bars, className="sparkline", title="Systolic since baseline")


def _vitals(tile: Tile) -> html.Div:
    r = tile.latest
    if r is None:
        return html.Div("No reading yet", className="text-body-secondary")
    age = _age(tile.latest_age_seconds)
    cells = [
        ("BP", f"{r.systolic}/{r.diastolic}"),
        ("HR", r.heart_rate),
        ("SpO2", f"{r.spo2}%"),
        ("RR", r.resp_rate),
        ("MOAA/S", "—" if r.moaas is None else r.moaas),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Span(name, className="vital-name"),
                    html.Span(str(value), className="vital-value"),
                    html.Span(age, className="vital-age"),
                ],
                className="tile-vital",
            )
            for name, value in cells
        ],
        className="tile-vitals",
    )


def _pre_dose(tile: Tile) -> Any:
    """Before dosing: what the infusion still waits for, and where a physician clears it."""
    if not tile.pre_dose_missing:
        return None
    return html.Div(
        [
            html.Strong("Before dosing, waiting for: "),
            html.Ul([html.Li(words) for words in tile.pre_dose_missing], className="mb-1"),
            dcc.Link(
                "Clear at the bedside",
                href=f"/bedside?chair={quote(tile.chair)}",
                className="btn btn-primary btn-sm tile-link",
            ),
        ],
        className="tile-pre-dose small mb-2",
    )


def _alert(tile: Tile) -> Any:
    if tile.alert is None:
        if tile.flagged:  # the flag above is an alert: never an all-clear beneath it
            return None
        return html.Div("No unacknowledged alerts", className="text-body-secondary small mb-2")
    more = len(tile.unacknowledged) - 1
    return html.Div(
        [
            alarm(tile.alert.priority, tile.alert.message),
            html.Div(
                [
                    dbc.Badge("ESCALATED", color="danger", className="me-2 escalated")
                    if tile.alert.escalated
                    else None,
                    html.Span(
                        f"+{more} more unacknowledged" if more > 0 else "", className="small"
                    ),
                    dbc.Button(
                        "Acknowledge",
                        id={"type": ids.Board.ACK_OPEN, "session": tile.session_id},
                        color="light",
                        size="sm",
                        className="ms-auto",
                    ),
                ],
                className="d-flex align-items-center mb-2",
            ),
        ]
    )


COSIGN_WORDS = "Nurse signed — awaiting co-signature"


def _cosign(tile: Tile, zone: ZoneInfo) -> Any:
    """The nurse has signed the discharge: the physician co-signs on the session record."""
    if tile.nurse_signed_at is None:
        return None
    return html.Div(
        [
            html.Div(
                [
                    dbc.Badge(
                        COSIGN_WORDS, color="info", text_color="dark", className="awaiting-cosign"
                    ),
                    html.Span(
                        f" at {local_time(tile.nurse_signed_at, zone)}", className="small ms-1"
                    ),
                ]
            ),
            dcc.Link(
                "Review and co-sign",
                href=f"/session/{tile.session_id}",
                className="btn btn-primary ms-auto",
                id=f"tile-cosign-{tile.session_id}",
            ),
        ],
        className="d-flex align-items-center flex-wrap gap-2 mb-2 tile-cosign",
    )


def tile_card(tile: Tile, zone: ZoneInfo) -> dbc.Col:
    minutes = (
        f"t+{tile.minutes_since_start:.0f} min"
        if tile.minutes_since_start is not None
        else "not started"
    )
    level = (
        Priority.HIGH.value if tile.flagged else tile.alert.priority.value if tile.alert else "none"
    )
    cadss = (
        f"CADSS {tile.cadss_total} ({tile.cadss_version})"
        if tile.cadss_total is not None
        else "CADSS —"
    )
    body = dbc.CardBody(
        [
            html.Div(
                [
                    html.H2(tile.chair, className="h5 mb-0 me-2"),
                    html.Span(f"{tile.patient_initials} · {tile.mrn}", className="me-auto"),
                    html.Span(tile.session_of or "", className="small me-2 tile-session-of"),
                    dbc.Badge(
                        STATE_WORDS[SessionState(tile.state)],
                        color="warning" if tile.state == SessionState.PAUSED else "secondary",
                        className="me-2",
                    ),
                    html.Span(minutes, className="small"),
                ],
                className="d-flex align-items-center mb-2",
            ),
            flag_block(tile),
            adverse_block(tile),
            _alert(tile),
            happened_line(tile, zone),
            _pre_dose(tile),
            _cosign(tile, zone),
            _due(tile),
            _vitals(tile),
            html.Div(
                [_sparkline(tile), html.Span(cadss, className="ms-3 small")],
                className="d-flex align-items-end mt-2",
            ),
            dcc.Link(
                "Open session", href=f"/session/{tile.session_id}", className="small tile-link"
            ),
        ]
    )
    return dbc.Col(
        dbc.Card(
            body,
            className=f"tile tile-{level}" + (" tile-cosign-due" if tile.nurse_signed_at else ""),
            id=f"tile-{tile.session_id}",
        ),
        xs=12,
        md=6,
        xxl=4,
        className="mb-3",
    )


def tiles(board: LiveBoard, zone: ZoneInfo) -> dict[str, Any]:
    """The board's refresh by output name: the tiles, the 'updated' text, the
    unacknowledged high ids and open flags (for the sound), and each tile's alerts, safety
    flags and flagged adverse events (for the dialogs)."""
    cards = [tile_card(t, zone) for t in board.tiles] or [
        dbc.Col(dbc.Alert("No active sessions.", color="secondary"))
    ]
    highs: list[int | str] = [
        *sorted(
            a.excursion_id
            for t in board.tiles
            for a in t.unacknowledged
            if a.priority is Priority.HIGH
        ),
        *sorted(f"flag-{f.flag_id}" for t in board.tiles for f in t.safety_flags),
        *sorted(f"ae-{e.adverse_event_id}" for t in board.tiles for e in t.adverse_flags),
    ]
    alerts = {
        str(t.session_id): {
            "chair": t.chair,
            "patient": f"{t.patient_initials} · {t.mrn}",
            "alerts": [_alert_data(a, zone) for a in t.unacknowledged],
        }
        for t in board.tiles
    }
    updated = f"updated {local_time(board.generated_at, zone, '%H:%M:%S')}"
    flags = {str(t.session_id): flag_data(t, zone) for t in board.tiles if t.safety_flags}
    adverse = {str(t.session_id): adverse_data(t, zone) for t in board.tiles if t.adverse_flags}
    return {
        "tiles": cards,
        "updated": updated,
        "highs": highs,
        "alerts": alerts,
        "flags": flags,
        "adverse": adverse,
    }


def _alert_data(alert: TileAlert, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "id": alert.excursion_id,
        "priority": alert.priority.value,
        "message": alert.message,
        "at": local_time(alert.detected_at, zone),
    }


def dialog_body(target: dict[str, Any]) -> Any:
    rows: Sequence[dict[str, Any]] = target["alerts"]
    return html.Div(
        [
            html.Div(f"{target['chair']} · {target['patient']}", className="fw-bold mb-2"),
            *[alarm(a["priority"], f"{a['at']} {a['message']}") for a in rows],
            html.Div(
                f"Acknowledges all {len(rows)} listed." if len(rows) > 1 else "", className="small"
            ),
        ]
    )
