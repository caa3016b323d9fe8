"""The bedside's rescue-medications card (issue 13): refreshed with the panel; the nurse's
"Give" (on standing order, or "Give as ordered"); the physician's signed "Order".
Registered by monitor.pages.bedside_interventions."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.config.interventions import RescueDrug
from monitor.db.types import utcnow
from monitor.domain.permissions import Action, Role
from monitor.pages.bedside_wiring import (
    for_session,
    new_key,
    on_tap,
    refreshed_by,
    this_session,
    version_bumped,
)
from monitor.services.errors import Conflict, DomainError, InvalidEntry, NotFound
from monitor.services.medication_orders import order_medication
from monitor.services.medication_record import ADVERSE_EVENT, EXCURSION
from monitor.services.medications import (
    give_medication,
    indications_of,
    medications_of,
    open_orders,
)
from monitor.ui.bedside import medication_card as view
from monitor.ui.bedside.medication_card import GIVE_FIELDS, ORDER_FIELDS, Meds
from monitor.ui.feedback import notice, problem
from monitor.web import request_args


def _drug(code: Any) -> RescueDrug | None:
    try:
        return runtime.current().config.formulary.drug(code) if isinstance(code, str) else None
    except KeyError:
        return None


def _now_text() -> str:
    return utcnow().astimezone(runtime.current().config.clinic.zone).strftime("%H:%M")


def card_for(session_id: int, actor: Any) -> Any:
    """The card for the panel's layout."""
    config = runtime.current().config
    return view.card(
        config.formulary,
        physician=actor.role is Role.PHYSICIAN,
        key=new_key(),
        order_key=new_key(),
        now=_now_text(),
    )


def _session(session_id: Any) -> int:
    return request_args.int_arg(session_id)


def _refresh(
    refresh_tick: Any, version: Any, session_id: Any, chosen: Any, shown: Any
) -> dict[str, Any]:
    """The lists (what was given, the orders waiting, the indications to pick from), drawn
    again only when what they show has changed: the timer's tick every few seconds must not
    replace the "Give as ordered" button or the indication picker under the nurse's tap."""
    auth.require(Action.VIEW_BEDSIDE)
    rt = runtime.current()
    sid, zone = _session(session_id), rt.config.clinic.zone
    doses = medications_of(rt.database, sid)
    orders = open_orders(rt.database, sid)
    choices = indications_of(rt.database, sid)
    now = view.fingerprint(doses, orders, choices)
    if now == shown:
        return dict.fromkeys(("shown", "given", "waiting", "indications", "indication"), no_update)
    options = view.indication_options(choices, zone)
    return {
        "shown": now,
        "given": view.given_list(doses, zone),
        "waiting": view.waiting_list(orders, zone),
        "indications": options,
        "indication": view.indication_kept(chosen, options),
    }


def _picked(drug: Any, order: Any) -> dict[str, Any]:
    """A drug picked: its routes, its usual dose and the time now; an order being given
    (tapped "Give as ordered") keeps its own route and dose while its drug stays picked."""
    auth.require(Action.GIVE_MEDICATION)
    chosen = _drug(drug)
    routes = view.route_options(chosen)
    if isinstance(order, dict) and order.get("drug") == drug:
        return {
            "routes": routes,
            **dict.fromkeys(("route", "dose", "at", "order", "note"), no_update),
            "label": view.dose_label(chosen),
        }
    return {
        "routes": routes,
        "route": routes[0]["value"] if len(routes) == 1 else None,
        "dose": view.usual_dose(chosen) if chosen else "",
        "label": view.dose_label(chosen),
        "at": _now_text(),
        "order": None,
        "note": "",
    }


def _tapped() -> dict[str, Any] | None:
    """The "Give as ordered" button tapped (its id), or None: the list was redrawn (new
    buttons, no clicks), or the request named a changed button whose id is not JSON —
    nothing a browser sends, answered as nothing tapped rather than a 500."""
    try:
        trigger, fired = ctx.triggered_id, ctx.triggered
    except ValueError:
        return None
    if isinstance(trigger, dict) and fired and fired[0].get("value"):
        return trigger
    return None


