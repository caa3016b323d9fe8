"""The quality auditor in the browser: filter the history, open a session's review with its
audit trail, export CSV and read the file back."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import Server
from tests.browser.steps import sign_in


def clinic_day(server: Server, config: Config) -> tuple[int, int]:
    """Two sessions today: one with a high excursion, one without."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    flagged = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=30), chair=config.clinic.chairs[0]
    )
    factories.reading(
        db, config, nurse, flagged, now - timedelta(minutes=20), systolic=188, diastolic=104
    )
    calm = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=25), chair=config.clinic.chairs[1]
    )
    factories.reading(db, config, nurse, calm, now - timedelta(minutes=15))
    return flagged, calm


def test_aud001_filter_open_and_export(
    page: Page, server: Server, config: Config, tmp_path: Path
) -> None:
    flagged, calm = clinic_day(server, config)
    auditor = factories.user(server.database, Role.AUDITOR, username="auditor")
    sign_in(page, server.url, "auditor", target="/audit/sessions")
    grid = page.locator("#audit-grid")
    expect(page.locator("#audit-count")).to_have_text("2 sessions match")
    page.get_by_text("High excursions", exact=True).click()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#audit-count")).to_have_text("1 sessions match")
    link = grid.get_by_role("link", name=str(flagged), exact=True)
    expect(link).to_be_visible()
    expect(grid.get_by_role("link", name=str(calm), exact=True)).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export sessions (CSV)").click()
    saved = tmp_path / "sessions.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.open(encoding="utf-8")))
    assert [int(r["session_id"]) for r in rows] == [flagged]
    assert int(rows[0]["high_excursions"]) >= 1

    link.click()
    page.wait_for_url(f"**/audit/session/{flagged}")
    trail = page.locator("#session-audit")
    expect(trail).to_contain_text("excursion.flagged")
    expect(trail).to_contain_text("reading.recorded")
    expect(page.locator("#session-readings")).to_contain_text("188/104")
    expect(page.get_by_role("button", name="Add addendum")).to_have_count(0)  # read-only
    with server.database.session_scope() as db:
        viewed = db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "record.viewed", AuditEvent.session_id == flagged
            )
        ).all()
        exported = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "record.exported")
        ).all()
    assert [v.actor_id for v in viewed] == [auditor.id]
    assert len(exported) == 1


def test_aud002_measures_for_the_year(page: Page, server: Server, config: Config) -> None:
    clinic_day(server, config)
    factories.user(server.database, Role.AUDITOR, username="auditor")
    sign_in(page, server.url, "auditor", target="/audit/measures")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#measures-table-data")).to_contain_text("sessions")
    expect(page.locator("#measures-charts .js-plotly-plot")).to_have_count(5)


def test_aud003_auditor_cannot_reach_clinical_screens(page: Page, server: Server) -> None:
    factories.user(server.database, Role.AUDITOR, username="auditor")
    sign_in(page, server.url, "auditor", target="/audit/sessions")
    for path in ("/bedside", "/board", "/session/1"):
        page.goto(f"{server.url}{path}")
        expect(page.get_by_text("Your role may not open this screen.")).to_be_visible()
