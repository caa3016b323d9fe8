"""The bedside recovery card's callbacks: assessment, the nurse's and the physician's
signatures. Part of the bedside screen (registered by monitor.pages.bedside)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services.errors import Conflict, DomainError
from monitor.services.recovery import approve_discharge, record_assessment, sign_performed
from monitor.ui import bedside_view as render
from monitor.ui.ids import Bedside, Recovery

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


def _sign(_: int, session_id: Any, password: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
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


def _approve(_: int, session_id: Any, password: Any, override: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    try:
        approve_discharge(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            password=str(password or ""),
            override_reason=str(override or "") or None,
        )
    except DomainError as error:
        return render.problem(error), "", KEEP
    return render.notice("Discharge approved: the record is signed and locked."), "", 1


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
        Output(R.MESSAGE, "children", allow_duplicate=True),
        Output(R.APPROVE_PASSWORD, "value"),
        Output(B.VERSION, "data", allow_duplicate=True),
        Input(R.APPROVE, "n_clicks"),
        State(B.SESSION, "data"),
        State(R.APPROVE_PASSWORD, "value"),
        State(R.OVERRIDE, "value"),
        prevent_initial_call=True,
    )(_approve)
