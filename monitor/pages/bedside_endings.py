"""The bedside's two endings away from the discharge sign-off: ending early through a
dialog that says what will happen (the nurse), and the physician's signed exit from recovery
(transfer, against advice). Part of the bedside screen (registered by monitor.pages.bedside)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.pages import bedside_wiring as wiring
from monitor.services.early_end import end_session_early
from monitor.services.errors import DomainError, NotFound
from monitor.services.exits import exit_control, sign_exit
from monitor.ui.bedside import dialogs, panel
from monitor.ui.feedback import problem
from monitor.ui.ids import Bedside
from monitor.web import request_args


def _end_dialog(end_early: Any, cancel: Any, session_id: Any) -> dict[str, Any]:
    """Open the end-early dialog saying what will happen in this state; Cancel closes it."""
    actor = auth.require(Action.END_SESSION_EARLY)
    if ctx.triggered_id != Bedside.END_EARLY:
        explained: Any = no_update
        confirm_disabled: Any = no_update
        is_open = False
    else:
        view = wiring.bedside_view(actor, session_id)
        explained, offered = dialogs.end_explained(view.snapshot.header.state)
        confirm_disabled, is_open = not offered, True
    return {
        "is_open": is_open,
        "explained": explained,
        "confirm_disabled": confirm_disabled,
        "reason": "",
        "problem": "",
    }


def _ending_refused(error: DomainError, **cleared: Any) -> dict[str, Any]:
    """A refused ending (early, or the signed exit): the dialog stays open and says why."""
    return {
        "result": no_update,
        "is_open": True,
        "problem": problem(error),
        "version": no_update,
        **cleared,
    }


def _ending_done(told: Any, **cleared: Any) -> dict[str, Any]:
    """The session ended: the dialog closes, the outcome shows, the panel refreshes."""
    return {"result": told, "is_open": False, "problem": "", "version": wiring.new_key(), **cleared}


def _end_early(clicks: Any, session_id: Any, chair: Any, reason: Any) -> dict[str, Any]:
    """Confirm: end the session early with the reason (the service decides what that means)."""
    actor = auth.require(Action.END_SESSION_EARLY)
    try:
        ended = wiring.for_session(
            end_session_early,
            actor,
            session_id,
            reason=reason if isinstance(reason, str) else "",
        )
    except DomainError as error:
        return _ending_refused(error, reason=no_update)
    return _ending_done(dialogs.ended_early(ended, str(chair or "")), reason="")


def _exit_control(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    """The physician sees the signed exit in recovery; the nurse is told how recovery ends."""
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        control = exit_control(
            database=rt.database, actor=actor, session_id=request_args.int_arg(session_id)
        )
    except NotFound:
        request_args.not_found()
    return {
        "button": {"display": "inline-block"} if control.may_sign else panel.HIDDEN,
        "hint": {"display": "block"}
        if control.in_recovery and not control.may_sign
        else panel.HIDDEN,
    }


def _sign_exit(
    clicks: Any, session_id: Any, kind: Any, reason: Any, password: Any
) -> dict[str, Any]:
    """The physician signs the exit (password re-entered); refusals stay in the dialog."""
    actor = auth.require(Action.SIGN_EXIT)
    try:
        signed = wiring.for_session(
            sign_exit,
            actor,
            session_id,
            kind=str(kind or ""),
            reason=reason if isinstance(reason, str) else "",
            password=password if isinstance(password, str) else "",
        )
    except DomainError as error:
        return _ending_refused(error, password="")
    return _ending_done(dialogs.exit_signed(signed.kind), password="")


def register_callbacks(app: Dash) -> None:
    """Ending early through a dialog; the physician's signed exit."""
    app.callback(
        output={
            "is_open": Output(Bedside.END_MODAL, "is_open"),
            "explained": Output(Bedside.END_EXPLAIN, "children"),
            "confirm_disabled": Output(Bedside.END_CONFIRM, "disabled"),
            "reason": Output(Bedside.END_REASON, "value"),
            "problem": Output(Bedside.END_PROBLEM, "children"),
        },
        inputs={
            "end_early": Input(Bedside.END_EARLY, "n_clicks"),
            "cancel": Input(Bedside.END_CANCEL, "n_clicks"),
        },
        state=wiring.this_session(),
        prevent_initial_call=True,
    )(_end_dialog)
    wiring.on_tap(
        app,
        Bedside.END_CONFIRM,
        _end_early,
        output={
            "result": Output(Bedside.END_RESULT, "children"),
            "is_open": Output(Bedside.END_MODAL, "is_open", allow_duplicate=True),
            "problem": Output(Bedside.END_PROBLEM, "children", allow_duplicate=True),
            "version": wiring.version_bumped(),
            "reason": Output(Bedside.END_REASON, "value", allow_duplicate=True),
        },
        state={
            **wiring.this_session(),
            "chair": State(Bedside.CHAIR, "data"),
            "reason": State(Bedside.END_REASON, "value"),
        },
    )
    app.callback(
        output={
            "button": Output(Bedside.EXIT_OPEN, "style"),
            "hint": Output(Bedside.EXIT_HINT, "style"),
        },
        inputs=wiring.refreshed_by(),
        state=wiring.this_session(),
    )(_exit_control)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(open, cancel) {
            const t = dash_clientside.callback_context.triggered.map(x => x.prop_id);
            return t.includes("bed-exit-open.n_clicks");
        }""",
        Output(Bedside.EXIT_MODAL, "is_open"),
        Input(Bedside.EXIT_OPEN, "n_clicks"),
        Input(Bedside.EXIT_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    wiring.on_tap(
        app,
        Bedside.EXIT_CONFIRM,
        _sign_exit,
        output={
            "result": Output(Bedside.EXIT_RESULT, "children"),
            "is_open": Output(Bedside.EXIT_MODAL, "is_open", allow_duplicate=True),
            "problem": Output(Bedside.EXIT_PROBLEM, "children"),
            "password": Output(Bedside.EXIT_PASSWORD, "value"),
            "version": wiring.version_bumped(),
        },
        state={
            **wiring.this_session(),
            "kind": State(Bedside.EXIT_KIND, "value"),
            "reason": State(Bedside.EXIT_REASON, "value"),
            "password": State(Bedside.EXIT_PASSWORD, "value"),
        },
    )
