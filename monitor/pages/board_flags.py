"""The board's safety-flag dialog (issue 12), registered by pages/board.py: a physician
opens a tile's open PHQ-9 item-9 flag, then acknowledges it
(services.safety_flags.acknowledge_safety_flag) or clears the dose
(services.pre_dose.clear_pre_dose, concern self_harm, which acknowledges it too)."""

from __future__ import annotations

from hashlib import sha256
from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import PreDoseConcern
from monitor.services.errors import Conflict, DomainError
from monitor.services.idempotency import check_key
from monitor.services.pre_dose import clear_pre_dose
from monitor.services.safety_flags import acknowledge_safety_flag
from monitor.ui import board_flags as render
from monitor.ui.feedback import notice, problem
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


def _flag_key(key: str, flag_id: int, several: bool) -> str:
    """The submission key of one flag's acknowledgement: the dialog's own for one flag; for
    several, one derived per flag, so a retried confirm replays each and stores none twice."""
    check_key(key)
    return sha256(f"{key}:{flag_id}".encode()).hexdigest()[:32] if several else key


def _decide(*, target: Any, note: Any, key: Any, version: Any, **_clicked: Any) -> dict[str, Any]:
    """Acknowledge the tile's open flags, or clear the dose (which acknowledges them too)."""
    rt = runtime.current()
    clearing = ctx.triggered_id == Board.FLAG_CLEAR
    actor = auth.require(Action.CLEAR_PRE_DOSE if clearing else Action.ACKNOWLEDGE)
    unchanged = {"version": no_update, "key": no_update, "note": no_update, "done": no_update}
    if not target:
        return unchanged | {"open": no_update, "message": problem("Nothing to acknowledge")}
    if not flag_target(target):
        request_args.bad_request()
    session_id = request_args.int_arg(target.get("session"))
    flag_ids = [request_args.int_arg(f["id"]) for f in target["flags"]]
    text, submission = None if note is None else str(note), str(key or "")
    try:
        if clearing:
            clear_pre_dose(
                database=rt.database,
                config=rt.config,
                actor=actor,
                session_id=session_id,
                concern=PreDoseConcern.SELF_HARM,
                reason=text or "",
                idempotency_key=submission,
            )
        else:
            for flag_id in flag_ids:
                acknowledge_safety_flag(
                    database=rt.database,
                    actor=actor,
                    flag_id=flag_id,
                    note=text,
                    submission_key=_flag_key(submission, flag_id, len(flag_ids) > 1),
                )
    except Conflict as error:
        # Already acknowledged by someone else, or the key was used with other values:
        # say so, re-read the board, and give the form a new key.
        renewed = {"version": _bumped(version), "key": uuid4().hex}
        return unchanged | renewed | {"open": True, "message": problem(error)}
    except DomainError as error:
        return unchanged | {"open": True, "message": problem(error)}
    done = "Cleared to dose" if clearing else "Safety flag acknowledged"
    return {
        "open": False,
        "message": "",
        "version": _bumped(version),
        "key": uuid4().hex,
        "note": "",
        "done": notice(f"{done}: {target['chair']} · {target['patient']}"),
    }


def _bumped(version: Any) -> int:
    return version + 1 if isinstance(version, int) and not isinstance(version, bool) else 1


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
        output={
            "open": Output(Board.FLAG_MODAL, "is_open", allow_duplicate=True),
            "message": Output(Board.FLAG_MESSAGE, "children"),
            "version": Output(Board.VERSION, "data", allow_duplicate=True),
            "key": Output(Board.FLAG_KEY, "data"),
            "note": Output(Board.FLAG_NOTE, "value"),
            "done": Output(Board.FLAG_DONE, "children"),
        },
        inputs={
            "acknowledged": Input(Board.FLAG_ACK, "n_clicks"),
            "cleared": Input(Board.FLAG_CLEAR, "n_clicks"),
        },
        state={
            "target": State(Board.FLAG_TARGET, "data"),
            "note": State(Board.FLAG_NOTE, "value"),
            "key": State(Board.FLAG_KEY, "data"),
            "version": State(Board.VERSION, "data"),
        },
        prevent_initial_call=True,
    )(_decide)
    app.callback(
        Output(Board.FLAG_MODAL, "is_open", allow_duplicate=True),
        Input(Board.FLAG_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )(_cancel)
