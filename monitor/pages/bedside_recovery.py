"""The recovery card's callbacks: assessment, the nurse's and the physician's signatures.
Part of the bedside screen (registered by monitor.pages.bedside). The physician's approval
panel, with its open HIGH alerts to acknowledge, is registered here once per page that shows
it: the bedside card and the session record page (monitor.pages.session).

Callbacks name their inputs and outputs (Dash's dictionary form): each answers a dict under
the names it is wired with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dash import Dash, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from monitor import auth, runtime
from monitor.domain.errors import InvalidEntry, in_words
from monitor.domain.permissions import Action
from monitor.pages.bedside_wiring import for_session, new_key, on_tap, this_session
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.recovery import recovery_status
from monitor.services.recovery_assessment import record_assessment
from monitor.services.sign_off import approve_discharge, sign_performed
from monitor.ui import recovery_view
from monitor.ui.feedback import notice, problem
from monitor.ui.ids import Bedside, Recovery
from monitor.ui.recovery_view import ApprovalIds
from monitor.web import request_args


def _aldrete_score(value: Any) -> int:
    """An Aldrete item as sent by the page; -1 (refused by the service) if not a whole number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _save(
    clicks: Any,
    session_id: Any,
    activity: Any,
    respiration: Any,
    consciousness: Any,
    checked: Any,
    key: Any,
) -> dict[str, Any]:
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        for_session(
            record_assessment,
            actor,
            session_id,
            activity=_aldrete_score(activity),
            respiration=_aldrete_score(respiration),
            consciousness=_aldrete_score(consciousness),
            confirmed=[str(c) for c in request_args.list_arg(checked)],
            idempotency_key=str(key or ""),
        )
    except Conflict as error:
        return {"message": problem(error), "key": new_key(), "version": 1}
    except DomainError as error:
        return {"message": problem(error), "key": no_update, "version": no_update}
    return {"message": notice("Assessment saved."), "key": new_key(), "version": 1}


def _tapped(clicks: Any) -> None:
    """Dash calls a callback when its button first appears (the role's panels are rendered
    after the page): only a real tap signs or acknowledges."""
    if not clicks:
        raise PreventUpdate


def _sign(clicks: Any, session_id: Any, password: Any) -> dict[str, Any]:
    actor = auth.require(Action.VIEW_BEDSIDE)
    _tapped(clicks)
    try:
        for_session(
            sign_performed,
            actor,
            session_id,
            password=str(password or ""),
        )
    except DomainError as error:
        return {"message": problem(error), "password": "", "version": no_update}
    return {"message": notice("Assessment signed (performed)."), "password": "", "version": 1}


def _signers(session_id: Any) -> Any:
    """The signature panels of the signed-in role (the nurse never sees the approval)."""
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    request_args.int_arg(session_id)
    refresh_ms = rt.config.app.bedside_refresh_seconds * 1000
    return recovery_view.signers(actor.role.value, refresh_ms, new_key())


# ---- the physician's approval panel, shared by the bedside card and the session record -----


def _version(value: Any) -> int:
    return value + 1 if isinstance(value, int) and not isinstance(value, bool) else 1


