"""The nurse's bedside tablet screen: open a session, chart readings, run the pump, rate CADSS.

Callbacks with more than a few inputs or outputs name them (Dash's dictionary form): each
function takes its values by name and answers a dict of the same names, so no position has
to agree between the wiring, the function and the renderer."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.pages import bedside_recovery
from monitor.pages.bedside_recovery import on_tap
from monitor.services import bedside as views
from monitor.services.errors import Conflict, DomainError, InvalidEntry, NotFound
from monitor.services.exits import exit_control, sign_exit
from monitor.services.ratings import record_rating
from monitor.services.readings import record_entered_reading
from monitor.services.recovery import recovery_status
from monitor.services.session_lifecycle import (
    end_session_early,
    open_session,
    record_infusion_event,
)
from monitor.ui.bedside import chairs, dialogs, open_form, panel, readings, refresh
from monitor.ui.bedside.controls import PUMP_BUTTONS
from monitor.ui.feedback import describe, problem
from monitor.ui.ids import VITAL_INPUTS, Bedside

PATH = "/bedside"
NAME = "Bedside"
ROLES = ("nurse", "physician")
IN_NAV = True


def new_key() -> str:
    return uuid4().hex


def layout(chair: str | None = None, **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    seated = views.chairs(database=rt.database, config=rt.config, actor=actor)
    if chair is None or chair not in rt.config.clinic.chairs:
        return chairs.chair_picker(rt.config.clinic.chairs, seated)
    if chair in seated:
        row = seated[chair]
        views.open_bedside(database=rt.database, actor=actor, session_id=row.session_id)
        return panel.session_panel(
            chair,
            row.session_id,
            rt.config.protocol(row.protocol_id),
            refresh_ms=rt.config.app.bedside_refresh_seconds * 1000,
            keys=(new_key(), new_key(), new_key(), new_key()),
        )
    patients = views.patients_to_seat(database=rt.database, actor=actor)
    return open_form.open_form(chair, patients, rt.config, key=new_key())


def _bedside_view(actor: Any, session_id: Any) -> views.BedsideView:
    """The session as the bedside shows it; an unknown session is a 404."""
    rt = runtime.current()
    try:
        return views.bedside_view(
            database=rt.database, config=rt.config, actor=actor, session_id=auth.int_arg(session_id)
        )
    except NotFound:
        auth.not_found()


def _refresh(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    view = _bedside_view(actor, session_id)
    in_recovery = view.snapshot.header.state == "recovery"
    recovery = (
        recovery_status(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
        )
        if in_recovery
        else None
    )
    return refresh.refreshed(view, recovery, rt.config.clinic.zone, rt.config.chart.spo2_range)


def _reading_answer(
    problems: dict[str, str],
    told: Any,
    *,
    reading_key: Any = no_update,
    version: Any = no_update,
    entered: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What Save shows: the fields marked, the outcome, and the form (kept unless cleared)."""
    return {
        "fields": readings.field_states(problems),
        "result": told,
        "reading_key": reading_key,
        "version": version,
        "entered": entered or {name: no_update for name in readings.FIELDS},
    }


