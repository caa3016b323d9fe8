"""The course page over HTTP, as the browser opens it (Dash's page router): what each role
sees, the forms the course's standing calls for, and that every opening is logged."""

from __future__ import annotations

import json
from datetime import timedelta

from dash import Dash
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus
from tests import course_data, factories
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, body, prepare, sign_in


def page_as(app: Dash, database: Database, role: Role, path: str) -> str:
    client = prepare(app)
    sign_in(client, factories.user(database, role).username)
    pathname, _, query = path.partition("?")
    key = next(k for k in app.callback_map if "_pages_content" in k)
    values = {"_pages_location.pathname": pathname, "_pages_location.search": f"?{query}"}
    response = client.post(ENDPOINT, json=body(app, key, values))
    assert response.status_code == 200, response.status_code
    return json.dumps(response.get_json())


def views(database: Database) -> int:
    with database.session_scope() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "course.viewed")
            )
            or 0
        )


def course_with_scores(database: Database, config: Config) -> int:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)
    for k, total in enumerate((18, 12, 8), start=1):
        at = T0 + timedelta(days=k)
        sid = course_data.session(database, config, nurse, pid, cid, k, at=at)
        course_data.score(database, nurse, sid, "phq9", total, at=at)
    return cid


def test_clinicians_see_the_course_and_its_forms(
    app: Dash, database: Database, config: Config
) -> None:
    cid = course_with_scores(database, config)
    shown = page_as(app, database, Role.NURSE, f"/course/{cid}?done=consent")
    assert "Consent recorded." in shown and "/patient/" in shown
    assert "3 of 6 sessions given" in shown
    assert "1 of 6" in shown and "3 of 6" in shown
    assert "PHQ-9: first 18, latest 8, 56 % lower than the first" in shown
    # Active, sessions remain: no date yet (the latest session is not the last)
    assert "Follow-up: due 28 days after the course's last session" in shown
    assert "course-withdraw-form" in shown and "course-status-form" in shown
    assert "course-consent-form" not in shown  # consent stands
    assert views(database) == 1


def test_the_auditor_reads_it_with_no_form(app: Dash, database: Database, config: Config) -> None:
    cid = course_with_scores(database, config)
    shown = page_as(app, database, Role.AUDITOR, f"/course/{cid}")
    assert "3 of 6 sessions given" in shown and "course-trend-chart" in shown
    assert "course-forms" not in shown and "course-status-form" not in shown
    assert "/audit/session/" in shown
    assert views(database) == 1


def test_the_admin_sees_no_course(app: Dash, database: Database, config: Config) -> None:
    cid = course_with_scores(database, config)
    shown = page_as(app, database, Role.ADMIN, f"/course/{cid}")
    assert "3 of 6" not in shown
    assert views(database) == 0


def test_an_unknown_course_is_not_found(app: Dash, database: Database) -> None:
    for wrong in ("999999", "abc", "-1", "1" * 30):
        shown = page_as(app, database, Role.NURSE, f"/course/{wrong}")
        assert "No course" in shown
    assert views(database) == 0


def test_a_screening_course_asks_for_screening_and_consent(
    app: Dash, database: Database, config: Config
) -> None:
    physician = factories.user(database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    cid = course_data.course(
        database, config, pid, physician=physician, status=CourseStatus.SCREENING
    )
    shown = page_as(app, database, Role.NURSE, f"/course/{cid}")
    assert "course-screen-form" in shown and "course-consent-form" in shown
    for item in config.screening.checklist:
        assert item.label in shown
    assert "Not screened yet." in shown


def test_awaiting_decision_the_physician_signs_and_the_nurse_waits(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    cid = course_data.course(
        database, config, pid, physician=physician, status=CourseStatus.SCREENING
    )
    code = config.screening.checklist[0].code
    course_data.screening(database, config, cid, nurse, at=T0, yes=(code,))
    as_nurse = page_as(app, database, Role.NURSE, f"/course/{cid}")
    assert "course-awaiting-decision" in as_nurse and "course-decide-form" not in as_nurse
    as_physician = page_as(app, database, Role.PHYSICIAN, f"/course/{cid}")
    assert "course-decide-form" in as_physician
    assert "Awaiting a physician" in as_physician


def test_the_start_form_names_the_patient(app: Dash, database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    factories.user(database, Role.PHYSICIAN)
    shown = page_as(app, database, Role.NURSE, f"/course/new?patient_id={pid}")
    assert "Start a course" in shown and "course-start-submit" in shown
    refused = page_as(app, database, Role.AUDITOR, f"/course/new?patient_id={pid}")
    assert "may not start a course" in refused
    missing = page_as(app, database, Role.NURSE, "/course/new?patient_id=x")
    assert "No patient" in missing
