"""The course's forms: start a course, the screening checklist (from the config), the
physician's signed decision, consent witnessed with the witness's password, withdrawal,
and completing or stopping the course. Which forms show follows the course's standing and
the signed-in role; the auditor sees none."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config.course import ScreeningItem
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus, Indication, ScreeningAnswer, ScreeningDecision
from monitor.ui.ids import CoursePage as C

if TYPE_CHECKING:
    from monitor.services.course_record import CourseView, NewCourseChoices

OPEN = (CourseStatus.SCREENING, CourseStatus.ACTIVE)


def _field(label: str, control: Any, control_id: str, md: int = 6) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id), control], md=md, className="mb-2")


def _submit(text: str, button_id: str, message_id: str, key_id: str, color: str) -> list[Any]:
    """The form's button, its outcome under it, its submission key, and the reload that
    shows the course as it now stands once the action is done."""
    return [
        dcc.Store(id=key_id, data=uuid4().hex),
        dcc.Location(id=message_id.replace("-message", "-redirect"), refresh=True),
        dbc.Button(text, id=button_id, color=color, className="mt-1"),
        html.Div(id=message_id, className="mt-2", role="status"),
    ]


def _labelled_by(element_id: str) -> dict[str, Any]:
    return {"aria-labelledby": element_id}


def _card(title: str, body: list[Any], card_id: str) -> dbc.Card:
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)],
        className="mb-3",
        id=card_id,
    )


def _text(control_id: str, **kw: Any) -> dbc.Input:
    return dbc.Input(id=control_id, type="text", maxLength=MAX_FREE_TEXT, **kw)


def start_form(choices: NewCourseChoices) -> html.Div:
    p = choices.patient
    return html.Div(
        [
            html.H1(f"Start a course · {p.name} · MRN {p.mrn}", className="h4"),
            dcc.Store(id=C.START_PATIENT, data=p.id),
            dbc.Row(
                [
                    _field(
                        "Protocol",
                        dbc.Select(
                            id=C.START_PROTOCOL,
                            options=[{"label": n, "value": i} for i, n in choices.protocols],
                            value=choices.protocols[0][0],
                        ),
                        C.START_PROTOCOL,
                    ),
                    _field(
                        "Indication",
                        dbc.Select(
                            id=C.START_INDICATION,
                            options=[{"label": i.label, "value": i.value} for i in Indication],
                        ),
                        C.START_INDICATION,
                    ),
                    _field("Indication note (for other)", _text(C.START_NOTE), C.START_NOTE),
                    _field(
                        "Planned sessions (count)",
                        dbc.Input(
                            id=C.START_PLANNED,
                            type="number",
                            min=1,
                            max=50,
                            step=1,
                            value=choices.planned_sessions,
                        ),
                        C.START_PLANNED,
                        md=3,
                    ),
                    _field(
                        "Start date",
                        dbc.Input(id=C.START_DATE, type="date", value=choices.today.isoformat()),
                        C.START_DATE,
                        md=3,
                    ),
                    _field(
                        "Responsible physician",
                        dbc.Select(
                            id=C.START_PHYSICIAN,
                            options=[{"label": n, "value": str(i)} for i, n in choices.physicians],
                        ),
                        C.START_PHYSICIAN,
                    ),
                ]
            ),
            *_submit("Start course", C.START_SUBMIT, C.START_MESSAGE, C.START_KEY, "primary"),
        ]
    )


def screening_form(checklist: Sequence[ScreeningItem]) -> dbc.Card:
    answers = [{"label": a.label, "value": a.value} for a in ScreeningAnswer]
    rows = []
    for item in checklist:
        answer_id = {"type": C.SCREEN_ANSWER, "code": item.code}
        note_id = {"type": C.SCREEN_NOTE, "code": item.code}
        label_id = f"course-screen-label-{item.code}"
        rows.append(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.Div(item.label, id=label_id, className="fw-semibold"),
                            html.Div(item.source, className="small text-body-secondary"),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        html.Div(
                            dbc.RadioItems(
                                id=answer_id,
                                options=answers,
                                inline=True,
                                className="screening-answer",
                            ),
                            role="radiogroup",
                            **_labelled_by(label_id),
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        html.Label(
                            [
                                html.Span(f"Note: {item.label}", className="visually-hidden"),
                                dbc.Input(
                                    id=note_id,
                                    type="text",
                                    maxLength=MAX_FREE_TEXT,
                                    placeholder="Note (needed for yes or unknown)",
                                ),
                            ],
                            className="w-100",
                        ),
                        md=4,
                    ),
                ],
                className="mb-2 border-bottom pb-2",
            )
        )
    return _card(
        "Record the screening",
        [
            html.P("Answer every item; any yes or unknown needs a physician's signed decision."),
            *rows,
            *_submit("Save screening", C.SCREEN_SUBMIT, C.SCREEN_MESSAGE, C.SCREEN_KEY, "primary"),
        ],
        "course-screen-form",
    )


def decision_form(screening_id: int) -> dbc.Card:
    return _card(
        "Physician's decision on the screening",
        [
            dcc.Store(id=C.DECIDE_SCREENING, data=screening_id),
            dbc.Row(
                [
                    _field(
                        "Decision",
                        dbc.RadioItems(
                            id=C.DECIDE_CHOICE,
                            options=[
                                {"label": d.label, "value": d.value} for d in ScreeningDecision
                            ],
                            inline=True,
                        ),
                        C.DECIDE_CHOICE,
                    ),
                    _field("Reason for the decision", _text(C.DECIDE_REASON), C.DECIDE_REASON),
                    _field(
                        "Your password (signature)",
                        dbc.Input(id=C.DECIDE_PASSWORD, type="password", autoComplete="off"),
                        C.DECIDE_PASSWORD,
                    ),
                ]
            ),
            *_submit("Sign decision", C.DECIDE_SUBMIT, C.DECIDE_MESSAGE, C.DECIDE_KEY, "warning"),
        ],
        "course-decide-form",
    )


def consent_form(today: date, form_title: str, form_version: str) -> dbc.Card:
    return _card(
        "Record consent",
        [
            html.P(f"{form_title}, version {form_version}. You sign as the witness."),
            dbc.Row(
                [
                    _field(
                        "Consented on (date)",
                        dbc.Input(id=C.CONSENT_DATE, type="date", value=today.isoformat()),
                        C.CONSENT_DATE,
                        md=4,
                    ),
                    _field("Patient's typed name", _text(C.CONSENT_NAME), C.CONSENT_NAME, md=4),
                    _field(
                        "Your password (witness signature)",
                        dbc.Input(id=C.CONSENT_PASSWORD, type="password", autoComplete="off"),
                        C.CONSENT_PASSWORD,
                        md=4,
                    ),
                ]
            ),
            *_submit(
                "Record consent", C.CONSENT_SUBMIT, C.CONSENT_MESSAGE, C.CONSENT_KEY, "primary"
            ),
        ],
        "course-consent-form",
    )


def withdraw_form(today: date) -> dbc.Card:
    return _card(
        "Withdraw consent",
        [
            dbc.Row(
                [
                    _field(
                        "Withdrawn on (date)",
                        dbc.Input(id=C.WITHDRAW_DATE, type="date", value=today.isoformat()),
                        C.WITHDRAW_DATE,
                        md=4,
                    ),
                    _field(
                        "Reason for withdrawing", _text(C.WITHDRAW_REASON), C.WITHDRAW_REASON, md=8
                    ),
                ]
            ),
            *_submit(
                "Withdraw consent (stops the course)",
                C.WITHDRAW_SUBMIT,
                C.WITHDRAW_MESSAGE,
                C.WITHDRAW_KEY,
                "danger",
            ),
        ],
        "course-withdraw-form",
    )


def status_form(active: bool) -> dbc.Card:
    choices = [CourseStatus.COMPLETED, CourseStatus.STOPPED] if active else [CourseStatus.STOPPED]
    return _card(
        "Complete or stop the course",
        [
            dbc.Row(
                [
                    _field(
                        "New status",
                        dbc.RadioItems(
                            id=C.STATUS_CHOICE,
                            options=[{"label": s.label, "value": s.value} for s in choices],
                            inline=True,
                        ),
                        C.STATUS_CHOICE,
                        md=4,
                    ),
                    _field(
                        "Reason (needed to stop)", _text(C.STATUS_REASON), C.STATUS_REASON, md=8
                    ),
                ]
            ),
            *_submit("Change status", C.STATUS_SUBMIT, C.STATUS_MESSAGE, C.STATUS_KEY, "secondary"),
        ],
        "course-status-form",
    )


def forms_for(
    view: CourseView,
    role: Role,
    *,
    checklist: Sequence[ScreeningItem],
    today: date,
    form_title: str,
    form_version: str,
) -> Any:
    """The forms the course's standing calls for, as the signed-in role may use them."""
    record = view.record
    status = (
        CourseStatus(record.header.status) if record.header.status in set(CourseStatus) else None
    )
    if role not in (Role.NURSE, Role.PHYSICIAN) or status not in OPEN:
        return None
    latest = record.screenings[-1] if record.screenings else None
    awaiting = latest is not None and latest.needs_decision and latest.decision is None
    consented = any(c.withdrawn_on is None for c in record.consents)
    shown: list[Any] = []
    if awaiting and latest is not None:
        shown.append(
            decision_form(latest.id)
            if role is Role.PHYSICIAN
            else dbc.Alert(
                "The screening awaits a physician's signed decision.",
                color="info",
                id="course-awaiting-decision",
            )
        )
    elif status is CourseStatus.SCREENING:
        shown.append(screening_form(checklist))
    if consented:
        shown.append(withdraw_form(today))
    else:
        shown.append(consent_form(today, form_title, form_version))
    shown.append(status_form(status is CourseStatus.ACTIVE))
    return html.Div(shown, id="course-forms")