def _panel(with_status: bool) -> Callable[..., dict[str, Any]]:
    def refresh(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
        rt = runtime.current()
        actor = auth.require(Action.DISCHARGE)
        try:
            view = for_session(
                recovery_status,
                actor,
                session_id,
            )
        except NotFound:
            request_args.not_found()
        zone = rt.config.clinic.zone
        shown = recovery_view.panel_state(view, zone)
        return {**shown, "status": recovery_view.status_panel(view, zone)} if with_status else shown

    return refresh


def _approve(clicks: Any, session_id: Any, password: Any, override: Any, version: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.DISCHARGE)
    _tapped(clicks)
    sid = request_args.int_arg(session_id)
    try:
        approve_discharge(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=sid,
            password=str(password or ""),
            override_reason=str(override or "") or None,
        )
    except InvalidEntry as error:
        told = recovery_view.refusal([p.message for p in error.problems])
        shown = recovery_view.outcome(told, False)
    except DomainError as error:
        shown = recovery_view.outcome(in_words(error), False)
    else:
        shown = recovery_view.outcome(recovery_view.approved_message(sid), True)
    return {"outcome": shown, "password": "", "version": _version(version)}


def _excursion_ids(value: Any) -> list[int]:
    """The alerts the panel showed, as it stored them; anything else is refused."""
    return [request_args.int_arg(i) for i in request_args.list_arg(value)]


def _acknowledge(
    clicks: Any, shown: Any, action: Any, note: Any, key: Any, version: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.ACKNOWLEDGE)
    _tapped(clicks)
    ids = _excursion_ids(shown)
    try:
        done = acknowledge_excursions(
            database=rt.database,
            config=rt.config,
            actor=actor,
            excursion_ids=ids,
            action=str(action or ""),
            note=None if note is None else str(note),
            idempotency_key=str(key or ""),
        )
    except Conflict as error:  # already done with this key: a fresh one for the next
        return _acknowledged(problem(error), new_key(), no_update, version)
    except DomainError as error:
        return _acknowledged(problem(error), no_update, no_update, version)
    count = len(done.excursion_ids)
    told = notice(f"Acknowledged {count} alert{'s' if count != 1 else ''}.")
    return _acknowledged(told, new_key(), "", version)


def _acknowledged(told: Any, next_key: Any, note: Any, version: Any) -> dict[str, Any]:
    """What the acknowledgement shows; the panel's version moves on either way."""
    return {"message": told, "key": next_key, "note": note, "version": _version(version)}


def register_approval(
    app: Dash,
    ids: ApprovalIds,
    session: State,
    *,
    with_status: bool = False,
    also: Sequence[Output] = (),
) -> None:
    """The approval panel's callbacks on one page; `also` are stores bumped after each
    action (the bedside refreshes itself from its version)."""

    def bumping(call: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def answer(**values: Any) -> dict[str, Any]:
            return {**call(**values), **({"also": dict.fromkeys(bumped, 1)} if also else {})}

        return answer

    bumped = {
        o.component_id: Output(o.component_id, o.component_property, allow_duplicate=True)
        for o in also
    }
    also_bumped = {"also": bumped} if also else {}
    status = {"status": Output(ids.status, "children")} if with_status else {}
    app.callback(
        output={
            "alerts": Output(ids.alerts, "children"),
            "alert_ids": Output(ids.alert_ids, "data"),
            "ack_section": Output(ids.ack_section, "style"),
            "approve_section": Output(ids.approve_section, "style"),
            **status,
        },
        inputs={
            "refresh_tick": Input(ids.refresh, "n_intervals"),
            "version": Input(ids.version, "data"),
        },
        state={"session_id": session},
    )(_panel(with_status))
    on_tap(
        app,
        ids.approve,
        bumping(_approve),
        output={
            "outcome": {
                "message": Output(ids.outcome, "children"),
                "is_open": Output(ids.outcome, "is_open"),
                "header": Output(ids.outcome, "header"),
                "outline": Output(ids.outcome, "className"),
            },
            "password": Output(ids.password, "value"),
            "version": Output(ids.version, "data"),
            **also_bumped,
        },
        state={
            "session_id": session,
            "password": State(ids.password, "value"),
            "override": State(ids.override, "value"),
            "version": State(ids.version, "data"),
        },
    )
    on_tap(
        app,
        ids.ack,
        bumping(_acknowledge),
        output={
            "message": Output(ids.ack_message, "children"),
            "key": Output(ids.ack_key, "data"),
            "note": Output(ids.ack_note, "value"),
            "version": Output(ids.version, "data", allow_duplicate=True),
            **also_bumped,
        },
        state={
            "shown": State(ids.alert_ids, "data"),
            "action": State(ids.ack_action, "value"),
            "note": State(ids.ack_note, "value"),
            "key": State(ids.ack_key, "data"),
            "version": State(ids.version, "data"),
        },
    )


def register_callbacks(app: Dash) -> None:
    on_tap(
        app,
        Recovery.SAVE,
        _save,
        output={
            "message": Output(Recovery.MESSAGE, "children"),
            "key": Output(Recovery.KEY, "data"),
            "version": Output(Bedside.VERSION, "data", allow_duplicate=True),
        },
        state={
            **this_session(),
            "activity": State(Recovery.ACTIVITY, "value"),
            "respiration": State(Recovery.RESPIRATION, "value"),
            "consciousness": State(Recovery.CONSCIOUSNESS, "value"),
            "checked": State(Recovery.CHECKLIST, "value"),
            "key": State(Recovery.KEY, "data"),
        },
    )
    on_tap(
        app,
        Recovery.SIGN,
        _sign,
        output={
            "message": Output(Recovery.MESSAGE, "children", allow_duplicate=True),
            "password": Output(Recovery.SIGN_PASSWORD, "value"),
            "version": Output(Bedside.VERSION, "data", allow_duplicate=True),
        },
        state={
            **this_session(),
            "password": State(Recovery.SIGN_PASSWORD, "value"),
        },
    )
    app.callback(
        Output(recovery_view.SIGNERS, "children"),
        Input(Bedside.SESSION, "data"),
    )(_signers)
    register_approval(
        app,
        recovery_view.BEDSIDE,
        State(Bedside.SESSION, "data"),
        also=[Output(Bedside.VERSION, "data")],
    )
