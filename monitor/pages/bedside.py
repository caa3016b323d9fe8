"""The nurse's bedside tablet screen: open a session, chart readings, run the pump, rate CADSS.

Callbacks with more than a few inputs or outputs name them (Dash's dictionary form): each
function takes its values by name and answers a dict of the same names, so no position has
to agree between the wiring, the function and the renderer."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import SessionState
from monitor.pages import (
    bedside_endings,
    bedside_interventions,
    bedside_open,
    bedside_pre_dose,
    bedside_recovery,
)
from monitor.pages.bedside_wiring import (
    bedside_view,
    for_session,
    new_key,
    on_tap,
    refreshed_by,
    this_session,
    version_bumped,
)
from monitor.services import bedside as views
from monitor.services.errors import Conflict, DomainError, InvalidEntry
from monitor.services.pump import record_infusion_event
from monitor.services.ratings import record_rating
from monitor.services.readings import record_entered_reading
from monitor.services.recovery import recovery_status
from monitor.ui.bedside import chairs, open_form, panel, readings, refresh
from monitor.ui.bedside.controls import PUMP_BUTTONS, in_sign_off
from monitor.ui.feedback import problem
from monitor.ui.ids import VITAL_INPUTS, Bedside
from monitor.web import request_args

PATH = "/bedside"
NAME = "Bedside"
ROLES = ("nurse", "physician")
IN_NAV = True


def layout(chair: str | None = None, **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    seated = views.chairs(database=rt.database, config=rt.config, actor=actor)
    if chair is None or chair not in rt.config.clinic.chairs:
        return chairs.chair_picker(rt.config.clinic.chairs, seated)
    if chair in seated:
        row = seated[chair]
        views.open_bedside(database=rt.database, actor=actor, session_id=row.session_id)
        card, place = bedside_pre_dose.card_for(row.session_id, actor)
        return panel.session_panel(
            chair,
            row.session_id,
            rt.config.protocol(row.protocol_id),
            refresh_ms=rt.config.app.bedside_refresh_seconds * 1000,
            keys=(new_key(), new_key(), new_key(), new_key()),
            pre_dose=card,
            course_place=place,
            interventions=bedside_interventions.cards(row.session_id, actor),
        )
    patients = views.patients_to_seat(database=rt.database, actor=actor)
    return open_form.open_form(chair, patients, rt.config, key=new_key())


def _refresh(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    view = bedside_view(actor, session_id)
    in_recovery = in_sign_off(SessionState(view.snapshot.header.state))
    recovery = for_session(recovery_status, actor, session_id) if in_recovery else None
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
        "entered": entered or dict.fromkeys(readings.FIELDS, no_update),
    }


def _save_reading(clicks: Any, session_id: Any, key: Any, entered: dict[str, Any]) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_READING)
    try:
        saved = for_session(
            record_entered_reading,
            actor,
            session_id,
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
    actor = auth.require(Action.INFUSION_EVENT)
    if ctx.triggered_id not in PUMP_BUTTONS:
        request_args.bad_request()
    try:
        recorded = for_session(
            record_infusion_event,
            actor,
            session_id,
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


def _save_cadss(
    clicks: Any, scores: Any, item_ids: Any, session_id: Any, key: Any
) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_RATING)
    scores, item_ids = request_args.list_arg(scores), request_args.list_arg(item_ids)
    if len(scores) != len(item_ids) or not all(isinstance(i, dict) for i in item_ids):
        request_args.bad_request()
    answers = {
        request_args.int_arg(i.get("item")): readings.score(v)
        for i, v in zip(item_ids, scores, strict=True)
    }
    kept = [no_update] * len(scores)
    try:
        saved = for_session(
            record_rating,
            actor,
            session_id,
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


def register_callbacks(app: Dash) -> None:
    bedside_recovery.register_callbacks(app)
    app.callback(output=refresh.refresh_outputs(), inputs=refreshed_by(), state=this_session())(
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
            **this_session(),
            "key": State(Bedside.READING_KEY, "data"),
            "entered": {name: State(Bedside.vital(name), "value") for name in readings.FIELDS},
        },
    )
    app.callback(
        output={
            "message": Output(Bedside.EVENT_MESSAGE, "children"),
            "key": Output(Bedside.EVENT_KEY, "data"),
            "version": version_bumped(),
            "reason": Output(Bedside.EVENT_REASON, "value"),
        },
        inputs={"taps": {button: Input(button, "n_clicks") for button in PUMP_BUTTONS}},
        state={
            **this_session(),
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
            "version": version_bumped(),
            "items": Output({"type": Bedside.CADSS_ITEM, "item": ALL}, "value"),
        },
        state={
            "scores": State({"type": Bedside.CADSS_ITEM, "item": ALL}, "value"),
            "item_ids": State({"type": Bedside.CADSS_ITEM, "item": ALL}, "id"),
            **this_session(),
            "key": State(Bedside.CADSS_KEY, "data"),
        },
    )
    bedside_endings.register_callbacks(app)
    bedside_pre_dose.register_callbacks(app)
    bedside_interventions.register_callbacks(app)
    bedside_open.register_open_session(app)
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
