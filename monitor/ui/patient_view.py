"""The patients screens: the search and its results, a patient's demographics with their
audited changes, and (for the clinical roles) their treatment courses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.clinic_time import age_on
from monitor.domain.demographics import DATE_FORMAT, LABELS
from monitor.domain.vocabulary import Sex, label_of
from monitor.ui.components import local_time
from monitor.ui.patient_form import DemographicsForm, form_fields, reason_field, submit_row

if TYPE_CHECKING:
    from monitor.services.courses import CourseRow
    from monitor.services.patients import PatientChange, PatientDetail, PatientRow


class PatientsPage:
    SEARCH_TEXT = "patients-search-text"
    SEARCH = "patients-search"
    SEARCH_FEEDBACK = "patients-search-feedback"
    RESULTS = "patients-results"
    NEW = DemographicsForm("patients-new")


class PatientPage:
    PATIENT = "patient-id"
    SUMMARY = "patient-summary"
    HISTORY = "patient-history"
    COURSES = "patient-courses"
    EDIT = DemographicsForm("patient-edit")


def search_card() -> Any:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Find a patient", className="h5"),
                dbc.Label(
                    f"Name, MRN or date of birth ({DATE_FORMAT})",
                    html_for=PatientsPage.SEARCH_TEXT,
                ),
                dbc.InputGroup(
                    [
                        dbc.Input(
                            id=PatientsPage.SEARCH_TEXT,
                            type="search",
                            maxLength=200,
                            autocomplete="off",
                            debounce=True,
                        ),
                        dbc.Button("Search", id=PatientsPage.SEARCH, color="primary"),
                    ]
                ),
                html.Div(id=PatientsPage.SEARCH_FEEDBACK, className="invalid-feedback d-block"),
                html.Div(id=PatientsPage.RESULTS, className="mt-2", role="status"),
            ]
        ),
        className="mb-3",
    )


def register_card(key: str) -> Any:
    form = PatientsPage.NEW
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Register a patient", className="h5"),
                *form_fields(form),
                submit_row(form, "Register patient", key),
            ]
        )
    )


def search_page(key: str, *, may_register: bool) -> Any:
    return html.Div(
        [
            html.H1("Patients", className="h4"),
            dbc.Row(
                [
                    dbc.Col(search_card(), md=4),
                    *([dbc.Col(register_card(key), md=8)] if may_register else []),
                ]
            ),
        ]
    )


def _born(day: date, today: date) -> str:
    return f"{day.isoformat()} (age {age_on(day, today)})"


def results(rows: Sequence[PatientRow], today: date) -> Any:
    """The patients found, each a full-width link to their page (a 44 px target)."""
    if not rows:
        return html.Div("No patient matches.", id="patients-none", className="text-body-secondary")
    return dbc.ListGroup(
        [
            dbc.ListGroupItem(
                [
                    html.Strong(f"{row.family_name}, {row.given_name}"),
                    html.Span(f" · MRN {row.mrn} · born {_born(row.birth_date, today)}"),
                    html.Span(f" · {label_of(Sex, row.sex)}"),
                ],
                href=f"/patient/{row.patient_id}",
                action=True,
            )
            for row in rows
        ],
        id="patients-found",
        tag="div",  # links, not list items: a <ul> may hold only <li>
    )


def registered(patient_id: int, name: str, mrn: str, *, duplicate: bool) -> Any:
    said = "Already registered" if duplicate else "Registered"
    return dbc.Alert(
        [
            f"{said}: {name} (MRN {mrn}). ",
            dcc.Link(
                "Open the patient",
                href=f"/patient/{patient_id}",
                className="btn btn-primary ms-2",
                id="patients-open-registered",
            ),
        ],
        color="success",
        className="mb-0 py-2",
        id="patients-registered",
    )


def _value(field: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if field == "sex":
        return label_of(Sex, str(value))
    if field == "weight":
        return f"{value} kg"
    return str(value)


def summary(detail: PatientDetail, today: date) -> Any:
    """The demographics as stored."""
    rows = [
        ("MRN", detail.mrn),
        ("Date of birth", _born(detail.birth_date, today)),
        ("Sex", _value("sex", detail.sex)),
        ("Weight", _value("weight", detail.weight_kg)),
        ("Allergies", _value("allergies", detail.allergies)),
        ("Escort / emergency contact", _value("escort_name", detail.escort_name)),
        ("Escort phone", _value("escort_phone", detail.escort_phone)),
    ]
    return html.Div(
        [
            html.H1(detail.display_name, className="h4", id="patient-name"),
            html.Dl(
                [part for label, text in rows for part in (html.Dt(label), html.Dd(text))],
                className="patient-facts mb-0",
            ),
        ]
    )


def history(changes: Sequence[PatientChange], zone: ZoneInfo) -> Any:
    """Every audited change, newest first: when, who, why, and each value before → after."""
    if not changes:
        return html.Div("No change since registration.", className="text-body-secondary")
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(
                        f"{local_time(change.at, zone, '%Y-%m-%d %H:%M')} · {change.by} · "
                        f"reason: {change.reason}"
                    ),
                    *[
                        html.Div(
                            f"{LABELS.get(field, field)}: {_value(field, old)} → "
                            f"{_value(field, new)}",
                            className="ms-3",
                        )
                        for field, old, new in change.fields
                    ],
                ],
                className="mb-1",
            )
            for change in changes
        ],
        className="list-unstyled mb-0",
    )


def edit_card(detail: PatientDetail, key: str) -> Any:
    form = PatientPage.EDIT
    current = {
        "mrn": detail.mrn,
        "family_name": detail.family_name,
        "given_name": detail.given_name,
        "birth_date": detail.birth_date.isoformat(),
        "sex": detail.sex,
        "weight": f"{detail.weight_kg:g}",
        "allergies": detail.allergies,
        "escort_name": detail.escort_name,
        "escort_phone": detail.escort_phone,
    }
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Correct the demographics", className="h5"),
                *form_fields(form, current),
                reason_field(form),
                submit_row(form, "Save changes", key),
            ]
        )
    )


def courses(rows: Sequence[CourseRow], patient_id: int, *, may_start: bool) -> Any:
    """The patient's treatment courses (nurse, physician, auditor), newest first, each a
    link to its course page; "Start a course" for those who may."""
    start = (
        [
            dcc.Link(
                "Start a course",
                href=f"/course/new?patient_id={patient_id}",
                className="btn btn-primary mt-2",
                id="patient-new-course",
            )
        ]
        if may_start
        else []
    )
    body: Any = (
        dbc.ListGroup(
            [
                dbc.ListGroupItem(
                    [
                        html.Strong(f"{row.indication.label} · {row.status.label}"),
                        html.Span(
                            f" · {row.given} of {row.planned} sessions · from "
                            f"{row.start_date.isoformat()}"
                            + (f" · {row.physician}" if row.physician else "")
                        ),
                    ],
                    href=f"/course/{row.id}",
                    action=True,
                )
                for row in rows
            ],
            id="patient-course-list",
            tag="div",  # links, not list items: a <ul> may hold only <li>
        )
        if rows
        else html.Div("No treatment course yet.", className="text-body-secondary")
    )
    return html.Div(
        [html.H2("Treatment courses", className="h5"), body, *start], id=PatientPage.COURSES
    )


def patient_page(
    detail: PatientDetail,
    *,
    today: date,
    zone: ZoneInfo,
    key: str,
    may_edit: bool,
    course_panel: Any | None,
) -> Any:
    left = [
        dcc.Store(id=PatientPage.PATIENT, data=detail.patient_id),
        dbc.Card(
            dbc.CardBody(html.Div(summary(detail, today), id=PatientPage.SUMMARY)), className="mb-3"
        ),
        *([dbc.Card(dbc.CardBody(course_panel), className="mb-3")] if course_panel else []),
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2("Changes", className="h5"),
                    html.Div(history(detail.changes, zone), id=PatientPage.HISTORY),
                ]
            ),
            className="mb-3",
        ),
    ]
    return dbc.Row(
        [
            dbc.Col(left, md=5),
            *([dbc.Col(edit_card(detail, key), md=7)] if may_edit else []),
        ]
    )


def missing(patient_id: str) -> Any:
    return dbc.Alert(f"No patient {patient_id!s:.20}.", color="warning", id="patient-missing")
