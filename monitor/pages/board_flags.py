"""The board's safety-flag dialog (issue 12), registered by pages/board.py: a physician
opens a tile's open PHQ-9 item-9 flag, then acknowledges it or clears the dose."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth
from monitor.domain.permissions import Action
from monitor.ui import board_flags as render
from monitor.ui.ids import Board
from monitor.web import request_args

FLAG_DIALOG_UNCHANGED = {"open": no_update, "body": no_update, "target": no_update}


def _flag_shape(flag: Any) -> bool:
    return (
        isinstance(flag, dict)
        and isinstance(flag.get("id"), int)
        and not isinstance(flag.get("id"), bool)
        and flag.get("priority") in {"high", "medium", "low"}
        and all(isinstance(flag.get(k), str) for k in ("message", "at"))
    )


def flag_target(target: Any) -> bool:
    """Whether a tile's flags (as the board stored them in the page) have the dialog's
    shape; the page never sends another, so another is a bad request, not a 500."""
    if not isinstance(target, dict) or not isinstance(target.get("flags"), list):
        return False
    texts = all(isinstance(target.get(k), str) for k in ("chair", "patient"))
    return texts and all(_flag_shape(f) for f in target["flags"])


def _open(*, clicks: list[int | None], flags: dict[str, Any] | None) -> dict[str, Any]:
    auth.require(Action.VIEW_BOARD)
    trigger = ctx.triggered_id
    if not trigger or not any(request_args.list_arg(clicks)) or not ctx.triggered[0].get("value"):
        return FLAG_DIALOG_UNCHANGED
    session = str(trigger.get("session")) if isinstance(trigger, dict) else ""
    target = (flags if isinstance(flags, dict) else {}).get(session)
    if not target:
        return FLAG_DIALOG_UNCHANGED
    if not flag_target(target):
        request_args.bad_request()
    if not target["flags"]:
        return FLAG_DIALOG_UNCHANGED
    return {
        "open": True,
        "body": render.flag_dialog_body(target),
        "target": target | {"session": request_args.int_arg(session)},
    }


def _cancel(_: int) -> bool:
    auth.require(Action.VIEW_BOARD)
    return False


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "open": Output(Board.FLAG_MODAL, "is_open"),
            "body": Output(Board.FLAG_BODY, "children"),
            "target": Output(Board.FLAG_TARGET, "data"),
        },
        inputs={"clicks": Input({"type": Board.FLAG_OPEN, "session": ALL}, "n_clicks")},
        state={"flags": State(Board.FLAGS, "data")},
        prevent_initial_call=True,
    )(_open)
    app.callback(
        Output(Board.FLAG_MODAL, "is_open", allow_duplicate=True),
        Input(Board.FLAG_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )(_cancel)
