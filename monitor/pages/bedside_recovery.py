"""The recovery card's callbacks: assessment, the nurse's and the physician's signatures.
Part of the bedside screen (registered by monitor.pages.bedside). The physician's approval
panel, with its open HIGH alerts to acknowledge, is registered here once per page that shows
it: the bedside card and the session record page (monitor.pages.session)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update
from dash.dependencies import DashDependency
from dash.exceptions import PreventUpdate

from monitor import auth, runtime
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Action
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.recovery import recovery_status
from monitor.services.recovery_assessment import record_assessment
from monitor.services.sign_off import approve_discharge, sign_performed
from monitor.ui import bedside_view as render
from monitor.ui import recovery_view
from monitor.ui.ids import Bedside, Recovery
from monitor.ui.recovery_view import ApprovalIds

KEEP = no_update


def _score(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _save(
    _: int,
    session_id: Any,
    activity: Any,
    respiration: Any,
    consciousness: Any,
    checked: Any,
    key: Any,
) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        record_assessment(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            activity=_score(activity),
            respiration=_score(respiration),
            consciousness=_score(consciousness),
            confirmed=[str(c) for c in auth.list_arg(checked)],
            idempotency_key=str(key or ""),
        )
    except Conflict as error:
        return render.problem(error), uuid4().hex, 1
    except DomainError as error:
        return render.problem(error), KEEP, KEEP
    return render.notice("Assessment saved."), uuid4().hex, 1


def _tapped(clicks: Any) -> None:
    """Dash calls a callback when its button first appears (the role's panels are rendered
    after the page): only a real tap signs or acknowledges."""
    if not clicks:
        raise PreventUpdate


def _sign(clicks: int, session_id: Any, password: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    _tapped(clicks)
    try:
        sign_performed(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            password=str(password or ""),
        )
    except DomainError as error:
        return render.problem(error), "", KEEP
    return render.notice("Assessment signed (performed)."), "", 1


def _signers(session_id: Any) -> Any:
    """The signature panels of the signed-in role (the nurse never sees the approval)."""
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    auth.int_arg(session_id)
    refresh_ms = rt.config.app.bedside_refresh_seconds * 1000
    return recovery_view.signers(actor.role.value, refresh_ms, uuid4().hex)


# ---- the physician's approval panel, shared by the bedside card and the session record -----


def _version(value: Any) -> int:
    return value + 1 if isinstance(value, int) and not isinstance(value, bool) else 1


def _panel(with_status: bool) -> Callable[..., tuple[Any, ...]]:
    def refresh(_: Any, __: Any, session_id: Any) -> tuple[Any, ...]:
        rt = runtime.current()
        actor = auth.require(Action.DISCHARGE)
        try:
            view = recovery_status(
                database=rt.database,
                config=rt.config,
                actor=actor,
                session_id=auth.int_arg(session_id),
            )
        except NotFound:
            auth.not_found()
        zone = rt.config.clinic.zone
        shown = recovery_view.panel_state(view, zone)
        return (*shown, recovery_view.status(view, zone)) if with_status else shown

    return refresh


def _approve(clicks: int, session_id: Any, password: Any, override: Any, version: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.DISCHARGE)
    _tapped(clicks)
    sid = auth.int_arg(session_id)
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
        return (*recovery_view.outcome(told, False), "", _version(version))
    except DomainError as error:
        return (*recovery_view.outcome(render.describe(error), False), "", _version(version))
    done = recovery_view.approved_message(sid)
    return (*recovery_view.outcome(done, True), "", _version(version))


def _excursion_ids(value: Any) -> list[int]:
    """The alerts the panel showed, as it stored them; anything else is refused."""
    return [auth.int_arg(i) for i in auth.list_arg(value)]


def _acknowledge(
    clicks: int, shown: Any, action: Any, note: Any, key: Any, version: Any
) -> tuple[Any, ...]:
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
    except Conflict as error:
        return render.problem(error), uuid4().hex, no_update, _version(version)
    except DomainError as error:
        return render.problem(error), no_update, no_update, _version(version)
    count = len(done.excursion_ids)
    told = render.notice(f"Acknowledged {count} alert{'s' if count != 1 else ''}.")
    return told, uuid4().hex, "", _version(version)


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

    def bump(call: Callable[..., Any]) -> Callable[..., tuple[Any, ...]]:
        return lambda *args: (*call(*args), *[1 for _ in also])

    extra: list[DashDependency] = [
        Output(o.component_id, o.component_property, allow_duplicate=True) for o in also
    ]
    app.callback(
        Output(ids.alerts, "children"),
        Output(ids.alert_ids, "data"),
        Output(ids.ack_section, "style"),
        Output(ids.approve_section, "style"),
        *([Output(ids.status, "children")] if with_status else []),
        Input(ids.refresh, "n_intervals"),
        Input(ids.version, "data"),
        session,
    )(_panel(with_status))
    app.callback(
        Output(ids.outcome, "children"),
        Output(ids.outcome, "is_open"),
        Output(ids.outcome, "header"),
        Output(ids.outcome, "className"),
        Output(ids.password, "value"),
        Output(ids.version, "data"),
        *extra,
        Input(ids.approve, "n_clicks"),
        session,
        State(ids.password, "value"),
        State(ids.override, "value"),
        State(ids.version, "data"),
        prevent_initial_call=True,
    )(bump(_approve))
    app.callback(
        Output(ids.ack_message, "children"),
        Output(ids.ack_key, "data"),
        Output(ids.ack_note, "value"),
        Output(ids.version, "data", allow_duplicate=True),
        *extra,
        Input(ids.ack, "n_clicks"),
        State(ids.alert_ids, "data"),
        State(ids.ack_action, "value"),
        State(ids.ack_note, "value"),
        State(ids.ack_key, "data"),
        State(ids.version, "data"),
        prevent_initial_call=True,
    )(bump(_acknowledge))


def register_callbacks(app: Dash) -> None:
    R, B = Recovery, Bedside
    app.callback(
        Output(R.MESSAGE, "children"),
        Output(R.KEY, "data"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Input(R.SAVE, "n_clicks"),
        State(B.SESSION, "data"),
        State(R.ACTIVITY, "value"),
        State(R.RESPIRATION, "value"),
        State(R.CONSCIOUSNESS, "value"),
        State(R.CHECKLIST, "value"),
        State(R.KEY, "data"),
        prevent_initial_call=True,
    )(_save)
    app.callback(
        Output(R.MESSAGE, "children", allow_duplicate=True),
        Output(R.SIGN_PASSWORD, "value"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Input(R.SIGN, "n_clicks"),
        State(B.SESSION, "data"),
        State(R.SIGN_PASSWORD, "value"),
        prevent_initial_call=True,
    )(_sign)
    app.callback(
        Output(recovery_view.SIGNERS, "children"),
        Input(B.SESSION, "data"),
    )(_signers)
    register_approval(
        app, recovery_view.BEDSIDE, State(B.SESSION, "data"), also=[Output(B.VERSION, "data")]
    )