def _save_reading(clicks: Any, session_id: Any, key: Any, entered: dict[str, Any]) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_READING)
    try:
        saved = record_entered_reading(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            entered=dict(entered),
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        problems = {p.field: p.message for p in error.problems}
        return _reading_answer(problems, readings.refused(problems))
    except Conflict as error:  # this form was already saved: start a fresh one
        return _reading_answer({}, problem(error), reading_key=new_key(), version=1)
    except DomainError as error:
        return _reading_answer({}, problem(error))
    return _reading_answer(
        {},
        readings.saved(saved, rt.config.clinic.zone),
        reading_key=new_key(),
        version=saved.reading_id,
        entered={**dict.fromkeys(VITAL_INPUTS, ""), "moaas": None},
    )


def _infusion_event(taps: Any, session_id: Any, key: Any, reason: Any, rate: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.INFUSION_EVENT)
    if ctx.triggered_id not in PUMP_BUTTONS:
        auth.bad_request()
    try:
        recorded = record_infusion_event(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            event=PUMP_BUTTONS[ctx.triggered_id],
            idempotency_key=str(key or ""),
            reason=str(reason or ""),
            rate_ml_per_h=readings.parse_rate(rate),
        )
    except Conflict as error:
        return {
            "message": problem(error),
            "key": new_key(),
            "version": new_key(),
            "reason": no_update,
        }
    except DomainError as error:
        return {
            "message": problem(error),
            "key": no_update,
            "version": no_update,
            "reason": no_update,
        }
    return {
        "message": readings.event_done(recorded.kind),
        "key": new_key(),
        "version": new_key(),
        "reason": "",
    }


def _end_dialog(end_early: Any, cancel: Any, session_id: Any) -> dict[str, Any]:
    """Open the end-early dialog saying what will happen in this state; Cancel closes it."""
    actor = auth.require(Action.END_SESSION_EARLY)
    if ctx.triggered_id != Bedside.END_EARLY:
        explained: Any = no_update
        confirm_disabled: Any = no_update
        is_open = False
    else:
        view = _bedside_view(actor, session_id)
        explained, offered = dialogs.end_explained(view.snapshot.header.state)
        confirm_disabled, is_open = not offered, True
    return {
        "is_open": is_open,
        "explained": explained,
        "confirm_disabled": confirm_disabled,
        "reason": "",
        "problem": "",
    }


def _end_early(clicks: Any, session_id: Any, chair: Any, reason: Any) -> dict[str, Any]:
    """Confirm: end the session early with the reason (the service decides what that means)."""
    rt = runtime.current()
    actor = auth.require(Action.END_SESSION_EARLY)
    try:
        ended = end_session_early(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            reason=reason if isinstance(reason, str) else "",
        )
    except DomainError as error:
        return {
            "result": no_update,
            "is_open": True,
            "problem": problem(error),
            "version": no_update,
            "reason": no_update,
        }
    return {
        "result": dialogs.ended_early(ended, str(chair or "")),
        "is_open": False,
        "problem": "",
        "version": new_key(),
        "reason": "",
    }


def _exit_control(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    """The physician sees the signed exit in recovery; the nurse is told how recovery ends."""
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        control = exit_control(
            database=rt.database, actor=actor, session_id=auth.int_arg(session_id)
        )
    except NotFound:
        auth.not_found()
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
    rt = runtime.current()
    actor = auth.require(Action.SIGN_EXIT)
    try:
        signed = sign_exit(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            kind=str(kind or ""),
            reason=reason if isinstance(reason, str) else "",
            password=password if isinstance(password, str) else "",
        )
    except DomainError as error:
        return {
            "result": no_update,
            "is_open": True,
            "problem": problem(error),
            "password": "",
            "version": no_update,
        }
    return {
        "result": dialogs.exit_signed(signed.kind),
        "is_open": False,
        "problem": "",
        "password": "",
        "version": new_key(),
    }


def _save_cadss(
    clicks: Any, scores: Any, item_ids: Any, session_id: Any, key: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_RATING)
    scores, item_ids = auth.list_arg(scores), auth.list_arg(item_ids)
    if len(scores) != len(item_ids) or not all(isinstance(i, dict) for i in item_ids):
        auth.bad_request()
    answers = {
        auth.int_arg(i.get("item")): readings.score(v)
        for i, v in zip(item_ids, scores, strict=True)
    }
    kept = [no_update] * len(scores)
    try:
        saved = record_rating(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            answers=answers,
            idempotency_key=str(key or ""),
        )
    except Conflict as error:
        return {"message": problem(error), "key": new_key(), "version": no_update, "items": kept}
    except DomainError as error:
        return {"message": problem(error), "key": no_update, "version": no_update, "items": kept}
    return {
        "message": readings.rating_saved(saved),
        "key": new_key(),
        "version": new_key(),
        "items": [None] * len(scores),
    }


def _dose(weight: Any, protocol_id: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.OPEN_SESSION)
    try:
        plan = views.dose_preview(
            config=rt.config, protocol_id=str(protocol_id or ""), weight_kg=weight
        )
    except DomainError as error:
        return open_form.dose_problem(describe(error), weight)
    return open_form.dose_plan(plan, rt.config, str(protocol_id or ""))


def _weight(patient_id: Any, weights: Any) -> Any:
    auth.require(Action.OPEN_SESSION)
    return open_form.weight_of_patient(patient_id, weights if isinstance(weights, dict) else {})


def _open(
    clicks: Any, chair: Any, patient_id: Any, protocol_id: Any, weight: Any, key: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.OPEN_SESSION)
    if patient_id is None:
        return {"message": problem("Choose a patient"), "redirect": no_update}
    try:
        opened = open_session(
            database=rt.database,
            config=rt.config,
            actor=actor,
            patient_id=auth.int_arg(patient_id),
            chair=str(chair or ""),
            protocol_id=str(protocol_id or ""),
            weight_kg=weight,
            idempotency_key=str(key or ""),
        )
    except DomainError as error:
        return {"message": problem(error), "redirect": no_update}
    return {
        "message": no_update,
        "redirect": f"{PATH}?chair={quote(str(chair))}&session={opened.session_id}",
    }


def _refreshed_by() -> dict[str, Any]:
    """What makes a panel callback run again: the timer, or an action that bumped the version."""
    return {
        "refresh_tick": Input(Bedside.REFRESH, "n_intervals"),
        "version": Input(Bedside.VERSION, "data"),
    }


def _this_session() -> dict[str, Any]:
    return {"session_id": State(Bedside.SESSION, "data")}


def _version_bumped() -> Output:
    """An action's answer that makes the panel refresh at once."""
    return Output(Bedside.VERSION, "data", allow_duplicate=True)


def register_callbacks(app: Dash) -> None:
    bedside_recovery.register_callbacks(app)
    app.callback(output=refresh.refresh_outputs(), inputs=_refreshed_by(), state=_this_session())(
        _refresh
    )
    on_tap(
        app,
        Bedside.SAVE,
        _save_reading,
        output={
            "fields": readings.field_state_outputs(),
            "result": Output(Bedside.RESULT, "children"),
            "reading_key": Output(Bedside.READING_KEY, "data"),
            "version": Output(Bedside.VERSION, "data"),
            "entered": {name: Output(Bedside.vital(name), "value") for name in readings.FIELDS},
        },
        state={
            **_this_session(),
            "key": State(Bedside.READING_KEY, "data"),
            "entered": {name: State(Bedside.vital(name), "value") for name in readings.FIELDS},
        },
    )
    app.callback(
        output={
            "message": Output(Bedside.EVENT_MESSAGE, "children"),
            "key": Output(Bedside.EVENT_KEY, "data"),
            "version": _version_bumped(),
            "reason": Output(Bedside.EVENT_REASON, "value"),
        },
        inputs={"taps": {button: Input(button, "n_clicks") for button in PUMP_BUTTONS}},
        state={
            **_this_session(),
            "key": State(Bedside.EVENT_KEY, "data"),
            "reason": State(Bedside.EVENT_REASON, "value"),
            "rate": State(Bedside.RATE, "value"),
        },
        prevent_initial_call=True,
    )(_infusion_event)
    on_tap(
        app,
        Bedside.CADSS_SAVE,
        _save_cadss,
        output={
            "message": Output(Bedside.CADSS_MESSAGE, "children"),
            "key": Output(Bedside.CADSS_KEY, "data"),
            "version": _version_bumped(),
            "items": Output({"type": Bedside.CADSS_ITEM, "item": ALL}, "value"),
        },
        state={
            "scores": State({"type": Bedside.CADSS_ITEM, "item": ALL}, "value"),
            "item_ids": State({"type": Bedside.CADSS_ITEM, "item": ALL}, "id"),
            **_this_session(),
            "key": State(Bedside.CADSS_KEY, "data"),
        },
    )
    register_end_early(app)
    register_open_session(app)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(due) { return window.monitorClock.sync(due); }",
        Output(Bedside.DUE_CLOCK, "data"),
        Input(Bedside.DUE, "data"),
    )
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(n, clock) { return window.monitorClock.render(clock); }",
        Output(Bedside.COUNTDOWN, "children"),
        Output(Bedside.COUNTDOWN, "className"),
        Input(Bedside.TICK, "n_intervals"),
        Input(Bedside.DUE_CLOCK, "data"),
    )


