"""Find a patient by name, MRN or date of birth, and register a new one. The front desk's
screen: the admin, nurses and physicians register; a search is logged (its kind, not its
text) and each patient opened from it is logged on their own page."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Action, is_allowed
from monitor.services.errors import Conflict, DomainError, InvalidEntry
from monitor.services.patients import register_patient, search_patients
from monitor.ui import patient_form, patient_view
from monitor.ui.feedback import problem
from monitor.ui.patient_view import PatientsPage

PATH = "/patients"
NAME = "Patients"
ROLES = ("admin", "nurse", "physician")
IN_NAV = True


def layout(**_: Any) -> Any:
    actor = auth.require(Action.VIEW_PATIENT)
    return patient_view.search_page(
        uuid4().hex, may_register=is_allowed(actor.role, Action.MANAGE_PATIENTS)
    )


def _search(*, clicks: Any, submitted: Any, text: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_PATIENT)
    try:
        rows = search_patients(database=rt.database, actor=actor, text=str(text or ""))
    except InvalidEntry as error:
        return {"results": "", "feedback": error.problems[0].message}
    except DomainError as error:
        return {"results": problem(error), "feedback": ""}
    today = clinic_today(utcnow(), rt.config.clinic.zone)
    return {"results": patient_view.results(rows, today), "feedback": ""}


def _text(value: Any) -> Any:
    """A form value as the service takes it: text stays text, anything else is refused there."""
    return value if isinstance(value, str) or value is None else str(value)


def _register(*, clicks: Any, key: Any, **fields: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.MANAGE_PATIENTS)
    values = {name: _text(value) for name, value in fields.items()}
    try:
        saved = register_patient(
            database=rt.database,
            config=rt.config,
            actor=actor,
            mrn=values["mrn"],
            family_name=values["family_name"],
            given_name=values["given_name"],
            birth_date=values["birth_date"],
            sex=values["sex"],
            weight_kg=values["weight"],
            allergies=values["allergies"],
            escort_name=values["escort_name"],
            escort_phone=values["escort_phone"],
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        said = {p.field: p.message for p in error.problems}
        return {
            "message": patient_form.refused(said),
            "fields": patient_form.field_states(said),
            "key": no_update,
        }
    except (Conflict, DomainError) as error:
        return {
            "message": problem(error),
            "fields": patient_form.field_states({}),
            "key": uuid4().hex if isinstance(error, Conflict) else no_update,
        }
    family, given = (" ".join(str(values[n]).split()) for n in ("family_name", "given_name"))
    return {
        "message": patient_view.registered(
            saved.patient_id,
            f"{family}, {given}",
            str(values["mrn"]).strip(),
            duplicate=saved.duplicate,
        ),
        "fields": patient_form.field_states({}),
        "key": uuid4().hex,
    }


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "results": Output(PatientsPage.RESULTS, "children"),
            "feedback": Output(PatientsPage.SEARCH_FEEDBACK, "children"),
        },
        inputs={
            "clicks": Input(PatientsPage.SEARCH, "n_clicks"),
            "submitted": Input(PatientsPage.SEARCH_TEXT, "n_submit"),
        },
        state={"text": State(PatientsPage.SEARCH_TEXT, "value")},
        prevent_initial_call=True,
    )(_search)
    form = PatientsPage.NEW
    app.callback(
        output={
            "message": Output(form.message, "children"),
            "fields": form.field_outputs(),
            "key": Output(form.key, "data"),
        },
        inputs={"clicks": Input(form.submit, "n_clicks")},
        state={"key": State(form.key, "data"), **form.states()},
        prevent_initial_call=True,
    )(_register)