def _give_as_ordered(taps: Any, session_id: Any) -> dict[str, Any]:
    """An order tapped: its drug, route and dose filled in, the time now."""
    auth.require(Action.GIVE_MEDICATION)
    trigger = _tapped()
    if trigger is None:
        # The waiting list redrawn by the refresh: nothing was tapped, nothing changes.
        return dict.fromkeys(("order", "drug", "routes", "route", "dose", "at", "note"), no_update)
    rt = runtime.current()
    wanted = request_args.int_arg(trigger.get("order"))
    waiting = open_orders(rt.database, _session(session_id))
    order = next((o for o in waiting if o.order_id == wanted), None)
    if order is None:
        request_args.not_found()
    return {
        "order": {"id": order.order_id, "drug": order.drug},
        "drug": order.drug,
        "routes": view.route_options(_drug(order.drug)),
        "route": order.route,
        "dose": f"{order.dose:g}",
        "at": _now_text(),
        "note": view.order_note(order),
    }


def _order_picked(drug: Any) -> dict[str, Any]:
    auth.require(Action.ORDER_MEDICATION)
    chosen = _drug(drug)
    routes = view.route_options(chosen)
    return {
        "routes": routes,
        "route": routes[0]["value"] if len(routes) == 1 else None,
        "dose": view.usual_dose(chosen) if chosen else "",
        "label": view.dose_label(chosen),
    }


def _indication(value: Any) -> tuple[int | str | None, int | str | None]:
    """The picked "ae-3" / "exc-5" as (adverse_event_id, excursion_id)."""
    kind, _, entry = str(value or "").partition("-")
    if kind == ADVERSE_EVENT:
        return entry or "x", None
    if kind == EXCURSION:
        return None, entry or "x"
    return None, None


def _answer(
    fields: tuple[str, ...], message: Any, problems: dict[str, str] | None = None, **more: Any
) -> dict[str, Any]:
    return {
        "message": message,
        "problems": view.problems_at(problems or {}, fields),
        "key": more.pop("key", no_update),
        "version": more.pop("version", no_update),
        **more,
    }


