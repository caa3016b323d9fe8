"""One patient: demographics (each opening logged), their audited changes, the correction
form with its reason (admin, nurse, physician) and, for the clinical roles, the patient's
treatment courses. The admin registers and corrects but never sees a course; the auditor
reads."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.demographics import LABELS
from monitor.domain.permissions import Action, is_allowed
from monitor.services.courses import list_courses
from monitor.services.errors import Conflict, DomainError, InvalidEntry, NotFound
from monitor.services.patients import edit_patient, view_patient
from monitor.ui import patient_form, patient_view
from monitor.ui.feedback import notice, problem
from monitor.ui.patient_view import PatientPage
from monitor.web import request_args

PATH = "/patient/<patient_id>"
NAME = "Patient"
ROLES = ("admin", "nurse", "physician", "auditor")
IN_NAV = False


def layout(patient_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_PATIENT)
    pid = request_args.record_id(patient_id)
    if pid is None:
        return patient_view.missing(patient_id)
    try:
        detail = view_patient(database=rt.database, actor=actor, patient_id=pid)
    except NotFound:
        return patient_view.missing(patient_id)
    panel = None
    if is_allowed(actor.role, Action.VIEW_COURSE):
        panel = patient_view.courses(
            list_courses(database=rt.database, actor=actor, patient_id=pid),
            pid,
            may_start=is_allowed(actor.role, Action.MANAGE_COURSE),
        )
    zone = rt.config.clinic.zone
    return patient_view.patient_page(
        detail,
        today=clinic_today(utcnow(), zone),
        zone=zone,
        key=uuid4().hex,
        may_edit=is_allowed(actor.role, Action.MANAGE_PATIENTS),
        course_panel=panel,
    )


def _said(problems: dict[str, str]) -> dict[str, Any]:
    return {
        "fields": patient_form.field_states(problems),
        "reason_invalid": "reason" in problems,
        "reason_feedback": problems.get("reason", "") or problems.get("changes", ""),
    }


def _edit(*, clicks: Any, patient_id: Any, key: Any, reason: Any, **fields: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.MANAGE_PATIENTS)
    pid = request_args.int_arg(patient_id)
    changes = {name: v if isinstance(v, str) or v is None else str(v) for name, v in fields.items()}
    try:
        detail = edit_patient(
            database=rt.database,
            config=rt.config,
            actor=actor,
            patient_id=pid,
            changes=changes,
            reason=reason if isinstance(reason, str) else "",
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        said = {p.field: p.message for p in error.problems}
        return {
            "message": patient_form.refused(said),
            **_said(said),
            "summary": no_update,
            "history": no_update,
            "key": no_update,
        }
    except (Conflict, DomainError) as error:
        return {
            "message": problem(error),
            **_said({}),
            "summary": no_update,
            "history": no_update,
            "key": uuid4().hex if isinstance(error, Conflict) else no_update,
        }
    zone = rt.config.clinic.zone
    latest = detail.changes[0] if detail.changes else None
    changed = ", ".join(LABELS.get(f, f) for f, _, _ in latest.fields) if latest else ""
    return {
        "message": notice(f"Saved: {changed}. The change and its reason are in the audit trail."),
        **_said({}),
        "summary": patient_view.summary(detail, clinic_today(utcnow(), zone)),
        "history": patient_view.history(detail.changes, zone),
        "key": uuid4().hex,
    }


def register_callbacks(app: Dash) -> None:
    form = PatientPage.EDIT
    app.callback(
        output={
            "message": Output(form.message, "children"),
            "fields": form.field_outputs(),
            "reason_invalid": Output(form.reason, "invalid"),
            "reason_feedback": Output(form.feedback("reason"), "children"),
            "summary": Output(PatientPage.SUMMARY, "children"),
            "history": Output(PatientPage.HISTORY, "children"),
            "key": Output(form.key, "data"),
        },
        inputs={"clicks": Input(form.submit, "n_clicks")},
        state={
            "patient_id": State(PatientPage.PATIENT, "data"),
            "key": State(form.key, "data"),
            "reason": State(form.reason, "value"),
            **form.states(),
        },
        prevent_initial_call=True,
    )(_edit)
