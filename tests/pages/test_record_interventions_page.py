"""The session record over HTTP shows what was given and what happened: the adverse
events, the medications and the ketamine table with its balance, the REMS answer and the
link to the ketamine page; the bedside refresh draws their marks on the trend. Opening the
record is logged once, as before: the sections come with the record's own read."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from dash import Dash, html
from dash.development.base_component import Component
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.record_access import RECORD_VIEWED
from monitor.services.session_record import found_record
from monitor.ui import record_interventions as ids
from monitor.ui.figures import MARKER_STYLES
from tests import intervention_rows as rows
from tests.factories import T0
from tests.pages.dash_http import call, open_page, prepare, sign_in


def _views(database: Database, session_id: int) -> int:
    with database.session_scope() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.session_id == session_id, AuditEvent.action == RECORD_VIEWED)
            )
            or 0
        )


def test_the_record_page_shows_each_section(app: Dash, database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    client = prepare(app)
    sign_in(client, t.doctor.username)
    before = _views(database, t.session_id)
    page = json.dumps(open_page(client, app, f"/session/{t.session_id}"), ensure_ascii=False)
    assert _views(database, t.session_id) == before + 1  # the one logged opening
    for section in (ids.ADVERSE_EVENTS, ids.MEDICATIONS, ids.KETAMINE, ids.KETAMINE_BALANCE):
        assert f'"{section}"' in page, section
    for words in (
        "Nausea (Grade 1: mild)",
        "Symptomatic hypertension (Grade 3: severe)",
        "with the excursion 08:20 185/95",
        f"Acknowledged by {t.doctor.full_name} 08:21: Seen, treat",
        "Ondansetron 4 mg IV",
        "for: Nausea (Grade 1: mild)",
        "for: excursion 08:20 185/95",
        f"ordered by {t.doctor.full_name} 08:21",
        "standing order",
        "(reason: Agitated)",
        "LOT-A1",
        "2027-06-30",
        f"witnessed by {t.second_nurse.full_name} 08:42",
        "awaiting a witness",
        "Balanced: drawn 5.00 mL, given 4.00 mL, wasted 1.00 mL",
        "REMS form — serious adverse event occurred: Yes",
        f"/session/{t.session_id}/ketamine",
    ):
        assert words in page, words


def test_a_resolution_shows_with_its_reason(app: Dash, database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    rows.draw(database, t.nurse, t.session_id, T0, volume_ml=0.5, lot="LOT-B2")
    rows.resolution(database, t.doctor, t.session_id, 0.5, T0, "Vial cracked, 0.5 mL lost")
    client = prepare(app)
    sign_in(client, t.nurse.username)
    page = json.dumps(open_page(client, app, f"/session/{t.session_id}"), ensure_ascii=False)
    assert "Discrepancy resolved" in page and "LOT-B2" in page
    assert f"+0.50 mL resolved by {t.doctor.full_name}" in page
    assert "Vial cracked, 0.5 mL lost" in page


def test_the_bedside_trend_marks_events_and_medications(
    app: Dash, database: Database, config: Config
) -> None:
    t = rows.treated_session(database, config, stop=False)
    client = prepare(app)
    sign_in(client, t.nurse.username)
    values = {
        "bed-refresh.n_intervals": 1,
        "bed-version.data": 0,
        "bed-session-id.data": t.session_id,
    }
    response = call(client, app, "bed-trend.figure", values)
    assert response.status_code == 200, response.get_data(as_text=True)
    figure = response.get_json()["response"]["bed-trend"]["figure"]
    marks = {trace["name"]: trace for trace in figure["data"] if trace.get("yaxis") == "y4"}
    assert set(marks) == {name for name, _, _ in MARKER_STYLES.values()}
    assert [h[6:] for h in marks["Adverse event (onset)"]["hovertext"]] == [
        "Nausea (Grade 1: mild)",
        "Symptomatic hypertension (Grade 3: severe)",
    ]
    assert [h[6:] for h in marks["Medication given"]["hovertext"]] == [
        "Ondansetron 4 mg IV",
        "Labetalol 10 mg IV",
    ]


def _words(component: Any) -> str:
    if isinstance(component, (list, tuple)):
        return " ".join(_words(c) for c in component)
    if isinstance(component, Component):
        return _words(getattr(component, "children", None))
    return "" if component is None else str(component)


def _found(component: Any, wanted: str) -> Any:
    if isinstance(component, (list, tuple)):
        return next((f for c in component if (f := _found(c, wanted)) is not None), None)
    if not isinstance(component, Component):
        return None
    if getattr(component, "id", None) == wanted:
        return component
    return _found(getattr(component, "children", None), wanted)


def _table_rows(component: Any, table_id: str) -> list[str]:
    """The body rows of the table with this id, each row's words."""
    table = _found(component, table_id)
    assert table is not None, f"no table {table_id}"
    return [_words(row) for row in table.children[1].children]


def test_an_order_not_given_has_its_own_list_after_the_doses(
    database: Database, config: Config
) -> None:
    """An order not given listed after doses given later read as the last thing done; it
    is an open order, so it has a list of its own under the doses, which stay in time."""
    t = rows.treated_session(database, config)
    rows.given(database, t.nurse, t.session_id, T0 + timedelta(minutes=35), event_id=t.nausea)
    with database.session_scope() as db:
        record = found_record(db, t.session_id)
    shown = html.Div(ids.medications(record, config.clinic.zone))
    doses = _table_rows(shown, f"{ids.MEDICATIONS}-table")
    assert [row[:5] for row in doses] == ["08:12", "08:22", "08:35"]
    assert not any("Midazolam" in row or "not given" in row for row in doses), doses
    words = _words(shown)
    assert words.index("08:35") < words.index("Ordered, not given")
    (order,) = _table_rows(shown, ids.MEDICATIONS_NOT_GIVEN)
    assert order == (
        f"08:30 Midazolam 2 mg IV ordered by {t.doctor.full_name} 08:30 (reason: Agitated)"
    )
