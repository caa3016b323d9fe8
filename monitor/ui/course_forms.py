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
from monitor.domain.vocabulary import CourseStatus, ScreeningAnswer, ScreeningDecision
from monitor.ui.ids import CoursePage as C

if TYPE_CHECKING:
    from monitor.services.course_record import CourseView

OPEN = (CourseStatus.SCREENING, CourseStatus.ACTIVE)


def field(label: str, control: Any, control_id: str, md: int = 6) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id), control], md=md, className="mb-2")


def submit(text: str, button_id: str, message_id: str, key_id: str, color: str) -> list[Any]:
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


def text_input(control_id: str, **kw: Any) -> dbc.Input:
    return dbc.Input(id=control_id, type="text", maxLength=MAX_FREE_TEXT, **kw)


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
            *submit("Save screening", C.SCREEN_SUBMIT, C.SCREEN_MESSAGE, C.SCREEN_KEY, "primary"),
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
                    field(
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
                    field("Reason for the decision", text_input(C.DECIDE_REASON), C.DECIDE_REASON),
                    field(
                        "Your password (signature)",
                        dbc.Input(id=C.DECIDE_PASSWORD, type="password", autoComplete="off"),
                        C.DECIDE_PASSWORD,
                    ),
                ]
            ),
            *submit("Sign decision", C.DECIDE_SUBMIT, C.DECIDE_MESSAGE, C.DECIDE_KEY, "warning"),
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
                    field(
                        "Consented on (date)",
                        dbc.Input(id=C.CONSENT_DATE, type="date", value=today.isoformat()),
                        C.CONSENT_DATE,
                        md=4,
                    ),
                    field("Patient's typed name", text_input(C.CONSENT_NAME), C.CONSENT_NAME, md=4),
                    field(
                        "Your password (witness signature)",
                        dbc.Input(id=C.CONSENT_PASSWORD, type="password", autoComplete="off"),
                        C.CONSENT_PASSWORD,
                        md=4,
                    ),
                ]
            ),
            *submit(
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
                    field(
                        "Withdrawn on (date)",
                        dbc.Input(id=C.WITHDRAW_DATE, type="date", value=today.isoformat()),
                        C.WITHDRAW_DATE,
                        md=4,
                    ),
                    field(
                        "Reason for withdrawing",
                        text_input(C.WITHDRAW_REASON),
                        C.WITHDRAW_REASON,
                        md=8,
                    ),
                ]
            ),
            *submit(
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
                    field(
                        "New status",
                        dbc.RadioItems(
                            id=C.STATUS_CHOICE,
                            options=[{"label": s.label, "value": s.value} for s in choices],
                            inline=True,
                        ),
                        C.STATUS_CHOICE,
                        md=4,
                    ),
                    field(
                        "Reason (needed to stop)",
                        text_input(C.STATUS_REASON),
                        C.STATUS_REASON,
                        md=8,
                    ),
                ]
            ),
            *submit("Change status", C.STATUS_SUBMIT, C.STATUS_MESSAGE, C.STATUS_KEY, "secondary"),
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
