"""The nurse's bedside tablet screen: open a session, chart readings, run the pump, rate CADSS."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionEvent
from monitor.pages import bedside_recovery
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
from monitor.ui import bedside_view as render
from monitor.ui.ids import VITAL_INPUTS, Bedside

PATH = "/bedside"
NAME = "Bedside"
ROLES = ("nurse", "physician")
IN_NAV = True

FIELDS = (*VITAL_INPUTS, "moaas")
KEEP = no_update


def new_key() -> str:
    return uuid4().hex


def layout(chair: str | None = None, **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    chairs = views.chairs(database=rt.database, config=rt.config, actor=actor)
    if chair is None or chair not in rt.config.clinic.chairs:
        return render.chair_picker(rt.config.clinic.chairs, chairs)
    if chair in chairs:
        row = chairs[chair]
        views.open_bedside(database=rt.database, actor=actor, session_id=row.session_id)
        return render.session_panel(
            chair,
            row.session_id,
            rt.config.protocol(row.protocol_id),
            refresh_ms=rt.config.app.bedside_refresh_seconds * 1000,
            keys=(new_key(), new_key(), new_key(), new_key()),
        )
    patients = views.patients_to_seat(database=rt.database, actor=actor)
    return render.open_form(chair, patients, rt.config, key=new_key())


def _refresh(_: Any, __: Any, session_id: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    sid = auth.int_arg(session_id)
    try:
        view = views.bedside_view(
            database=rt.database, config=rt.config, actor=actor, session_id=sid
        )
    except NotFound:
        auth.not_found()
    in_recovery = view.snapshot.header.state == "recovery"
    recovery = (
        recovery_status(database=rt.database, config=rt.config, actor=actor, session_id=sid)
        if in_recovery
        else None
    )
    return render.refreshed(
        view,
        recovery,
        rt.config.clinic.zone,
        rt.config.chart.spo2_range,  # issue 9 (chart)
    )


def _save_reading(_: int, session_id: Any, key: Any, *values: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_READING)
    entered = dict(zip(FIELDS, values, strict=True))
    keep = [KEEP] * len(FIELDS)
    try:
        saved = record_entered_reading(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            entered=entered,
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        problems = {p.field: p.message for p in error.problems}
        return (*render.field_states(problems), render.refused(problems), KEEP, KEEP, *keep)
    except Conflict as error:  # this form was already saved: start a fresh one
        return (*render.field_states({}), render.problem(error), new_key(), 1, *keep)
    except DomainError as error:
        return (*render.field_states({}), render.problem(error), KEEP, KEEP, *keep)
    cleared = [""] * len(VITAL_INPUTS) + [None]
    return (
        *render.field_states({}),
        render.saved(saved, rt.config.clinic.zone),
        new_key(),
        saved.reading_id,
        *cleared,
    )


EVENTS = {
    Bedside.START: SessionEvent.START_INFUSION,
    Bedside.PAUSE: SessionEvent.PAUSE,
    Bedside.RESUME: SessionEvent.RESUME,
    Bedside.STOP: SessionEvent.STOP_INFUSION,
    Bedside.RATE_CHANGE: SessionEvent.RATE_CHANGE,
}


def _infusion_event(*args: Any) -> tuple[Any, ...]:
    session_id, key, reason, rate = args[-4:]
    rt = runtime.current()
    actor = auth.require(Action.INFUSION_EVENT)
    sid, text = auth.int_arg(session_id), str(reason or "")
    if ctx.triggered_id not in EVENTS:
        auth.bad_request()
    try:
        event = EVENTS[ctx.triggered_id]
        recorded = record_infusion_event(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=sid,
            event=event,
            idempotency_key=str(key or ""),
            reason=text,
            rate_ml_per_h=render.parse_rate(rate),
        )
    except Conflict as error:
        return render.problem(error), new_key(), new_key(), KEEP
    except DomainError as error:
        return render.problem(error), KEEP, KEEP, KEEP
    return render.event_done(recorded.kind), new_key(), new_key(), ""


def _end_dialog(_: Any, __: Any, session_id: Any) -> tuple[Any, ...]:
    """Open the end-early dialog saying what will happen in this state; Cancel closes it."""
    rt = runtime.current()
    actor = auth.require(Action.END_SESSION_EARLY)
    if ctx.triggered_id != Bedside.END_EARLY:
        return False, KEEP, KEEP, "", ""
    try:
        view = views.bedside_view(
            database=rt.database, config=rt.config, actor=actor, session_id=auth.int_arg(session_id)
        )
    except NotFound:
        auth.not_found()
    explained, offered = render.end_explained(view.snapshot.header.state)
    return True, explained, not offered, "", ""


def _end_early(_: Any, session_id: Any, chair: Any, reason: Any) -> tuple[Any, ...]:
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
        return KEEP, True, render.problem(error), KEEP, KEEP
    return render.ended_early(ended, str(chair or "")), False, "", new_key(), ""


def _exit_control(_: Any, __: Any, session_id: Any) -> tuple[Any, Any]:
    """The physician sees the signed exit in recovery; the nurse is told how recovery ends."""
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        control = exit_control(
            database=rt.database, actor=actor, session_id=auth.int_arg(session_id)
        )
    except NotFound:
        auth.not_found()
    shown, hidden = {"display": "inline-block"}, {"display": "none"}
    return (
        shown if control.may_sign else hidden,
        {"display": "block"} if control.in_recovery and not control.may_sign else hidden,
    )


def _sign_exit(_: Any, session_id: Any, kind: Any, reason: Any, password: Any) -> tuple[Any, ...]:
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
        return KEEP, True, render.problem(error), "", KEEP
    return render.exit_signed(signed.kind), False, "", "", new_key()


def _save_cadss(
    _: int, values: list[Any], ids: list[dict[str, Any]], session_id: Any, key: Any
) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_RATING)
    values, ids = auth.list_arg(values), auth.list_arg(ids)
    if len(values) != len(ids) or not all(isinstance(i, dict) for i in ids):
        auth.bad_request()
    keep = [KEEP] * len(values)
    answers = {
        auth.int_arg(i.get("item")): render.score(v) for i, v in zip(ids, values, strict=True)
    }
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
        return render.problem(error), new_key(), KEEP, keep
    except DomainError as error:
        return render.problem(error), KEEP, KEEP, keep
    return render.rating_saved(saved), new_key(), new_key(), [None] * len(values)


def _dose(weight: Any, protocol_id: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.OPEN_SESSION)
    try:
        plan = views.dose_preview(
            config=rt.config, protocol_id=str(protocol_id or ""), weight_kg=weight
        )
    except DomainError as error:
        return render.dose_problem(render.describe(error), weight)
    return render.dose_plan(plan, rt.config, str(protocol_id or ""))


def _weight(patient_id: Any, weights: Any) -> Any:
    auth.require(Action.OPEN_SESSION)
    return render.weight_of_patient(patient_id, weights if isinstance(weights, dict) else {})


def _open(
    _: int, chair: Any, patient_id: Any, protocol_id: Any, weight: Any, key: Any
) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.OPEN_SESSION)
    if patient_id is None:
        return render.problem("Choose a patient"), KEEP
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
        return render.problem(error), KEEP
    return KEEP, f"{PATH}?chair={quote(str(chair))}&session={opened.session_id}"


def register_callbacks(app: Dash) -> None:
    bedside_recovery.register_callbacks(app)
    B = Bedside
    app.callback(
        *render.refresh_outputs(),
        Input(B.REFRESH, "n_intervals"),
        Input(B.VERSION, "data"),
        State(B.SESSION, "data"),
    )(_refresh)
    app.callback(
        *render.field_state_outputs(),
        Output(B.RESULT, "children"),
        Output(B.READING_KEY, "data"),
        Output(B.VERSION, "data"),
        *[Output(B.vital(f), "value") for f in VITAL_INPUTS],
        Output(B.MOAAS, "value"),
        Input(B.SAVE, "n_clicks"),
        State(B.SESSION, "data"),
        State(B.READING_KEY, "data"),
        *[State(B.vital(f), "value") for f in VITAL_INPUTS],
        State(B.MOAAS, "value"),
        prevent_initial_call=True,
    )(_save_reading)
    app.callback(
        Output(B.EVENT_MESSAGE, "children"),
        Output(B.EVENT_KEY, "data"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Output(B.EVENT_REASON, "value"),
        *[Input(button, "n_clicks") for button in EVENTS],
        State(B.SESSION, "data"),
        State(B.EVENT_KEY, "data"),
        State(B.EVENT_REASON, "value"),
        State(B.RATE, "value"),
        prevent_initial_call=True,
    )(_infusion_event)
    app.callback(
        Output(B.CADSS_MESSAGE, "children"),
        Output(B.CADSS_KEY, "data"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Output({"type": B.CADSS_ITEM, "item": ALL}, "value"),
        Input(B.CADSS_SAVE, "n_clicks"),
        State({"type": B.CADSS_ITEM, "item": ALL}, "value"),
        State({"type": B.CADSS_ITEM, "item": ALL}, "id"),
        State(B.SESSION, "data"),
        State(B.CADSS_KEY, "data"),
        prevent_initial_call=True,
    )(_save_cadss)
    register_end_early(app)
    app.callback(
        Output(B.OPEN_DOSE, "children"),
        Input(B.OPEN_WEIGHT, "value"),
        Input(B.OPEN_PROTOCOL, "value"),
    )(_dose)
    app.callback(
        Output(B.OPEN_WEIGHT, "value"),
        Input(B.OPEN_PATIENT, "value"),
        State(B.OPEN_WEIGHTS, "data"),
        prevent_initial_call=True,
    )(_weight)
    app.callback(
        Output(B.OPEN_MESSAGE, "children"),
        Output(B.OPEN_REDIRECT, "href"),
        Input(B.OPEN_SUBMIT, "n_clicks"),
        State(B.CHAIR, "data"),
        State(B.OPEN_PATIENT, "value"),
        State(B.OPEN_PROTOCOL, "value"),
        State(B.OPEN_WEIGHT, "value"),
        State(B.OPEN_KEY, "data"),
        prevent_initial_call=True,
    )(_open)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(due) { return window.monitorClock.sync(due); }",
        Output(B.DUE_CLOCK, "data"),
        Input(B.DUE, "data"),
    )
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "function(n, clock) { return window.monitorClock.render(clock); }",
        Output(B.COUNTDOWN, "children"),
        Output(B.COUNTDOWN, "className"),
        Input(B.TICK, "n_intervals"),
        Input(B.DUE_CLOCK, "data"),
    )


def register_end_early(app: Dash) -> None:
    """issue 9 (dose): ending early through a dialog; the physician's signed exit."""
    B = Bedside
    app.callback(
        Output(B.END_MODAL, "is_open"),
        Output(B.END_EXPLAIN, "children"),
        Output(B.END_CONFIRM, "disabled"),
        Output(B.END_REASON, "value"),
        Output(B.END_PROBLEM, "children"),
        Input(B.END_EARLY, "n_clicks"),
        Input(B.END_CANCEL, "n_clicks"),
        State(B.SESSION, "data"),
        prevent_initial_call=True,
    )(_end_dialog)
    app.callback(
        Output(B.END_RESULT, "children"),
        Output(B.END_MODAL, "is_open", allow_duplicate=True),
        Output(B.END_PROBLEM, "children", allow_duplicate=True),
        Output(B.VERSION, "data", allow_duplicate=True),
        Output(B.END_REASON, "value", allow_duplicate=True),
        Input(B.END_CONFIRM, "n_clicks"),
        State(B.SESSION, "data"),
        State(B.CHAIR, "data"),
        State(B.END_REASON, "value"),
        prevent_initial_call=True,
    )(_end_early)
    app.callback(
        Output(B.EXIT_OPEN, "style"),
        Output(B.EXIT_HINT, "style"),
        Input(B.REFRESH, "n_intervals"),
        Input(B.VERSION, "data"),
        State(B.SESSION, "data"),
    )(_exit_control)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(open, cancel) {
            const t = dash_clientside.callback_context.triggered.map(x => x.prop_id);
            return t.includes("bed-exit-open.n_clicks");
        }""",
        Output(B.EXIT_MODAL, "is_open"),
        Input(B.EXIT_OPEN, "n_clicks"),
        Input(B.EXIT_CANCEL, "n_clicks"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(B.EXIT_RESULT, "children"),
        Output(B.EXIT_MODAL, "is_open", allow_duplicate=True),
        Output(B.EXIT_PROBLEM, "children"),
        Output(B.EXIT_PASSWORD, "value"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Input(B.EXIT_CONFIRM, "n_clicks"),
        State(B.SESSION, "data"),
        State(B.EXIT_KIND, "value"),
        State(B.EXIT_REASON, "value"),
        State(B.EXIT_PASSWORD, "value"),
        prevent_initial_call=True,
    )(_sign_exit)
