"""Opening a session at a free chair, at the bedside: the weight prefilled, the dose shown,
then open, or each refusal of the service shown at its field (a course not ready for a
session is shown at the patient). Registered by monitor.pages.bedside."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from dash import Dash, Input, Output, State, no_update

from monitor import auth, runtime
from monitor.domain.errors import in_words
from monitor.domain.permissions import Action
from monitor.pages.bedside_wiring import on_tap
from monitor.services import bedside as views
from monitor.services.errors import DomainError, InvalidEntry
from monitor.services.session_lifecycle import open_session
from monitor.ui.bedside import open_form
from monitor.ui.feedback import problem
from monitor.ui.ids import Bedside
from monitor.web import request_args

BEDSIDE = "/bedside"  # where an opened session is shown


def _dose(weight: Any, protocol_id: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.OPEN_SESSION)
    try:
        plan = views.dose_preview(
            config=rt.config, protocol_id=str(protocol_id or ""), weight_kg=weight
        )
    except DomainError as error:
        return open_form.dose_problem(in_words(error), weight)
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
        return _not_opened([("patient", "Choose a patient")])
    try:
        opened = open_session(
            database=rt.database,
            config=rt.config,
            actor=actor,
            patient_id=request_args.int_arg(patient_id),
            chair=str(chair or ""),
            protocol_id=str(protocol_id or ""),
            weight_kg=weight,
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:  # each refusal at its field: what is missing, in words
        return _not_opened([(p.field, p.message) for p in error.problems])
    except DomainError as error:
        return {**_not_opened([]), "message": problem(error)}
    return {
        **_not_opened([]),
        "message": no_update,
        "redirect": f"{BEDSIDE}?chair={quote(str(chair))}&session={opened.session_id}",
    }


def _not_opened(problems: list[tuple[str, str]]) -> dict[str, Any]:
    """The open form's answer: each refusal at its field, and a word beside the button."""
    return {
        "message": problem("The session was not opened: see the field marked above")
        if problems
        else "",
        "redirect": no_update,
        "fields": open_form.field_problems(problems),
    }


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
            "fields": {slot: Output(slot, "children") for slot in open_form.FIELD_SLOTS.values()},
        },
        state={
            "chair": State(Bedside.CHAIR, "data"),
            "patient_id": State(Bedside.OPEN_PATIENT, "value"),
            "protocol_id": State(Bedside.OPEN_PROTOCOL, "value"),
            "weight": State(Bedside.OPEN_WEIGHT, "value"),
            "key": State(Bedside.OPEN_KEY, "data"),
        },
    )
