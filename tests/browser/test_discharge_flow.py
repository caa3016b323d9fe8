"""From recovery to a locked, co-signed record in the browser: the nurse assesses and signs,
the physician approves, and the record is locked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import InfusionSession, Signature
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.ratings import record_rating
from tests import factories
from tests.browser.conftest import LANDSCAPE, Server
from tests.browser.steps import open_chair, sign_in
from tests.factories import PASSWORD

CHECKLIST = (
    "Oriented to person, place and time",
    "Steady gait",
    "Nausea controlled",
    "Responsible adult escort present",
    "Told not to drive until the next day after sleep",
    "Written discharge instructions given",
)


@pytest.fixture
def doctor_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's browser, tracked like `page` (console errors, axe, closed first)."""
    page = new_context(viewport=LANDSCAPE).new_page()
    return page


def recovered_session(server: Server, config: Config) -> int:
    """Dosing began 125 min ago; stopped at 40; a calm reading and CADSS just now."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    start = now - timedelta(minutes=125)
    sid = factories.infusing(db, config, nurse, now=start)
    factories.reading(db, config, nurse, sid, start + timedelta(minutes=40), systolic=150)
    factories.event(db, nurse, sid, SessionEvent.STOP_INFUSION, start + timedelta(minutes=40))
    factories.reading(db, config, nurse, sid, now - timedelta(minutes=2), systolic=124)
    record_rating(
        database=db,
        config=config,
        actor=nurse,
        session_id=sid,
        answers={1: 0, 2: 1, 6: 0, 7: 0, 15: 0, 22: 0},
        idempotency_key=factories.key(),
        now=now - timedelta(minutes=1),
    )
    return sid


def test_dis001_recovery_to_locked_record(
    page: Page, doctor_page: Page, server: Server, config: Config
) -> None:
    sid = recovered_session(server, config)
    doctor = factories.user(server.database, Role.PHYSICIAN, username="doctor")
    chair = config.clinic.chairs[0]

    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    card = page.locator("#rec-card")
    expect(card).to_be_visible()
    expect(card.locator(".criterion.unmet").first).to_contain_text("Modified Aldrete")
    for picker in ("#rec-activity", "#rec-respiration", "#rec-consciousness"):
        page.locator(picker).get_by_text("2", exact=True).click()
    for item in CHECKLIST:
        card.get_by_text(item, exact=True).click()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator("#rec-ready")).to_have_text("READY FOR DISCHARGE")
    page.get_by_label("Your password").first.fill(PASSWORD)
    page.get_by_role("button", name="Sign as performed").click()
    expect(page.locator("#rec-message")).to_contain_text("Assessment signed (performed)")
    expect(card.locator(".signature")).to_contain_text("Signed performed by Test Nurse")

    sign_in(doctor_page, server.url, "doctor", target=f"/bedside?chair={quote(chair)}")
    doctor_page.locator("#rec-approve-password").fill(PASSWORD)
    doctor_page.get_by_role("button", name="Approve discharge").click()
    expect(doctor_page.locator("#rec-approve-outcome")).to_contain_text(
        "record is signed and locked"
    )
    expect(doctor_page.locator("#bed-state")).to_have_text("Discharged")
    expect(doctor_page.get_by_role("button", name="Save reading")).to_be_disabled()

    with server.database.session_scope() as db:
        session = db.get(InfusionSession, sid)
        signatures = list(db.scalars(select(Signature).order_by(Signature.id)))
    assert session is not None and session.state == "discharged"
    assert [(s.meaning, s.printed_name) for s in signatures] == [
        ("performed", "Test Nurse"),
        ("approved", doctor.full_name),
    ]

    doctor_page.goto(f"{server.url}/session/{sid}")
    expect(doctor_page.locator("#session-locked")).to_be_visible()
    expect(doctor_page.locator("#session-signatures")).to_contain_text(
        f"Approved: {doctor.full_name} (physician)"
    )
    response = doctor_page.request.get(f"{server.url}/session/{sid}/record.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_dis002_addendum_on_a_locked_record(page: Page, server: Server, config: Config) -> None:
    sid = recovered_session(server, config)
    sign_in(page, server.url, "nurse", target=f"/session/{sid}")
    page.get_by_label("Reading (leave empty for a note)").select_option(index=2)
    page.get_by_label("Value", exact=True).select_option("systolic")
    page.get_by_label("Corrected value or note").fill("105")
    page.get_by_label("Reason").fill("Cuff on the wrong arm size; repeat confirmed 105")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator("#session-add-message")).to_contain_text("Addendum added")
    page.reload()
    expect(page.locator("#session-readings")).to_contain_text("150/80")  # original stays
    expect(page.locator("#session-readings .addendum-note")).to_contain_text("systolic 150 → 105")
