"""Patient mode (`/patient-mode`): the tablet shows only the questionnaires the nurse chose,
with large answer buttons. Each is stored as the patient's answers under the nurse signed
in; the last one ends that sign-in and the tablet shows a locked "hand the tablet back"
screen. auth.py keeps a sign-in in patient mode on this page and its `pm-` callbacks."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, html, no_update
from flask import abort

from monitor import auth, runtime
from monitor.domain.errors import DomainError
from monitor.domain.permissions import Action
from monitor.domain.questionnaire_items import FORMS
from monitor.domain.questionnaires import form_of
from monitor.services.patient_mode import patient_mode_state, submit_patient_questionnaire
from monitor.ui import questionnaire_form as view
from monitor.web import request_args

PATH = "/patient-mode"
NAME = "Patient mode"
ROLES = ("nurse", "physician")
IN_NAV = False
IDS = view.PATIENT
ITEMS = {"type": IDS.item_type, "item": ALL}
SUBMIT = "Save my answers"


def layout(**_: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.RECORD_QUESTIONNAIRE)
    sign_in = auth.current_sign_in_id()
    state = (
        patient_mode_state(database=rt.database, sign_in_id=sign_in)
        if sign_in is not None
        else None
    )
    if state is None:
        return html.Div(
            [
                html.H1("Patient mode", className="h3"),
                html.P(
                    "Patient mode is not on. Start it from the patient's questionnaire screen "
                    "at the bedside."
                ),
            ]
        )
    body: Any = (
        view.form_body(FORMS[state.pending[0]], IDS, uuid4().hex, large=True)
        if state.pending
        else view.locked_screen()
    )
    return html.Div(
        [
            html.Div(body, id=IDS.body),
            view.action_bar(IDS, SUBMIT, large=True),
        ],
        className="patient-mode",
    )


def _submit(*, clicks: Any, form: Any, key: Any, answers: Any, item_ids: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_QUESTIONNAIRE)
    sign_in = auth.current_sign_in_id()
    if sign_in is None:
        abort(401)
    ids = [i for i in request_args.list_arg(item_ids) if isinstance(i, dict)]
    numbers = [request_args.int_arg(i.get("item")) for i in ids]
    values = request_args.list_arg(answers)
    if len(values) != len(numbers):
        request_args.bad_request()
    items: dict[int | str, int | str] = {
        n: v for n, v in zip(numbers, values, strict=True) if isinstance(v, int | str)
    }
    try:
        chosen = form_of(str(form or ""))
        done = submit_patient_questionnaire(
            database=rt.database,
            config=rt.config,
            actor=actor,
            sign_in_id=sign_in,
            questionnaire=chosen.code,
            items=items,
            idempotency_key=str(key or ""),
        )
    except DomainError as error:
        marked = view.missing_items(error)
        return {
            "message": view.refused(
                "Please answer every question: the ones still to answer are marked."
                if marked
                else error
            ),
            "body": no_update,
            "hidden": no_update,
            "marks": view.item_classes(numbers, marked, large=True),
        }
    if done.next is None:
        return {
            "message": "",
            "body": view.locked_screen(),
            "hidden": True,
            "marks": view.item_classes(numbers, (), large=True),
        }
    return {
        "message": view.thanks(f"Thank you. Next: the {done.next.label}."),
        "body": view.form_body(FORMS[done.next], IDS, uuid4().hex, large=True),
        "hidden": False,
        "marks": view.item_classes(numbers, (), large=True),
    }


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "message": Output(IDS.result, "children"),
            "body": Output(IDS.body, "children"),
            "hidden": Output(IDS.bar, "hidden"),
            "marks": Output(ITEMS, "className"),
        },
        inputs={"clicks": Input(IDS.submit, "n_clicks")},
        state={
            "form": State(IDS.form, "data"),
            "key": State(IDS.key, "data"),
            "answers": State(ITEMS, "value"),
            "item_ids": State(ITEMS, "id"),
        },
        prevent_initial_call=True,
    )(_submit)
