"""The physician's board and a flagged adverse event (issue 13), in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.intervention_models import AdverseEventAcknowledgement
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.adverse_event_rows import adverse_event
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server
from tests.browser.steps import sign_in

HIGH_TILE = re.compile(r"\btile-high\b")
NOTE = "Seen at the chair: oxygen 2 L/min, SpO2 back to 96%"


def test_phy040_grade3_adverse_event_is_a_high_flag_the_physician_acknowledges(
    page: Page, server: Server, config: Config
) -> None:
    db, now, chairs = server.database, utcnow(), config.clinic.chairs
    nurse = factories.user(db, username="nurse")
    doctor = factories.user(db, Role.PHYSICIAN, username="doctor")
    earlier = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=40), chair=chairs[0]
    )
    factories.reading(db, config, nurse, earlier, now - timedelta(minutes=1))
    flagged = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=10), chair=chairs[1]
    )
    factories.reading(db, config, nurse, flagged, now - timedelta(minutes=1))
    event = adverse_event(db, config, nurse, flagged, now - timedelta(minutes=2))

    sign_in(page, server.url, "doctor", target="/board")
    top = page.locator("#board-tiles .tile").first
    expect(top).to_contain_text(chairs[1])  # the flag goes first, before a longer infusion
    expect(top).to_have_class(HIGH_TILE)
    high = top.locator(".tile-adverse .alarm-high")
    expect(high).to_contain_text("Adverse event: Respiratory depression — Grade 3: severe")
    expect(high).to_contain_text("***")
    assert_accessible(page, "board with an adverse-event flag")

    top.get_by_role("button", name="Review adverse event").click()
    dialog = page.locator("#board-ae-modal")
    expect(dialog).to_contain_text("Respiratory depression — Grade 3: severe")
    dialog.get_by_label("Note (what was seen and done)").fill(NOTE)
    dialog.get_by_role("button", name="Acknowledge adverse event").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-ae-done")).to_contain_text("Adverse event acknowledged")
    tile = page.locator(f"#tile-{flagged}")
    expect(tile.locator(".tile-adverse")).to_have_count(0)
    expect(tile).not_to_have_class(HIGH_TILE)

    with db.session_scope() as s:
        (ack,) = s.scalars(select(AdverseEventAcknowledgement)).all()
        audited = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "adverse_event.acknowledged")
        ).one()
    assert (ack.adverse_event_id, ack.acknowledged_by, ack.note) == (event, doctor.id, NOTE)
    assert (audited.actor_id, audited.entity_id, audited.reason) == (doctor.id, event, NOTE)
