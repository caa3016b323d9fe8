"""Finding 13: every opening of a patient's session record, by any role, is logged
(HIPAA 45 CFR 164.312(b)): who, which session, and what (the screen or the PDF).

"Opening" is a page load of the record (`/session/<id>` for nurse and physician,
`/audit/session/<id>` for the auditor: each load or reload is one entry) or a PDF download.
The callbacks that refresh a screen already open (the sign-off panel polls every few
seconds) are not new openings and log nothing. The auditor filters the trail to these
entries. Both databases, over HTTP as the browser does it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.ui.ids import SessionPage as S
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, call, open_page, prepare, sign_in


@pytest.fixture
def sid(database: Database, config: Config) -> int:
    nurse = factories.user(database, Role.NURSE, "charting-nurse")
    return factories.infusing(database, config, nurse)


def signed_in(app: Dash, database: Database, role: Role) -> tuple[FlaskClient, Actor]:
    actor = factories.user(database, role)
    client = prepare(app)
    sign_in(client, actor.username)
    return client, actor


def accesses(database: Database, session_id: int) -> list[AuditEvent]:
    with database.session_scope() as db:
        return list(
            db.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.session_id == session_id,
                    AuditEvent.action.in_(("record.viewed", "record.exported")),
                )
                .order_by(AuditEvent.id)
            )
        )


def find(node: Any, component_id: str) -> dict[str, Any] | None:
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return node
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find(child, component_id)
        if found:
            return found
    return None


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN])
def test_opening_the_session_page_is_logged(
    app: Dash, database: Database, sid: int, role: Role
) -> None:
    client, actor = signed_in(app, database, role)
    open_page(client, app, f"/session/{sid}")
    events = accesses(database, sid)
    assert [(e.action, e.actor_id, e.entity_id) for e in events] == [
        ("record.viewed", actor.id, sid)
    ]
    assert events[0].new_values == {"by_role": role.value, "what": "screen"}


def test_each_page_load_is_one_opening(app: Dash, database: Database, sid: int) -> None:
    client, actor = signed_in(app, database, Role.NURSE)
    open_page(client, app, f"/session/{sid}")
    open_page(client, app, f"/session/{sid}")  # a reload, or coming back to it later
    assert [e.actor_id for e in accesses(database, sid)] == [actor.id, actor.id]


def test_the_open_screens_refresh_is_not_a_new_opening(
    app: Dash, database: Database, sid: int
) -> None:
    client, _ = signed_in(app, database, Role.PHYSICIAN)
    open_page(client, app, f"/session/{sid}")
    for n in range(1, 4):  # the sign-off panel's poll, as its interval fires
        response = call(
            client,
            app,
            "session-signoff-approve-alerts",
            {"session-signoff-approve-refresh.n_intervals": n, "session-id.data": sid},
        )
        assert response.status_code < 500
    assert len(accesses(database, sid)) == 1


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN, Role.AUDITOR])
def test_downloading_the_pdf_is_logged_with_who_and_what(
    app: Dash, database: Database, sid: int, role: Role
) -> None:
    client, actor = signed_in(app, database, role)
    response = client.get(f"/session/{sid}/record.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    events = accesses(database, sid)
    assert [(e.action, e.actor_id, e.session_id) for e in events] == [
        ("record.exported", actor.id, sid)
    ]
    assert events[0].new_values is not None
    assert events[0].new_values["what"] == "pdf"
    assert events[0].new_values["by_role"] == role.value


def test_the_auditors_review_is_logged(app: Dash, database: Database, sid: int) -> None:
    client, actor = signed_in(app, database, Role.AUDITOR)
    open_page(client, app, f"/audit/session/{sid}")
    assert [(e.action, e.actor_id) for e in accesses(database, sid)] == [
        ("record.viewed", actor.id)
    ]


def test_a_refused_or_missing_record_logs_nothing(app: Dash, database: Database, sid: int) -> None:
    admin, _ = signed_in(app, database, Role.ADMIN)
    open_page(admin, app, f"/session/{sid}")  # not theirs to open
    nurse, _ = signed_in(app, database, Role.NURSE)
    open_page(nurse, app, f"/session/{sid + 1000}")  # no such session
    with database.session_scope() as db:
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "record.viewed")).all()
    assert views == []


def test_the_auditor_can_filter_the_trail_to_record_access(
    app: Dash, database: Database, sid: int
) -> None:
    nurse, _ = signed_in(app, database, Role.NURSE)
    open_page(nurse, app, f"/session/{sid}")
    auditor, _ = signed_in(app, database, Role.AUDITOR)
    page = open_page(auditor, app, f"/audit/session/{sid}")
    control = find(page, S.AUDIT_FILTER)
    assert control is not None, "no filter on the audit trail"
    values = [o["value"] for o in control["props"]["options"]]
    assert values == ["all", "access"] and control["props"]["value"] == "all"
    table = find(page, S.AUDIT_TABLE)
    assert table is not None
    rows = table["props"]["children"][1]["props"]["children"]
    kinds: dict[str, set[str]] = {}
    for row in rows:
        cells = row["props"]["children"]
        kinds.setdefault(cells[2]["props"]["children"], set()).add(row["props"]["className"])
    assert kinds["record.viewed"] == {"audit-access"}
    assert kinds["reading.recorded"] == {"audit-other"}
    # the filter hides the other rows in the browser: nothing more is read from the server
    clientside = [
        k for k, v in app.callback_map.items() if k.startswith(f"{S.AUDIT_TABLE}.className")
    ]
    assert len(clientside) == 1 and "callback" not in app.callback_map[clientside[0]]


def test_opening_a_patients_bedside_chart_is_logged(
    app: Dash, database: Database, config: Config, sid: int
) -> None:
    """The bedside chart shows the patient's record as it is charted: each load of it is
    an opening; the chair picker (no patient's record) is not."""
    client, actor = signed_in(app, database, Role.NURSE)
    key = next(k for k in app.callback_map if "_pages_content" in k)

    def load(search: str) -> None:
        values = {"_pages_location.pathname": "/bedside", "_pages_location.search": search}
        assert client.post(ENDPOINT, json=body(app, key, values)).status_code == 200

    load("")
    assert accesses(database, sid) == []
    load(f"?{urlencode({'chair': config.clinic.chairs[0]})}")
    events = accesses(database, sid)
    assert [(e.action, e.actor_id) for e in events] == [("record.viewed", actor.id)]
    assert events[0].new_values == {"by_role": "nurse", "what": "bedside"}
