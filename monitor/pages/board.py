"""The supervising physician's live board: every active session, most urgent first."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import Priority
from monitor.pages import board_adverse_events, board_flags
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.board import board_view
from monitor.services.errors import Conflict, DomainError
from monitor.ui import board_view as render
from monitor.ui.feedback import problem
from monitor.ui.ids import Board
from monitor.web import request_args

PATH = "/board"
NAME = "Live board"
ROLES = ("physician",)
IN_NAV = True
PRIORITIES = frozenset(p.value for p in Priority)


def layout(**_: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.VIEW_BOARD)
    board = rt.config.board
    return render.page(board.refresh_seconds * 1000, board.sound_on_new_high, uuid4().hex)


def _refresh(**_ticked: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BOARD)
    board = board_view(database=rt.database, config=rt.config, actor=actor)
    return render.tiles(board, rt.config.clinic.zone)


DIALOG_UNCHANGED = {"open": no_update, "body": no_update, "target": no_update}


def _open(*, clicks: list[int | None], alerts: dict[str, Any] | None) -> dict[str, Any]:
    auth.require(Action.ACKNOWLEDGE)
    trigger = ctx.triggered_id
    if not trigger or not any(request_args.list_arg(clicks)) or not ctx.triggered[0].get("value"):
        return DIALOG_UNCHANGED
    target = (alerts if isinstance(alerts, dict) else {}).get(
        str(trigger.get("session")) if isinstance(trigger, dict) else ""
    )
    if not target:
        return DIALOG_UNCHANGED
    if not _dialog_target(target):
        request_args.bad_request()
    if not target["alerts"]:
        return DIALOG_UNCHANGED
    return {"open": True, "body": render.dialog_body(target), "target": target}


def _dialog_target(target: Any) -> bool:
    """Whether a tile's alerts (as the board stored them in the page) have the shape the
    dialog shows; the page never sends another, so another is a bad request, not a 500."""
    if not isinstance(target, dict) or not isinstance(target.get("alerts"), list):
        return False
    texts = all(isinstance(target.get(k), str) for k in ("chair", "patient"))
    return texts and all(_alert_shape(a) for a in target["alerts"])


def _alert_shape(alert: Any) -> bool:
    return (
        isinstance(alert, dict)
        and alert.get("priority") in PRIORITIES
        and all(isinstance(alert.get(k), str) for k in ("message", "at"))
        and isinstance(alert.get("id"), int)
        and not isinstance(alert.get("id"), bool)
    )


def _excursion_ids(target: Any) -> list[int]:
    """The excursions the dialog shows, as the page stored them; anything else is refused."""
    alerts = target.get("alerts") if isinstance(target, dict) else None
    if not isinstance(alerts, list) or not all(isinstance(a, dict) for a in alerts):
        request_args.bad_request()
    return [request_args.int_arg(a.get("id")) for a in alerts]


def _confirm(
    *, target: Any, action: Any, note: Any, key: Any, version: Any, **_clicked: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.ACKNOWLEDGE)
    unchanged = {"version": no_update, "key": no_update, "note": no_update}
    if not target:
        return unchanged | {"open": no_update, "message": problem("Nothing to acknowledge")}
    try:
        acknowledge_excursions(
            database=rt.database,
            config=rt.config,
            actor=actor,
            idempotency_key=str(key or ""),
            excursion_ids=_excursion_ids(target),
            action=str(action or ""),
            note=None if note is None else str(note),
        )
    except Conflict as error:
        # The key was used with other values (a lost answer, then the note changed): say so,
        # refresh what is recorded, and give the form a new key so the next confirm is new.
        renewed = {"version": _bumped(version), "key": uuid4().hex}
        return unchanged | renewed | {"open": True, "message": problem(error)}
    except DomainError as error:
        return unchanged | {"open": True, "message": problem(error)}
    return {
        "open": False,
        "message": "",
        "version": _bumped(version),
        "key": uuid4().hex,
        "note": "",
    }


def _bumped(version: Any) -> int:
    return version + 1 if isinstance(version, int) and not isinstance(version, bool) else 1


def _cancel(_: int) -> bool:
    auth.require(Action.ACKNOWLEDGE)
    return False


def register_callbacks(app: Dash) -> None:
    board_flags.register_callbacks(app)
    board_adverse_events.register_callbacks(app)
    app.callback(
        output={
            "tiles": Output(Board.TILES, "children"),
            "updated": Output(Board.UPDATED, "children"),
            "highs": Output(Board.HIGHS, "data"),
            "alerts": Output(Board.ALERTS, "data"),
            "flags": Output(Board.FLAGS, "data"),
            "adverse": Output(Board.AE_FLAGS, "data"),
        },
        inputs={
            "ticked": Input(Board.REFRESH, "n_intervals"),
            "version": Input(Board.VERSION, "data"),
        },
    )(_refresh)
    app.callback(
        output={
            "open": Output(Board.MODAL, "is_open"),
            "body": Output(Board.MODAL_BODY, "children"),
            "target": Output(Board.TARGET, "data"),
        },
        inputs={"clicks": Input({"type": Board.ACK_OPEN, "session": ALL}, "n_clicks")},
        state={"alerts": State(Board.ALERTS, "data")},
        prevent_initial_call=True,
    )(_open)
    app.callback(
        output={
            "open": Output(Board.MODAL, "is_open", allow_duplicate=True),
            "message": Output(Board.MESSAGE, "children"),
            "version": Output(Board.VERSION, "data"),
            "key": Output(Board.KEY, "data"),
            "note": Output(Board.NOTE, "value"),
        },
        inputs={"confirmed": Input(Board.CONFIRM, "n_clicks")},
        state={
            "target": State(Board.TARGET, "data"),
            "action": State(Board.ACTION, "value"),
            "note": State(Board.NOTE, "value"),
            "key": State(Board.KEY, "data"),
            "version": State(Board.VERSION, "data"),
        },
        prevent_initial_call=True,
    )(_confirm)
    app.callback(
        Output(Board.MODAL, "is_open", allow_duplicate=True),
        Input(Board.CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )(_cancel)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(highs, enabled) { return window.monitorBoard.update(highs, enabled); }",
        Output(Board.SOUND_SINK, "data"),
        Input(Board.HIGHS, "data"),
        State(Board.SOUND, "data"),
    )
