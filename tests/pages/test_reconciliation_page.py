"""The reconciliation screen and its CSV over HTTP: the auditor and the physician see the
lot and the open discrepancy with its links; a nurse is refused; a bad period is said at
the field; the CSV streams, audited, and a bad period is a 400 in words. The measures page
shows the intervention measures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from tests import factories, ketamine_rows
from tests.factories import T0
from tests.pages.dash_http import call, open_page, prepare, sign_in

PERIOD = {"recon-start.value": "2026-11-01", "recon-end.value": "2026-11-30"}
CSV = "/audit/export/reconciliation.csv?start=2026-11-01&end=2026-11-30"


def signed_in(app: Dash, database: Database, role: Role) -> FlaskClient:
    client = prepare(app)
    sign_in(client, factories.user(database, role).username)
    return client


def seeded(database: Database, config: Config) -> int:
    """One balanced session of lot LOT-OK, and one 1.50 mL short on lot LOT-SHORT."""
    nurse = factories.user(database, Role.NURSE)
    witness = factories.user(database, Role.NURSE)
    ketamine_rows.balanced(database, config, nurse, witness, lot="LOT-OK")
    short, delivered = ketamine_rows.stopped(
        database, config, nurse, at=T0 + timedelta(hours=1), chair=1
    )
    ketamine_rows.draw(
        database, config, nurse, short, lot="LOT-SHORT", volume_ml=round(delivered / 10 + 1.5, 2)
    )
    return short


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PHYSICIAN])
def test_the_reconciliation_shows_lots_and_the_open_discrepancy(
    app: Dash, database: Database, config: Config, role: Role
) -> None:
    short = seeded(database, config)
    client = signed_in(app, database, role)
    response = call(client, app, "recon-report.children", {"recon-apply.n_clicks": 1, **PERIOD})
    assert response.status_code == 200
    shown = json.dumps(response.get_json()["response"])
    assert "LOT-OK" in shown and "LOT-SHORT" in shown
    assert "Open discrepancies: 1 (target 0)" in shown
    assert f"/session/{short}/ketamine" in shown
    record = f"/audit/session/{short}" if role is Role.AUDITOR else f'"/session/{short}"'
    assert record in shown
    assert "1.50 mL unaccounted" in shown
    assert "start=2026-11-01&end=2026-11-30" in shown


def test_a_nurse_may_not(app: Dash, database: Database) -> None:
    client = signed_in(app, database, Role.NURSE)
    response = call(client, app, "recon-report.children", {"recon-apply.n_clicks": 1, **PERIOD})
    assert response.status_code == 403
    assert client.get(CSV).status_code == 403


def test_a_bad_period_is_said_at_the_field(app: Dash, database: Database) -> None:
    client = signed_in(app, database, Role.AUDITOR)
    values = {"recon-apply.n_clicks": 1, "recon-start.value": "2026-12-01"}
    values["recon-end.value"] = "2026-11-01"
    answer = call(client, app, "recon-report.children", values).get_json()["response"]
    assert answer["recon-end"]["invalid"] is True
    assert "later one" in answer["recon-end-problem"]["children"]


def test_an_empty_period_says_so(app: Dash, database: Database) -> None:
    client = signed_in(app, database, Role.AUDITOR)
    response = call(client, app, "recon-report.children", {"recon-apply.n_clicks": 1, **PERIOD})
    assert "No session drew or was given ketamine" in json.dumps(response.get_json())


def test_the_csv_is_streamed_and_audited(app: Dash, database: Database, config: Config) -> None:
    seeded(database, config)
    client = signed_in(app, database, Role.AUDITOR)
    response = client.get(CSV)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].startswith("table,day,lot,sessions,drawn_ml")
    assert "LOT-SHORT" in text and text.splitlines()[-1].startswith("total,")
    with database.session_scope() as db:
        exported = db.scalars(select(AuditEvent).where(AuditEvent.action == "record.exported"))
        assert [e.new_values["export"] for e in exported if e.new_values] == ["reconciliation.csv"]


@pytest.mark.parametrize(
    "query", ["start=2026-11-30&end=2026-11-01", "start=2026-11-01", "start=x&end=y"]
)
def test_a_bad_csv_period_is_a_400_in_words(app: Dash, database: Database, query: str) -> None:
    client = signed_in(app, database, Role.PHYSICIAN)
    response = client.get(f"/audit/export/reconciliation.csv?{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PHYSICIAN])
def test_the_page_is_in_the_nav_of_both(app: Dash, database: Database, role: Role) -> None:
    client = signed_in(app, database, role)
    page = json.dumps(open_page(client, app, "/audit/reconciliation"))
    assert "Controlled-substance reconciliation" in page and "recon-export" in page
    home = client.get("/")
    assert home.status_code == 200


def test_the_measures_page_shows_the_intervention_measures(
    app: Dash, database: Database, config: Config
) -> None:
    short = seeded(database, config)
    client = signed_in(app, database, Role.AUDITOR)
    values = {
        "measures-apply.n_clicks": 1,
        "measures-start.value": "2026-11-01",
        "measures-end.value": "2026-11-30",
        "measures-period.value": "month",
    }
    response = call(client, app, "measures-charts.children", values)
    assert response.status_code == 200
    shown = json.dumps(response.get_json()["response"]["measures-interventions"])
    assert "Unresolved ketamine discrepancies: 1 (target 0)" in shown
    assert f"/audit/session/{short}" in shown
    assert "Adverse events per 100 sessions, by kind" in shown and "Nausea" in shown
