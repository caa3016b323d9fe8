"""The nurse's bedside tablet screen: open a session, chart readings, run the pump, rate CADSS."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionEvent
from monitor.services import bedside as views
from monitor.services.errors import DomainError, InvalidEntry
from monitor.services.ratings import record_rating
from monitor.services.readings import record_entered_reading
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


def new_key() -> str:
    return uuid4().hex


def layout(chair: str | None = None, **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    chairs = views.chairs(database=rt.database, config=rt.config, actor=actor)
    if chair not in rt.config.clinic.chairs:
        return render.chair_picker(rt.config.clinic.chairs, chairs)
    assert chair is not None
    if chair in chairs:
        return render.session_panel(
            chair,
            chairs[chair].session_id,
            rt.config,
            refresh_ms=rt.config.app.bedside_refresh_seconds * 1000,
            keys=(new_key(), new_key(), new_key()),
        )
    patients = views.patients_to_seat(database=rt.database, actor=actor)
    return render.open_form(chair, patients, rt.config, key=new_key())


def _refresh(_: Any, __: Any, session_id: int) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    view = views.bedside_view(
        database=rt.database, config=rt.config, actor=actor, session_id=session_id
    )
    return render.refreshed(view, rt.config.clinic.zone)


def _save_reading(_: int, session_id: int, key: str, *values: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_READING)
    entered = dict(zip(FIELDS, values, strict=True))
    try:
        saved = record_entered_reading(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=session_id,
            entered=entered,
            idempotency_key=key,
        )
    except InvalidEntry as error:
        problems = {p.field: p.message for p in error.problems}
        keep = [no_update] * len(FIELDS)
        return (
            *render.field_states(problems),
            render.refused(problems),
            no_update,
            no_update,
            *keep,
        )
    except DomainError as error:
        keep = [no_update] * len(FIELDS)
        return (*render.field_states({}), render.problem(str(error)), no_update, no_update, *keep)
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
    try:
        if ctx.triggered_id == Bedside.END_EARLY:
            end_session_early(
                database=rt.database, actor=actor, session_id=session_id, reason=reason
            )
            return render.problem("Session ended early."), new_key(), new_key(), ""
        event = EVENTS[ctx.triggered_id]
        record_infusion_event(
            database=rt.database,
            actor=actor,
            session_id=session_id,
            event=event,
            idempotency_key=key,
            reason=reason,
            rate_ml_per_h=render.parse_rate(rate),
        )
    except DomainError as error:
        return render.problem(str(error)), no_update, no_update, no_update
    return render.event_done(event), new_key(), new_key(), ""


def _save_cadss(
    _: int, values: list[Any], ids: list[dict[str, Any]], session_id: int, key: str, timepoint: Any
) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_RATING)
    answers = {int(i["item"]): v for i, v in zip(ids, values, strict=True)}
    try:
        saved = record_rating(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=session_id,
            answers=answers,
            idempotency_key=key,
            timepoint_minutes=timepoint,
        )
    except DomainError as error:
        return render.problem(str(error)), no_update, no_update, no_update
    return (render.rating_saved(saved), new_key(), new_key(), [None] * len(values))


def _dose(weight: Any, protocol_id: str) -> Any:
    rt = runtime.current()
    auth.require(Action.OPEN_SESSION)
    return render.dose_preview(rt.config, protocol_id, weight)


def _open(
    _: int, chair: str, patient_id: Any, protocol_id: str, weight: Any, key: str
) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.OPEN_SESSION)
    try:
        opened = open_session(
            database=rt.database,
            config=rt.config,
            actor=actor,
            patient_id=int(patient_id or 0),
            chair=chair,
            protocol_id=protocol_id,
            weight_kg=weight,
            idempotency_key=key,
        )
    except DomainError as error:
        return render.problem(str(error)), no_update
    return no_update, f"{PATH}?chair={quote(chair)}&session={opened.session_id}"


def register_callbacks(app: Dash) -> None:
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
        *[Input(button, "n_clicks") for button in (*EVENTS, B.END_EARLY)],
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
        State(B.CADSS_DUE, "data"),
        prevent_initial_call=True,
    )(_save_cadss)
    app.callback(
        Output(B.OPEN_DOSE, "children"),
        Input(B.OPEN_WEIGHT, "value"),
        Input(B.OPEN_PROTOCOL, "value"),
    )(_dose)
    app.callback(
        Output(B.OPEN_WEIGHT, "value"),
        Input(B.OPEN_PATIENT, "value"),
        State("bed-open-weights", "data"),
        prevent_initial_call=True,
    )(render.weight_of_patient)
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
