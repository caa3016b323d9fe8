"""The course measures on the auditor's measures page, over HTTP: the gate's count (with a
link to each course that opened without), clearances, flags and outcomes in words."""

from __future__ import annotations

import json
from datetime import timedelta

from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import course_data, factories
from tests.factories import T0
from tests.pages.dash_http import call, prepare, sign_in


def show(app: Dash, database: Database) -> str:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.AUDITOR).username)
    values = {
        "measures-apply.n_clicks": 1,
        "measures-start.value": "2026-11-01",
        "measures-end.value": "2026-11-30",
        "measures-period.value": "month",
    }
    response = call(client, app, "measures-charts.children", values)
    assert response.status_code == 200
    return json.dumps(response.get_json()["response"]["measures-courses"])


def test_the_course_measures_are_shown(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)
    for k, total in enumerate((60, 28), start=1):
        sid = course_data.session(database, config, nurse, pid, cid, k, at=T0 + timedelta(days=k))
        course_data.score(database, nurse, sid, "pcl5", total, at=T0 + timedelta(days=k))
    shown = show(app, database)
    assert "opened without cleared screening or consent: 0 of 1 (must be 0)" in shown
    assert "Thoughts of self-harm (PHQ-9 item 9)" in shown
    assert "PTSD" in shown and "PCL-5" in shown and "1 (100 %)" in shown


def test_a_course_opened_without_consent_is_listed(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    cid = course_data.course(database, config, pid, physician=physician)
    course_data.screening(database, config, cid, nurse, at=T0)
    course_data.session_outside_gate(database, config, nurse, pid, cid, at=T0 + timedelta(hours=1))
    shown = show(app, database)
    assert "1 of 1 (must be 0)" in shown
    assert f"/course/{cid}" in shown and "consent" in shown
