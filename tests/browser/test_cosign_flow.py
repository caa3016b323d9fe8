"""Co-signing as a workflow, and no alert closed unseen (issue 9, items 5 and 11): the
nurse signs, the physician sees it on the board, acknowledges any open HIGH alert from the
approval panel, and co-signs at the bedside or on the session record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import Acknowledgement, InfusionSession, Signature
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import LANDSCAPE, Server
from tests.browser.steps import assess_and_sign, open_chair, sign_in
from tests.browser.test_discharge_flow import CHECKLIST, recovered_session
from tests.factories import PASSWORD

SLOW = 15_000  # a loaded machine: the first render of the bedside can take a while
# Tests take `server` first: it is then stopped after both browser contexts have closed,
# so a poll in flight never meets a stopped server.


@pytest.fixture
def physician_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's browser, tracked like `page` (console errors, axe, closed first)."""
    page = new_context(viewport=LANDSCAPE).new_page()
    page.set_default_timeout(SLOW)
    return page


def no_approval_panel(page: Page) -> None:
    expect(page.locator("#rec-signers")).to_contain_text("Sign as performed")
    expect(page.get_by_role("button", name="Approve discharge")).to_have_count(0)
    expect(page.locator("#rec-approve-password")).to_have_count(0)


def test_dis010_open_high_holds_the_approval_until_acknowledged_from_the_panel(
    server: Server, config: Config, page: Page, physician_page: Page
) -> None:
    sid = recovered_session(server, config)
    nurse = factories.user(server.database, username="nurse2")
    doctor = factories.user(server.database, Role.PHYSICIAN, username="doctor")
    factories.reading(  # a HIGH in recovery that nobody has acknowledged
        server.database, config, nurse, sid, utcnow() - timedelta(minutes=60), systolic=185
    )
    chair = config.clinic.chairs[0]
    page.set_default_timeout(SLOW)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    assess_and_sign(page, CHECKLIST[:-1])  # written instructions not confirmed: an override
    no_approval_panel(page)

    doc = physician_page
    sign_in(doc, server.url, "doctor", target=f"/bedside?chair={quote(chair)}")
    expect(doc.locator("#rec-card")).to_be_visible()
    expect(doc.get_by_role("button", name="Sign as performed")).to_have_count(0)
    expect(doc.locator("#rec-approve-alerts")).to_contain_text("Severe hypertension")
    doc.locator("#rec-approve-password").fill(PASSWORD)
    doc.get_by_label("Override reason (only to discharge with criteria unmet)").fill(
        "Instructions given verbally; escort has the leaflet"
    )
    doc.get_by_role("button", name="Approve discharge").click()
    toast = doc.locator("#rec-approve-outcome")
    expect(toast).to_contain_text("Discharge NOT approved")
    expect(toast).to_contain_text("HIGH alert not acknowledged")
    expect(toast).to_contain_text("Severe hypertension")
    expect(toast).to_be_in_viewport()
    expect(doc.locator("#bed-state")).to_have_text("Recovery")

    panel = doc.locator("#rec-ack-section")
    panel.get_by_text("Repeat reading ordered", exact=True).click()
    panel.get_by_label("Note (optional; required for Other)").fill("Repeat was 124/80")
    doc.get_by_role("button", name="Acknowledge these alerts").click()
    expect(doc.locator("#rec-ack-message")).to_contain_text("Acknowledged 1 alert")
    expect(doc.locator("#rec-approve-alerts")).to_contain_text("No open HIGH alerts")
    expect(panel).to_be_hidden()

    doc.locator("#rec-approve-password").fill(PASSWORD)
    doc.get_by_role("button", name="Approve discharge").click()
    expect(toast).to_contain_text("record is signed and locked")
    expect(toast).to_be_in_viewport()
    expect(doc.locator("#bed-state")).to_have_text("Discharged")

    with server.database.session_scope() as db:
        session = db.get(InfusionSession, sid)
        acks = list(db.scalars(select(Acknowledgement)))
        approved = db.scalars(select(Signature).where(Signature.meaning == "approved")).one()
    assert session is not None and session.state == "discharged"
    assert [(a.action, a.note, a.acknowledged_by) for a in acks] == [
        ("repeat_reading_ordered", "Repeat was 124/80", doctor.id)
    ]
    assert acks[0].acknowledged_at <= approved.signed_at
    assert approved.override_reason == "Instructions given verbally; escort has the leaflet"


def test_dis011_board_shows_awaiting_cosignature_and_the_record_page_approves(
    server: Server, config: Config, page: Page, physician_page: Page
) -> None:
    sid = recovered_session(server, config)
    factories.user(server.database, Role.PHYSICIAN, username="doctor")
    chair = config.clinic.chairs[0]
    page.set_default_timeout(SLOW)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    assess_and_sign(page, CHECKLIST)
    no_approval_panel(page)

    doc = physician_page
    sign_in(doc, server.url, "doctor", target="/board")
    tile = doc.locator(f"#tile-{sid}")
    expect(tile).to_contain_text("Nurse signed — awaiting co-signature")
    tile.get_by_role("link", name="Review and co-sign").click()
    doc.wait_for_url(f"**/session/{sid}")
    signoff = doc.locator("#session-signoff")
    expect(signoff).to_be_in_viewport()
    expect(signoff).to_contain_text("READY FOR DISCHARGE")
    expect(signoff).to_contain_text("Signed performed by Test Nurse")
    expect(doc.get_by_role("button", name="Sign as performed")).to_have_count(0)
    approve = signoff.get_by_role("button", name="Approve discharge")
    expect(approve).to_be_in_viewport()  # criteria beside the controls: no scrolling
    signoff.get_by_label("Your password").fill(PASSWORD)
    approve.click()
    toast = doc.locator("#session-signoff-approve-outcome")
    expect(toast).to_contain_text("record is signed and locked")
    expect(toast).to_be_in_viewport()
    expect(doc.locator("#session-signoff-approve-section")).to_be_hidden()

    with server.database.session_scope() as db:
        session = db.get(InfusionSession, sid)
    assert session is not None and session.state == "discharged"
    # The nurse's card leaves with the discharge; the approval panel was never hers.
    expect(page.locator("#bed-state")).to_have_text("Discharged", timeout=30_000)
    expect(page.get_by_role("button", name="Approve discharge")).to_have_count(0)
