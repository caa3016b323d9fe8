"""The board's adverse-event dialog (issue 13), registered by pages/board.py: a physician
opens a tile's flagged adverse events (severe or worse, or serious) and acknowledges them
with a note (services.adverse_event_flags.acknowledge_adverse_event)."""

from __future__ import annotations

from hashlib import sha256
from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services.adverse_event_flags import acknowledge_adverse_event
from monitor.services.errors import Conflict, DomainError
from monitor.services.idempotency import check_key
from monitor.ui import board_adverse_events as render
from monitor.ui.feedback import notice, problem
from monitor.ui.ids import Board
from monitor.web import request_args

UNCHANGED = {"open": no_update, "body": no_update, "target": no_update}


def _event_shape(event: Any) -> bool:
    return (
        isinstance(event, dict)
        and isinstance(event.get("id"), int)
        and not isinstance(event.get("id"), bool)
        and all(isinstance(event.get(k), str) for k in ("message", "at"))
    )


def event_target(target: Any) -> bool:
    """Whether a tile's events (as the board stored them in the page) have the dialog's
    shape; the page never sends another, so another is a bad request, not a 500."""
    if not isinstance(target, dict) or not isinstance(target.get("events"), list):
        return False
    texts = all(isinstance(target.get(k), str) for k in ("chair", "patient"))
    return texts and all(_event_shape(e) for e in target["events"])


def _open(*, clicks: list[int | None], events: dict[str, Any] | None) -> dict[str, Any]:
    auth.require(Action.ACKNOWLEDGE)
    trigger = ctx.triggered_id
    if not trigger or not any(request_args.list_arg(clicks)) or not ctx.triggered[0].get("value"):
        return UNCHANGED
    session = str(trigger.get("session")) if isinstance(trigger, dict) else ""
    target = (events if isinstance(events, dict) else {}).get(session)
    if not target:
        return UNCHANGED
    if not event_target(target):
        request_args.bad_request()
    if not target["events"]:
        return UNCHANGED
    return {"open": True, "body": render.adverse_dialog_body(target), "target": target}


def _event_key(key: str, event_id: int, several: bool) -> str:
    """The submission key of one event's acknowledgement: the dialog's own for one event;
    for several, one derived per event, so a retried confirm replays each, none twice."""
    check_key(key)
    return sha256(f"{key}:ae:{event_id}".encode()).hexdigest()[:32] if several else key


def _acknowledge(*, target: Any, note: Any, key: Any, version: Any, **_: Any) -> dict[str, Any]:
    """Acknowledge the tile's open adverse events, each with the note."""
    rt = runtime.current()
    actor = auth.require(Action.ACKNOWLEDGE)
    unchanged = {"version": no_update, "key": no_update, "note": no_update, "done": no_update}
    if not target:
        return unchanged | {"open": no_update, "message": problem("Nothing to acknowledge")}
    if not event_target(target):
        request_args.bad_request()
    event_ids = [request_args.int_arg(e["id"]) for e in target["events"]]
    text, submission = None if note is None else str(note), str(key or "")
    try:
        for event_id in event_ids:
            acknowledge_adverse_event(
                database=rt.database,
                config=rt.config,
                actor=actor,
                adverse_event_id=event_id,
                note=text,
                submission_key=_event_key(submission, event_id, len(event_ids) > 1),
            )
    except Conflict as error:
        # Already acknowledged by someone else, or the key was used with other values:
        # say so, re-read the board, and give the form a new key.
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
        "done": notice(f"Adverse event acknowledged: {target['chair']} · {target['patient']}"),
    }


def _bumped(version: Any) -> int:
    return version + 1 if isinstance(version, int) and not isinstance(version, bool) else 1


def _cancel(_: int) -> bool:
    auth.require(Action.ACKNOWLEDGE)
    return False


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "open": Output(Board.AE_MODAL, "is_open"),
            "body": Output(Board.AE_BODY, "children"),
            "target": Output(Board.AE_TARGET, "data"),
        },
        inputs={"clicks": Input({"type": Board.AE_OPEN, "session": ALL}, "n_clicks")},
        state={"events": State(Board.AE_FLAGS, "data")},
        prevent_initial_call=True,
    )(_open)
    app.callback(
        output={
            "open": Output(Board.AE_MODAL, "is_open", allow_duplicate=True),
            "message": Output(Board.AE_MESSAGE, "children"),
            "version": Output(Board.VERSION, "data", allow_duplicate=True),
            "key": Output(Board.AE_KEY, "data"),
            "note": Output(Board.AE_NOTE, "value"),
            "done": Output(Board.AE_DONE, "children"),
        },
        inputs={"acknowledged": Input(Board.AE_ACK, "n_clicks")},
        state={
            "target": State(Board.AE_TARGET, "data"),
            "note": State(Board.AE_NOTE, "value"),
            "key": State(Board.AE_KEY, "data"),
            "version": State(Board.VERSION, "data"),
        },
        prevent_initial_call=True,
    )(_acknowledge)
    app.callback(
        Output(Board.AE_MODAL, "is_open", allow_duplicate=True),
        Input(Board.AE_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )(_cancel)
