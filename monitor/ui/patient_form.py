"""The demographics form, one for registering and for correcting a patient: each field
labelled with its unit or format, its message under it, and the outcome beside the button
that saves it (the button is in view when tapped, so the outcome is too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, State, dcc, html

from monitor.domain.demographics import (
    DATE_FORMAT,
    FIELDS,
    MAX_ESCORT_NAME,
    MAX_NAME_PART,
    MAX_PHONE,
)
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vocabulary import Sex

# The labels as the form shows them: the unit or the format in the label itself.
FORM_LABELS = {
    "mrn": "MRN (letters, digits, dashes)",
    "family_name": "Family name",
    "given_name": "Given name",
    "birth_date": f"Date of birth ({DATE_FORMAT})",
    "sex": "Sex",
    "weight": "Weight (kg)",
    "allergies": "Allergies (write “None known” if asked and none)",
    "escort_name": "Escort or contact (optional)",
    "escort_phone": "Their phone (digits, +) (optional)",
}
_MAX = {
    "mrn": 32,
    "family_name": MAX_NAME_PART,
    "given_name": MAX_NAME_PART,
    "birth_date": 10,
    "weight": 6,
    "allergies": MAX_FREE_TEXT,
    "escort_name": MAX_ESCORT_NAME,
    "escort_phone": MAX_PHONE,
}
_INPUT_MODE = {"birth_date": "numeric", "weight": "decimal", "escort_phone": "tel"}
# Rows of fields, each with its width of twelve: the whole form in a tablet's screen.
_ROWS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("mrn", 6), ("birth_date", 6)),
    (("family_name", 6), ("given_name", 6)),
    (("sex", 8), ("weight", 4)),
    (("allergies", 12),),
    (("escort_name", 6), ("escort_phone", 6)),
)


class DemographicsForm:
    """The ids of one demographics form, under a page's prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.key = f"{prefix}-key"
        self.submit = f"{prefix}-submit"
        self.message = f"{prefix}-message"
        self.reason = f"{prefix}-reason"

    def field(self, name: str) -> str:
        return f"{self.prefix}-{name.replace('_', '-')}"

    def feedback(self, name: str) -> str:
        return f"{self.field(name)}-feedback"

    def states(self) -> dict[str, State]:
        """Each field's value, by field name."""
        return {name: State(self.field(name), "value") for name in FIELDS}

    def field_outputs(self) -> dict[str, Any]:
        """Where each field's mark and message go."""
        return {
            "invalid": {
                name: Output(self.field(name), "invalid") for name in FIELDS if name != "sex"
            },
            "sex_class": Output(self.field("sex"), "className"),
            "feedback": {name: Output(self.feedback(name), "children") for name in FIELDS},
        }


SEX_PICKER = "btn-group scale-picker sex-picker"


def field_states(problems: Mapping[str, str]) -> dict[str, Any]:
    """Which fields are marked, and the message under each (empty when fine)."""
    return {
        "invalid": {name: name in problems for name in FIELDS if name != "sex"},
        "sex_class": SEX_PICKER + (" is-invalid" if "sex" in problems else ""),
        "feedback": {name: problems.get(name, "") for name in FIELDS},
    }


def _aria(name: str, value: str) -> Any:
    return {f"aria-{name}": value}


def _control(form: DemographicsForm, name: str, value: Any) -> Any:
    if name == "sex":
        return dbc.RadioItems(
            id=form.field(name),
            options=[{"label": sex.label, "value": sex.value} for sex in Sex],
            value=value,
            inline=True,
            className=SEX_PICKER,
            inputClassName="btn-check",
            labelClassName="btn btn-outline-secondary",
            labelCheckedClassName="active",
            # Words, not digits: a smaller face keeps the four on one line (still 48 px high).
            labelStyle={"fontSize": "1rem"},
        )
    if name == "allergies":
        return dbc.Textarea(id=form.field(name), value=value or "", maxLength=MAX_FREE_TEXT, rows=2)
    return dbc.Input(
        id=form.field(name),
        type="text",
        value="" if value is None else str(value),
        maxLength=_MAX[name],
        autocomplete="off",
        inputmode=_INPUT_MODE.get(name, "text"),
        placeholder=DATE_FORMAT if name == "birth_date" else None,
    )


def _field(form: DemographicsForm, name: str, value: Any, width: int) -> dbc.Col:
    label_id = f"{form.field(name)}-label"
    label = (
        html.Div(FORM_LABELS[name], id=label_id, className="form-label")
        if name == "sex"
        else dbc.Label(FORM_LABELS[name], html_for=form.field(name), id=label_id)
    )
    control = _control(form, name, value)
    if name == "sex":
        control = html.Div(control, role="radiogroup", **_aria("labelledby", label_id))
    return dbc.Col(
        [
            label,
            control,
            html.Div(id=form.feedback(name), className="invalid-feedback d-block"),
        ],
        xs=12,
        md=width,
        className="mb-2",
    )


def form_fields(form: DemographicsForm, values: Mapping[str, Any] | None = None) -> list[Any]:
    """The fields in rows, filled with `values` (an edit) or empty (a registration)."""
    given = values or {}
    return [
        dbc.Row([_field(form, name, given.get(name), width) for name, width in row])
        for row in _ROWS
    ]


def reason_field(form: DemographicsForm) -> Any:
    return html.Div(
        [
            dbc.Label("Reason for the change (required)", html_for=form.reason),
            dbc.Textarea(id=form.reason, maxLength=MAX_FREE_TEXT, rows=2),
            html.Div(id=form.feedback("reason"), className="invalid-feedback d-block"),
        ],
        className="mb-2",
    )


def submit_row(form: DemographicsForm, label: str, key: str) -> Any:
    """The button and, beside it, the outcome: in view whenever the button is."""
    return dbc.Row(
        [
            dbc.Col(dbc.Button(label, id=form.submit, color="primary", size="lg"), width="auto"),
            dbc.Col(html.Div(id=form.message, role="status", **_aria("live", "polite"))),
            dcc.Store(id=form.key, data=key),
        ],
        className="align-items-center g-2",
    )


def refused(problems: Mapping[str, str]) -> Any:
    """Not saved: each problem said again beside the button, where the eye is."""
    return dbc.Alert(
        [html.Strong("Nothing was saved. "), *[html.Div(m) for m in problems.values()]],
        color="danger",
        className="mb-0 py-2",
    )
