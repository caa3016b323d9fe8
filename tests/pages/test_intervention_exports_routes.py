"""The auditor's adverse-event and medication CSVs over HTTP: the period's rows as a
download, a period the form would refuse a 400 in words, and the measures screen links
them for the period shown."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.pages import audit_intervention_exports
from tests import adverse_event_data, factories
from tests.factories import T0
from tests.pages.dash_http import prepare, sign_in


def test_the_adverse_events_csv_holds_the_periods_events(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    adverse_event_data.adverse_event(
        database, config, nurse, sid, now=T0 + timedelta(minutes=5), kind="headache"
    )
    client = prepare(app)
    sign_in(client, factories.user(database, Role.AUDITOR).username)
    day = T0.astimezone(config.clinic.zone).date()
    response = client.get(audit_intervention_exports.href("adverse_events", day, day))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 and "Headache" in " ".join(rows[0].values())
    before = day - timedelta(days=3)
    empty = client.get(audit_intervention_exports.href("medications", before, before))
    assert empty.status_code == 200
    assert len(empty.get_data(as_text=True).strip().splitlines()) == 1  # the header alone


def test_a_period_the_form_would_refuse_is_a_400_in_words(app: Dash, database: Database) -> None:
    client = prepare(app)
    sign_in(client, factories.user(database, Role.AUDITOR).username)
    response = client.get("/audit/export/medications.csv?start=2026-11-30&end=2026-11-01")
    assert response.status_code == 400
    assert "period" in response.get_data(as_text=True)
    missing = client.get("/audit/export/adverse_events.csv")
    assert missing.status_code == 400
