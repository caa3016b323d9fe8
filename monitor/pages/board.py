"""The supervising physician's live board: every active session, most urgent first."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import Priority
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.board import board_view
from monitor.services.errors import Conflict, DomainError
from monitor.ui import board_view as render
from monitor.ui.feedback import problem
from monitor.ui.ids import Board as B

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


def _refresh(_: Any, __: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BOARD)
    board = board_view(database=rt.database, config=rt.config, actor=actor)
    return render.tiles(board, rt.config.clinic.zone)


def _open(clicks: list[int | None], alerts: dict[str, Any] | None) -> tuple[Any, ...]:
    auth.require(Action.ACKNOWLEDGE)
    trigger = ctx.triggered_id
    if not trigger or not any(auth.list_arg(clicks)) or not ctx.triggered[0].get("value"):
        return no_update, no_update, no_update
    target = (alerts if isinstance(alerts, dict) else {}).get(
        str(trigger.get("session")) if isinstance(trigger, dict) else ""
    )
    if not target:
        return no_update, no_update, no_update
    if not _dialog_target(target):
        auth.bad_request()
    if not target["alerts"]:
        return no_update, no_update, no_update
    return True, render.dialog_body(target), target


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
        auth.bad_request()
    return [auth.int_arg(a.get("id")) for a in alerts]


def _confirm(
    _: int, target: Any, action: Any, note: Any, key: Any, version: Any
) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.ACKNOWLEDGE)
    if not target:
        return no_update, problem("Nothing to acknowledge"), no_update, no_update, no_update
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
        return True, problem(error), _bumped(version), uuid4().hex, no_update
    except DomainError as error:
        return True, problem(error), no_update, no_update, no_update
    return False, "", _bumped(version), uuid4().hex, ""


def _bumped(version: Any) -> int:
    return version + 1 if isinstance(version, int) and not isinstance(version, bool) else 1


def _cancel(_: int) -> bool:
    auth.require(Action.ACKNOWLEDGE)
    return False


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(B.TILES, "children"),
        Output(B.UPDATED, "children"),
        Output(B.HIGHS, "data"),
        Output(B.ALERTS, "data"),
        Input(B.REFRESH, "n_intervals"),
        Input(B.VERSION, "data"),
    )(_refresh)
    app.callback(
        Output(B.MODAL, "is_open"),
        Output(B.MODAL_BODY, "children"),
        Output(B.TARGET, "data"),
        Input({"type": B.ACK_OPEN, "session": ALL}, "n_clicks"),
        State(B.ALERTS, "data"),
        prevent_initial_call=True,
    )(_open)
    app.callback(
        Output(B.MODAL, "is_open", allow_duplicate=True),
        Output(B.MESSAGE, "children"),
        Output(B.VERSION, "data"),
        Output(B.KEY, "data"),
        Output(B.NOTE, "value"),
        Input(B.CONFIRM, "n_clicks"),
        State(B.TARGET, "data"),
        State(B.ACTION, "value"),
        State(B.NOTE, "value"),
        State(B.KEY, "data"),
        State(B.VERSION, "data"),
        prevent_initial_call=True,
    )(_confirm)
    app.callback(
        Output(B.MODAL, "is_open", allow_duplicate=True),
        Input(B.CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )(_cancel)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(highs, enabled) { return window.monitorBoard.update(highs, enabled); }",
        Output(B.SOUND_SINK, "data"),
        Input(B.HIGHS, "data"),
        State(B.SOUND, "data"),
    )
