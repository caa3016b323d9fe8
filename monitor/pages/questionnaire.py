"""The nurse enters a PHQ-9 or PCL-5 read out to the patient before dosing
(`/questionnaire/<session_id>?form=phq9|pcl5`, linked from the bedside), or hands the tablet
to the patient in patient mode. Opening it shows the patient's name and earlier totals, so
the opening is logged."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, dcc, html, no_update
from flask import abort

from monitor import auth, runtime
from monitor.domain.errors import DomainError
from monitor.domain.permissions import Action
from monitor.domain.questionnaire_items import FORMS, PHQ9, QuestionnaireForm
from monitor.domain.vocabulary import Questionnaire, Respondent
from monitor.services.errors import Conflict, NotFound
from monitor.services.patient_mode import start_patient_mode
from monitor.services.questionnaire_entry import questionnaire_context
from monitor.services.questionnaires import record_questionnaire
from monitor.ui import questionnaire_form as view
from monitor.web import request_args

PATH = "/questionnaire/<session_id>"
NAME = "Questionnaire"
ROLES = ("nurse", "physician")
IN_NAV = False
IDS = view.NURSE
ITEMS = {"type": IDS.item_type, "item": ALL}


def _form(code: object) -> QuestionnaireForm:
    try:
        return FORMS[Questionnaire(str(code or PHQ9.code.value))]
    except ValueError:
        return PHQ9


def _switch(session_id: int, current: QuestionnaireForm) -> Any:
    return html.Nav(
        [
            html.A(
                form.code.label,
                href=f"/questionnaire/{session_id}?form={form.code.value}",
                className="btn me-2 "
                + ("btn-secondary" if form is current else "btn-outline-secondary"),
                **(view.aria("current", "page") if form is current else {}),
            )
            for form in FORMS.values()
        ],
        className="mb-3",
        **view.aria("label", "Questionnaire"),
    )


def _handover(session_id: int) -> Any:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Patient mode", className="h5"),
                html.P(
                    "The patient fills in the questionnaires on this tablet; nothing else is "
                    "shown. When they finish, you are signed out and sign in again."
                ),
                html.Fieldset(
                    [
                        html.Legend("Questionnaires for the patient", className="fs-6"),
                        dbc.Checklist(
                            id=IDS.handover_forms,
                            options=[
                                {"label": f.code.label, "value": f.code.value}
                                for f in FORMS.values()
                            ],
                            value=[f.code.value for f in FORMS.values()],
                            inline=True,
                            className="q-choices mb-2",
                        ),
                    ]
                ),
                html.Div(id=IDS.handover_message, role="status"),
                dbc.Button("Hand the tablet to the patient", id=IDS.handover, color="secondary"),
                dcc.Location(id=IDS.go, refresh=True),
            ]
        ),
        className="mb-3",
    )


def layout(session_id: str = "", form: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_QUESTIONNAIRE)
    sid = request_args.record_id(session_id)
    try:
        if sid is None:
            raise NotFound("No such session")
        context = questionnaire_context(database=rt.database, actor=actor, session_id=sid)
    except NotFound:
        return html.Div(
            [
                html.H1("Questionnaire", className="h3"),
                html.P(f"Session {session_id[:20]} was not found."),
            ]
        )
    chosen = _form(form)
    top = [view.header(context, rt.config.clinic.zone), _switch(sid, chosen)]
    if not context.before_dosing:
        state = context.state.replace("_", " ")
        return html.Div(
            top
            + [view.refused(f"This session is {state}: questionnaires are taken before dosing.")]
        )
    return html.Div(
        top
        + [
            _handover(sid),
            dcc.Store(id=IDS.session, data=sid),
            view.form_body(chosen, IDS, uuid4().hex, large=False),
            view.action_bar(IDS, f"Save {chosen.code.label}", large=False),
        ],
        className="questionnaire-page",
    )


def _answers(answers: Any, item_ids: Any) -> dict[int | str, int | str]:
    """The answers the form sent, by item number; an unanswered item stays out (refused by
    the domain at its field)."""
    values, ids = request_args.list_arg(answers), request_args.list_arg(item_ids)
    if len(values) != len(ids) or not all(isinstance(i, dict) for i in ids):
        request_args.bad_request()
    return {
        request_args.int_arg(i.get("item")): v
        for i, v in zip(ids, values, strict=True)
        if isinstance(v, int | str) and not isinstance(v, bool)
    }


def _save(
    *, clicks: Any, session_id: Any, form: Any, key: Any, answers: Any, item_ids: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_QUESTIONNAIRE)
    chosen = _form(form)
    numbers = [
        request_args.int_arg(i.get("item"))
        for i in request_args.list_arg(item_ids)
        if isinstance(i, dict)
    ]
    items = _answers(answers, item_ids)
    try:
        saved = record_questionnaire(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=request_args.int_arg(session_id),
            questionnaire=chosen.code,
            items=items,
            respondent=Respondent.NURSE,
            idempotency_key=str(key or ""),
        )
    except DomainError as error:
        return {
            "message": view.refused(error),
            "key": uuid4().hex if isinstance(error, Conflict) else no_update,
            "marks": view.item_classes(numbers, view.missing_items(error), large=False),
            "values": [no_update] * len(numbers),
        }
    return {
        "message": view.saved_message(saved, chosen),
        "key": uuid4().hex,
        "marks": view.item_classes(numbers, (), large=False),
        "values": [None] * len(numbers),
    }


def _start_patient_mode(*, clicks: Any, session_id: Any, forms: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_QUESTIONNAIRE)
    sign_in = auth.current_sign_in_id()
    if sign_in is None:
        abort(401)
    chosen = tuple(str(f) for f in request_args.list_arg(forms or []))
    try:
        start_patient_mode(
            database=rt.database,
            actor=actor,
            sign_in_id=sign_in,
            session_id=request_args.int_arg(session_id),
            questionnaires=chosen,
        )
    except DomainError as error:
        return {"message": view.refused(error), "go": no_update}
    return {"message": "", "go": "/patient-mode"}


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "message": Output(IDS.result, "children"),
            "key": Output(IDS.key, "data"),
            "marks": Output(ITEMS, "className"),
            "values": Output(ITEMS, "value"),
        },
        inputs={"clicks": Input(IDS.submit, "n_clicks")},
        state={
            "session_id": State(IDS.session, "data"),
            "form": State(IDS.form, "data"),
            "key": State(IDS.key, "data"),
            "answers": State(ITEMS, "value"),
            "item_ids": State(ITEMS, "id"),
        },
        prevent_initial_call=True,
    )(_save)
    app.callback(
        output={
            "message": Output(IDS.handover_message, "children"),
            "go": Output(IDS.go, "href"),
        },
        inputs={"clicks": Input(IDS.handover, "n_clicks")},
        state={
            "session_id": State(IDS.session, "data"),
            "forms": State(IDS.handover_forms, "value"),
        },
        prevent_initial_call=True,
    )(_start_patient_mode)