def register_open_session(app: Dash) -> None:
    """Opening a session at a free chair: the weight prefilled, the dose shown, then open."""
    app.callback(
        Output(Bedside.OPEN_DOSE, "children"),
        Input(Bedside.OPEN_WEIGHT, "value"),
        Input(Bedside.OPEN_PROTOCOL, "value"),
    )(_dose)
    app.callback(
        Output(Bedside.OPEN_WEIGHT, "value"),
        Input(Bedside.OPEN_PATIENT, "value"),
        State(Bedside.OPEN_WEIGHTS, "data"),
        prevent_initial_call=True,
    )(_weight)
    on_tap(
        app,
        Bedside.OPEN_SUBMIT,
        _open,
        output={
            "message": Output(Bedside.OPEN_MESSAGE, "children"),
            "redirect": Output(Bedside.OPEN_REDIRECT, "href"),
        },
        state={
            "chair": State(Bedside.CHAIR, "data"),
            "patient_id": State(Bedside.OPEN_PATIENT, "value"),
            "protocol_id": State(Bedside.OPEN_PROTOCOL, "value"),
            "weight": State(Bedside.OPEN_WEIGHT, "value"),
            "key": State(Bedside.OPEN_KEY, "data"),
        },
    )


def register_end_early(app: Dash) -> None:
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
        state=_this_session(),
        prevent_initial_call=True,
    )(_end_dialog)
    on_tap(
        app,
        Bedside.END_CONFIRM,
        _end_early,
        output={
            "result": Output(Bedside.END_RESULT, "children"),
            "is_open": Output(Bedside.END_MODAL, "is_open", allow_duplicate=True),
            "problem": Output(Bedside.END_PROBLEM, "children", allow_duplicate=True),
            "version": _version_bumped(),
            "reason": Output(Bedside.END_REASON, "value", allow_duplicate=True),
        },
        state={
            **_this_session(),
            "chair": State(Bedside.CHAIR, "data"),
            "reason": State(Bedside.END_REASON, "value"),
        },
    )
    app.callback(
        output={
            "button": Output(Bedside.EXIT_OPEN, "style"),
            "hint": Output(Bedside.EXIT_HINT, "style"),
        },
        inputs=_refreshed_by(),
        state=_this_session(),
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
    on_tap(
        app,
        Bedside.EXIT_CONFIRM,
        _sign_exit,
        output={
            "result": Output(Bedside.EXIT_RESULT, "children"),
            "is_open": Output(Bedside.EXIT_MODAL, "is_open", allow_duplicate=True),
            "problem": Output(Bedside.EXIT_PROBLEM, "children"),
            "password": Output(Bedside.EXIT_PASSWORD, "value"),
            "version": _version_bumped(),
        },
        state={
            **_this_session(),
            "kind": State(Bedside.EXIT_KIND, "value"),
            "reason": State(Bedside.EXIT_REASON, "value"),
            "password": State(Bedside.EXIT_PASSWORD, "value"),
        },
    )
