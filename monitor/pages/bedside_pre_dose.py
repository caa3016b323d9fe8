"""The bedside's pre-dose check (issue 12): the card refreshed with the panel, and the
physician's clearance with its reason. Registered by monitor.pages.bedside."""

from __future__ import annotations

from typing import Any

from dash import Dash, Output, State, no_update
from flask import abort

from monitor import auth, runtime
from monitor.domain.permissions import Action, Role
from monitor.pages import patient_mode
from monitor.pages.bedside_wiring import (
    for_session,
    new_key,
    on_tap,
    refreshed_by,
    this_session,
    version_bumped,
)
from monitor.services.errors import Conflict, DomainError, InvalidEntry, NotFound
from monitor.services.patient_mode import start_patient_mode
from monitor.services.pre_dose import PreDoseStatus, clear_pre_dose, pre_dose_status
from monitor.ui.bedside import pre_dose
from monitor.ui.feedback import notice, problem
from monitor.ui.ids import PreDose
from monitor.web import request_args


def status_of(session_id: Any) -> PreDoseStatus:
    """The session's pre-dose status (the caller has checked the role); unknown → 404."""
    rt = runtime.current()
    try:
        return pre_dose_status(
            database=rt.database, config=rt.config, session_id=request_args.int_arg(session_id)
        )
    except NotFound:
        request_args.not_found()


def card_for(session_id: int, actor: Any) -> tuple[Any, str]:
    """The card and the session's place in its course, for the panel's layout."""
    view = status_of(session_id)
    physician = actor.role is Role.PHYSICIAN
    return (
        pre_dose.card(session_id, physician=physician, key=new_key()),
        pre_dose.course_place(view.course_sequence, view.planned_sessions),
    )


def _refresh(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_BEDSIDE)
    return pre_dose.refreshed(
        status_of(session_id), rt.config.clinic.zone, physician=actor.role is Role.PHYSICIAN
    )


def _answer(
    message: Any, *, key: Any = no_update, reason: Any = no_update, bad: str = ""
) -> dict[str, Any]:
    return {
        "message": message,
        "key": key,
        "reason": reason,
        "reason_invalid": bool(bad),
        "reason_problem": bad,
        "version": no_update if key is no_update else new_key(),
    }


def _clear(clicks: Any, session_id: Any, concern: Any, reason: Any, key: Any) -> dict[str, Any]:
    actor = auth.require(Action.CLEAR_PRE_DOSE)
    try:
        cleared = for_session(
            clear_pre_dose,
            actor,
            session_id,
            concern=str(concern or ""),
            reason=str(reason or ""),
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        bad = " ".join(p.message for p in error.problems if p.field == "reason")
        return _answer(problem(error), bad=bad)
    except Conflict as error:
        return _answer(problem(error), key=new_key())
    except DomainError as error:
        return _answer(problem(error))
    done = f"{cleared.concern.label}: cleared" + (
        " (the self-harm flag is acknowledged)" if cleared.flags_acknowledged else ""
    )
    return _answer(notice(done), key=new_key(), reason="")


def _patient_mode(clicks: Any, session_id: Any, forms: Any) -> dict[str, Any]:
    """Turn this sign-in into patient mode for the session's questionnaires, then go."""
    rt = runtime.current()
    actor = auth.require(Action.RECORD_QUESTIONNAIRE)
    sign_in = auth.current_sign_in_id()
    if sign_in is None:
        abort(401)
    try:
        start_patient_mode(
            database=rt.database,
            actor=actor,
            sign_in_id=sign_in,
            session_id=request_args.int_arg(session_id),
            questionnaires=tuple(str(f) for f in request_args.list_arg(forms or [])),
        )
    except DomainError as error:
        return {"message": problem(error), "go": no_update}
    return {"message": "", "go": patient_mode.PATH}


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "status": Output(PreDose.STATUS, "children"),
            "card_style": Output(PreDose.CARD, "style"),
            "form_style": Output(PreDose.FORM, "style"),
        },
        inputs=refreshed_by(),
        state=this_session(),
    )(_refresh)
    on_tap(
        app,
        PreDose.CLEAR,
        _clear,
        output={
            "message": Output(PreDose.MESSAGE, "children"),
            "key": Output(PreDose.KEY, "data"),
            "reason": Output(PreDose.REASON, "value"),
            "reason_invalid": Output(PreDose.REASON, "invalid"),
            "reason_problem": Output(PreDose.REASON_PROBLEM, "children"),
            "version": version_bumped(),
        },
        state={
            **this_session(),
            "concern": State(PreDose.CONCERN, "value"),
            "reason": State(PreDose.REASON, "value"),
            "key": State(PreDose.KEY, "data"),
        },
    )
    on_tap(
        app,
        PreDose.PATIENT_MODE,
        _patient_mode,
        output={
            "message": Output(PreDose.PATIENT_MODE_MESSAGE, "children"),
            "go": Output(PreDose.PATIENT_MODE_GO, "href"),
        },
        state={**this_session(), "forms": State(PreDose.PATIENT_MODE_FORMS, "value")},
    )
