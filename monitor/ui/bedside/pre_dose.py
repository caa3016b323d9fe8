"""The bedside's pre-dose card, before the infusion starts: what is still missing (in the
words START refuses with), the clearances given, links to the questionnaires, and the
physician's clearance form with its reason. Also the session's place in its course."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vocabulary import PreDoseConcern, Questionnaire
from monitor.ui.bedside.panel import ASSERTIVE, HIDDEN, POLITE
from monitor.ui.components import local_time
from monitor.ui.ids import PreDose

if TYPE_CHECKING:
    from monitor.services.pre_dose import PreDoseStatus

SHOWN: Any = {"display": "block"}
QUESTIONNAIRE_NAMES = {Questionnaire.PHQ9: "PHQ-9", Questionnaire.PCL5: "PCL-5"}


def course_place(sequence: int | None, planned: int | None) -> str:
    """'Session 3 of 6'; 'Session 7' beyond or without a plan; nothing before courses."""
    if sequence is None:
        return ""
    return f"Session {sequence} of {planned}" if planned else f"Session {sequence}"


def card(session_id: int, *, physician: bool, key: str) -> dbc.Card:
    """The card's frame; the refresh fills the status and shows the card before dosing."""
    links = [
        dcc.Link(
            f"Enter {name}",
            href=f"/questionnaire/{session_id}?form={q.value}",
            className="btn btn-secondary btn-lg me-2 mb-2",
            id=f"bed-questionnaire-{q.value}",
        )
        for q, name in QUESTIONNAIRE_NAMES.items()
    ]
    return dbc.Card(
        [
            dbc.CardHeader("Before the infusion: pre-dose check"),
            dbc.CardBody(
                [
                    html.Div(id=PreDose.STATUS, **POLITE),
                    html.Div(links, className="mt-2"),
                    _patient_mode(),
                    html.Div(
                        _clearance_form(key) if physician else None,
                        id=PreDose.FORM,
                        style=HIDDEN,
                    ),
                    # The clearance's outcome, outside the form the refresh hides once done.
                    html.Div(id=PreDose.MESSAGE, className="mt-2", **ASSERTIVE),
                ]
            ),
        ],
        id=PreDose.CARD,
        className="mb-3",
        style=HIDDEN,
    )


def _patient_mode() -> Any:
    """Hand the tablet to the patient for the chosen questionnaires: the screen then shows
    only them, and locks when they are done (the nurse signs in again)."""
    return html.Div(
        [
            dcc.Location(id=PreDose.PATIENT_MODE_GO, refresh=True),
            dbc.Label("The patient fills in", html_for=PreDose.PATIENT_MODE_FORMS),
            dbc.Checklist(
                id=PreDose.PATIENT_MODE_FORMS,
                options=[{"label": n, "value": q.value} for q, n in QUESTIONNAIRE_NAMES.items()],
                value=[q.value for q in QUESTIONNAIRE_NAMES],
                inline=True,
                className="q-choices",
            ),
            dbc.Button(
                "Patient mode: hand the tablet over",
                id=PreDose.PATIENT_MODE,
                color="secondary",
                size="lg",
                className="mt-1",
            ),
            html.Div(id=PreDose.PATIENT_MODE_MESSAGE, className="mt-2", **ASSERTIVE),
        ],
        className="mt-2",
    )


def _clearance_form(key: str) -> Any:
    """The physician's clearance: which concern, and why the infusion may start."""
    return html.Div(
        [
            dcc.Store(id=PreDose.KEY, data=key),
            html.H2("Physician's clearance", className="h6 mt-3"),
            dbc.Label("What you clear", html_for=PreDose.CONCERN),
            dbc.Select(
                id=PreDose.CONCERN,
                options=[{"label": c.label, "value": c.value} for c in PreDoseConcern],
                placeholder="Choose…",
                size="lg",
                className="mb-2",
            ),
            dbc.Label("Reason for clearing (required)", html_for=PreDose.REASON),
            dbc.Input(
                id=PreDose.REASON,
                type="text",
                maxLength=MAX_FREE_TEXT,
                autocomplete="off",
                size="lg",
            ),
            dbc.FormFeedback(id=PreDose.REASON_PROBLEM, type="invalid"),
            dbc.Button(
                "Clear to dose", id=PreDose.CLEAR, color="primary", size="lg", className="mt-2"
            ),
        ]
    )


def status(view: PreDoseStatus, zone: ZoneInfo) -> Any:
    """What is missing (or that nothing is), the clearances given, the questionnaires not
    yet taken this session."""
    if view.missing:
        head = dbc.Alert(
            [
                html.Strong("The infusion cannot start yet:"),
                html.Ul([html.Li(m) for m in view.missing], className="mb-0"),
            ],
            color="warning",
            id="bed-predose-missing",
            className="mb-2",
        )
    else:
        head = dbc.Alert(
            "Pre-dose check complete: the infusion may start",
            color="success",
            id="bed-predose-ready",
            className="mb-2",
        )
    given = [
        html.Li(
            f"{PreDoseConcern(c.concern).label}: cleared by {c.cleared_by} at "
            f"{local_time(c.cleared_at, zone)} — {c.reason}"
        )
        for c in view.clearances
    ]
    to_take = ", ".join(QUESTIONNAIRE_NAMES[q] for q in view.questionnaires_to_take)
    return html.Div(
        [
            head,
            html.Ul(given, id="bed-predose-clearances", className="small") if given else None,
            html.Div(f"Not yet taken this session: {to_take}", className="small")
            if to_take
            else None,
        ]
    )


def refreshed(view: PreDoseStatus, zone: ZoneInfo, *, physician: bool) -> dict[str, Any]:
    """The card as it stands: shown before dosing only; the form while a concern waits."""
    return {
        "status": status(view, zone),
        "card_style": SHOWN if view.before_dosing else HIDDEN,
        "form_style": SHOWN if physician and view.before_dosing and view.to_clear else HIDDEN,
    }
