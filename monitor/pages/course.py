"""A patient's treatment course (`/course/<course_id>`): sessions k of N, the PHQ-9/PCL-5
trend with response and remission lines, the screening and consent with their signatures,
the follow-up date; and the forms the course's standing calls for (nurse, physician). The
auditor reads it, with no form. `/course/new?patient_id=` starts a course. Each opening is
logged (`course.viewed`; the start form's patient, `patient.viewed`)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Action, Role, is_allowed
from monitor.domain.vocabulary import CourseStatus
from monitor.pages import course_actions
from monitor.services.course_record import new_course_choices, view_course
from monitor.services.courses import course_readiness
from monitor.services.errors import NotFound
from monitor.ui import course_forms, course_start_form, course_view
from monitor.web import request_args

PATH = "/course/<course_id>"
NAME = "Treatment course"
ROLES = ("nurse", "physician", "auditor")
IN_NAV = False
NEW = "new"
OPEN = (CourseStatus.SCREENING, CourseStatus.ACTIVE)


def _new(patient_id: str) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_COURSE)
    if not is_allowed(actor.role, Action.MANAGE_COURSE):
        return dbc.Alert("Your role may not start a course.", color="warning")
    pid = request_args.record_id(patient_id)
    try:
        if pid is None:
            raise NotFound("no patient")
        choices = new_course_choices(
            database=rt.database, config=rt.config, actor=actor, patient_id=pid
        )
    except NotFound:
        return dbc.Alert(f"No patient {patient_id!r}.", color="warning")
    return course_start_form.start_form(choices)


def layout(course_id: str = "", patient_id: str = "", done: str = "", **_: Any) -> Any:
    if course_id == NEW:
        return _new(patient_id)
    rt = runtime.current()
    actor = auth.require(Action.VIEW_COURSE)
    cid = request_args.record_id(course_id)
    try:
        if cid is None:
            raise NotFound("no course")
        view = view_course(database=rt.database, config=rt.config, actor=actor, course_id=cid)
    except NotFound:
        return course_view.missing(course_id)
    standing = course_readiness(database=rt.database, config=rt.config, course_id=cid)
    forms = course_forms.forms_for(
        view,
        actor.role,
        checklist=rt.config.screening.checklist,
        today=clinic_today(utcnow(), rt.config.clinic.zone),
        form_title=rt.config.consent.form_title,
        form_version=rt.config.consent.form_version,
    )
    return course_view.page(
        view,
        rt.config.clinic.zone,
        done=str(done),
        forms=forms,
        missing_now=standing.missing if view.record.header.status in OPEN else (),
        session_path="/audit/session/" if actor.role is Role.AUDITOR else "/session/",
    )


def register_callbacks(app: Dash) -> None:
    """The forms' callbacks live in course_actions."""
    course_actions.register(app)