def _give(
    clicks: Any,
    session_id: Any,
    drug: Any,
    route: Any,
    dose: Any,
    given_at: Any,
    indication: Any,
    order: Any,
    key: Any,
) -> dict[str, Any]:
    actor = auth.require(Action.GIVE_MEDICATION)
    event_id, excursion_id = _indication(indication)
    try:
        given = for_session(
            give_medication,
            actor,
            session_id,
            drug=drug,
            dose=dose,
            route=route,
            given_at=given_at if isinstance(given_at, str) else "",
            adverse_event_id=event_id,
            excursion_id=excursion_id,
            order_id=order.get("id") if isinstance(order, dict) else None,
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        return _answer(
            GIVE_FIELDS,
            problem(error),
            {p.field: p.message for p in error.problems},
            order=no_update,
            note=no_update,
        )
    except Conflict as error:
        return _answer(GIVE_FIELDS, problem(error), key=new_key(), order=no_update, note=no_update)
    except NotFound:
        request_args.not_found()
    except DomainError as error:
        return _answer(GIVE_FIELDS, problem(error), order=no_update, note=no_update)
    return _answer(
        GIVE_FIELDS,
        notice(f"Given: {given.words}"),
        key=new_key(),
        version=new_key(),
        order=None,
        note="",
    )


def _order(
    clicks: Any,
    session_id: Any,
    drug: Any,
    route: Any,
    dose: Any,
    reason: Any,
    password: Any,
    key: Any,
) -> dict[str, Any]:
    actor = auth.require(Action.ORDER_MEDICATION)
    try:
        ordered = for_session(
            order_medication,
            actor,
            session_id,
            drug=drug,
            dose=dose,
            route=route,
            reason=reason if isinstance(reason, str) else None,
            password=password if isinstance(password, str) else "",
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        return _answer(
            ORDER_FIELDS, problem(error), {p.field: p.message for p in error.problems}, password=""
        )
    except Conflict as error:
        return _answer(ORDER_FIELDS, problem(error), key=new_key(), password="")
    except NotFound:
        request_args.not_found()
    except DomainError as error:
        return _answer(ORDER_FIELDS, problem(error), password="")
    at = ordered.ordered_at.astimezone(runtime.current().config.clinic.zone)
    done = f"Ordered: {ordered.words}, signed by {ordered.printed_name} at {at:%H:%M}"
    return _answer(ORDER_FIELDS, notice(done), key=new_key(), version=new_key(), password="")


def _problems(fields: tuple[str, ...], to: Any) -> dict[str, Output]:
    return {f: Output(to(f), "children") for f in fields}


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "shown": Output(Meds.SHOWN, "data"),
            "given": Output(Meds.GIVEN, "children"),
            "waiting": Output(Meds.WAITING, "children"),
            "indications": Output(Meds.INDICATION, "options"),
            "indication": Output(Meds.INDICATION, "value"),
        },
        inputs=refreshed_by(),
        state={
            **this_session(),
            "chosen": State(Meds.INDICATION, "value"),
            "shown": State(Meds.SHOWN, "data"),
        },
    )(_refresh)
    app.callback(
        output={
            "routes": Output(Meds.ROUTE, "options"),
            "route": Output(Meds.ROUTE, "value"),
            "dose": Output(Meds.DOSE, "value"),
            "label": Output(Meds.DOSE_LABEL, "children"),
            "at": Output(Meds.GIVEN_AT, "value"),
            "order": Output(Meds.ORDER, "data"),
            "note": Output(Meds.ORDER_NOTE, "children"),
        },
        inputs={"drug": Input(Meds.DRUG, "value")},
        state={"order": State(Meds.ORDER, "data")},
        prevent_initial_call=True,
    )(_picked)
    app.callback(
        output={
            "order": Output(Meds.ORDER, "data", allow_duplicate=True),
            "drug": Output(Meds.DRUG, "value"),
            "routes": Output(Meds.ROUTE, "options", allow_duplicate=True),
            "route": Output(Meds.ROUTE, "value", allow_duplicate=True),
            "dose": Output(Meds.DOSE, "value", allow_duplicate=True),
            "at": Output(Meds.GIVEN_AT, "value", allow_duplicate=True),
            "note": Output(Meds.ORDER_NOTE, "children", allow_duplicate=True),
        },
        inputs={"taps": Input({"type": Meds.GIVE_ORDER, "order": ALL}, "n_clicks")},
        state=this_session(),
        prevent_initial_call=True,
    )(_give_as_ordered)
    on_tap(
        app,
        Meds.GIVE,
        _give,
        output={
            "message": Output(Meds.MESSAGE, "children"),
            "problems": _problems(GIVE_FIELDS, Meds.problem),
            "key": Output(Meds.KEY, "data"),
            "version": version_bumped(),
            "order": Output(Meds.ORDER, "data", allow_duplicate=True),
            "note": Output(Meds.ORDER_NOTE, "children", allow_duplicate=True),
        },
        state={
            **this_session(),
            "drug": State(Meds.DRUG, "value"),
            "route": State(Meds.ROUTE, "value"),
            "dose": State(Meds.DOSE, "value"),
            "given_at": State(Meds.GIVEN_AT, "value"),
            "indication": State(Meds.INDICATION, "value"),
            "order": State(Meds.ORDER, "data"),
            "key": State(Meds.KEY, "data"),
        },
    )
    register_order_callbacks(app)


def register_order_callbacks(app: Dash) -> None:
    """The physician's: present on the card only for a physician, so not required."""
    app.callback(
        output={
            "routes": Output(Meds.O_ROUTE, "options"),
            "route": Output(Meds.O_ROUTE, "value"),
            "dose": Output(Meds.O_DOSE, "value"),
            "label": Output(Meds.O_DOSE_LABEL, "children"),
        },
        inputs={"drug": Input(Meds.O_DRUG, "value")},
        prevent_initial_call=True,
    )(_order_picked)
    on_tap(
        app,
        Meds.O_SUBMIT,
        _order,
        output={
            "message": Output(Meds.O_MESSAGE, "children"),
            "problems": _problems(ORDER_FIELDS, Meds.order_problem),
            "key": Output(Meds.O_KEY, "data"),
            "version": version_bumped(),
            "password": Output(Meds.O_PASSWORD, "value"),
        },
        state={
            **this_session(),
            "drug": State(Meds.O_DRUG, "value"),
            "route": State(Meds.O_ROUTE, "value"),
            "dose": State(Meds.O_DOSE, "value"),
            "reason": State(Meds.O_REASON, "value"),
            "password": State(Meds.O_PASSWORD, "value"),
            "key": State(Meds.O_KEY, "data"),
        },
    )
