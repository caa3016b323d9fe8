"""Issue 13 in the browser: an adverse event and a medication given on an active session
show as marks on the bedside trend (their words on hover) and in the session record's
sections, beside the ketamine table."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.ui import record_interventions as ids
from tests import factories
from tests import intervention_rows as rows
from tests.browser.conftest import PORTRAIT, Server
from tests.browser.record_steps import lane_is_drawn, lane_marks, section_text
from tests.browser.steps import open_chair, sign_in


def test_nrs160_events_and_medications_on_the_trend_and_in_the_record(
    page: Page, server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    start = now - timedelta(minutes=12)
    sid = factories.infusing(db, config, nurse, now=start)
    rows.draw(db, nurse, sid, start - timedelta(minutes=2), volume_ml=5.0)
    nausea = rows.adverse_event(db, nurse, sid, start + timedelta(minutes=6))
    rows.given(db, nurse, sid, start + timedelta(minutes=8), event_id=nausea)

    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, config.clinic.chairs[0])
    marks = lane_marks(page, "bed-trend")
    assert [h[6:] for h in marks["Adverse event (onset)"]] == ["Nausea (Grade 1: mild)"]
    assert [h[6:] for h in marks["Medication given"]] == ["Ondansetron 4 mg IV"]
    assert lane_is_drawn(page, "bed-trend") > 0

    page.goto(f"{server.url}/session/{sid}")
    events = section_text(page, ids.ADVERSE_EVENTS)
    assert "Nausea (Grade 1: mild)" in events and "Ondansetron 4 mg IV" in events
    assert "REMS form — serious adverse event occurred: No" in events
    given = section_text(page, ids.MEDICATIONS)
    assert "Ondansetron 4 mg IV" in given and "for: Nausea (Grade 1: mild)" in given
    assert "standing order" in given
    ketamine = section_text(page, ids.KETAMINE)
    assert "LOT-A1" in ketamine and "Infusion not finished" in ketamine
    assert lane_marks(page, "session-timeline")["Medication given"][0].endswith(
        "Ondansetron 4 mg IV"
    )
