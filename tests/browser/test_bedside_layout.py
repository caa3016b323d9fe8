"""The bedside page on tablets: the outcome of Save in view without scrolling, the reading
form first in every phase, the chair picker's states, and clinic time on the record page."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.session_state import SessionEvent
from monitor.services.actors import Actor
from monitor.services.people import verify_password
from monitor.services.recovery_assessment import record_assessment
from monitor.services.sign_off import sign_performed
from tests import factories
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved
from tests.factories import PASSWORD

VIEWPORTS = {"portrait": PORTRAIT, "landscape": LANDSCAPE}


def nurse(server: Server) -> Actor:
    """The one nurse of these tests (made on first use)."""
    found = verify_password(database=server.database, username="nurse", password=PASSWORD)
    return found or factories.user(server.database, username="nurse")


def infusing(server: Server, config: Config, chair: str, minutes_ago: float) -> int:
    at = utcnow() - timedelta(minutes=minutes_ago)
    return factories.infusing(server.database, config, nurse(server), now=at, chair=chair)


def in_recovery(server: Server, config: Config, chair: str) -> tuple[Actor, int]:
    """Dosing began 70 min ago and stopped at 40: the 15-min recovery reading is overdue."""
    db, start, who = server.database, utcnow() - timedelta(minutes=70), nurse(server)
    sid = factories.infusing(db, config, who, now=start, chair=chair)
    factories.reading(db, config, who, sid, start + timedelta(minutes=40), systolic=150)
    factories.event(db, who, sid, SessionEvent.STOP_INFUSION, start + timedelta(minutes=40))
    return who, sid


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_nrs030_save_outcome_in_view_without_scrolling(
    page: Page, server: Server, config: Config, viewport: str
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    chair = config.clinic.chairs[0]
    infusing(server, config, chair, minutes_ago=5)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Infusing", timeout=15_000)

    enter_reading(page, systolic=1200, diastolic=80)  # refused: the refusal is in view
    save_reading(page)
    expect(page.locator("#bed-not-saved")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#bed-not-saved")).to_be_in_viewport(ratio=1)

    enter_reading(page, systolic=185, diastolic=95)
    save_reading(page)
    wait_saved(page)
    high = page.locator("#bed-saved-result .alarm-high").first
    expect(high).to_contain_text("***")
    expect(high).to_contain_text("HIGH")
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#bed-saved")).to_be_in_viewport(ratio=1)
    expect(high).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Save reading")).to_be_in_viewport(ratio=1)

    # Further down the page, an action's outcome is brought into view too: the Pause button
    # at the very bottom of the screen, its message appears below it and is scrolled to.
    page.get_by_label("Reason (to pause or stop early)").fill("Patient asked for a break")
    pause = page.get_by_role("button", name="Pause", exact=True)
    box = pause.bounding_box()
    assert box is not None
    height = VIEWPORTS[viewport]["height"]
    page.evaluate(f"window.scrollBy(0, {box['y'] + box['height'] - height + 2})")
    pause.click()
    message = page.locator("#bed-event-message .alert")
    expect(message).to_contain_text("Infusion paused")
    expect(message).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_nrs031_reading_form_first_in_recovery(
    page: Page, server: Server, config: Config, viewport: str
) -> None:
    page.set_viewport_size(VIEWPORTS[viewport])
    chair = config.clinic.chairs[1]
    in_recovery(server, config, chair)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Recovery", timeout=15_000)
    expect(page.locator("#bed-countdown")).to_contain_text("READING OVERDUE")
    recovery = page.locator("#rec-card")
    expect(recovery).to_be_visible()
    form = page.locator("#bed-reading-card")
    form_box, recovery_box = form.bounding_box(), recovery.bounding_box()
    assert form_box is not None and recovery_box is not None
    assert form_box["y"] + form_box["height"] <= recovery_box["y"]  # the form comes first
    expect(page.get_by_role("button", name="Save reading")).to_be_in_viewport(ratio=1)
    expect(page.get_by_label("Systolic (mmHg)")).to_be_in_viewport(ratio=1)

    enter_reading(page, systolic=128, diastolic=82)
    save_reading(page)
    wait_saved(page)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#bed-saved")).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-countdown")).not_to_contain_text("OVERDUE")


def chair_card(page: Page, chair: str) -> Locator:
    return page.locator(f"[id='bed-chair-{chair.replace(' ', '%20')}']")


def test_nrs032_chair_picker_shows_overdue_high_and_cosignature(
    page: Page, server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    c = config.clinic.chairs
    who, waiting = in_recovery(server, config, c[0])  # recovery, reading overdue
    infusing(server, config, c[1], minutes_ago=30)  # only the baseline: overdue
    high = infusing(server, config, c[2], minutes_ago=5)
    factories.reading(db, config, who, high, now - timedelta(minutes=1), systolic=190)
    infusing(server, config, c[3], minutes_ago=2)  # on schedule, nothing open
    factories.reading(db, config, who, waiting, now - timedelta(minutes=1))
    record_assessment(
        database=db,
        config=config,
        actor=who,
        session_id=waiting,
        activity=2,
        respiration=2,
        consciousness=2,
        confirmed=config.default_protocol.discharge.checklist,
        idempotency_key=factories.key(),
        now=now,
    )
    sign_performed(database=db, config=config, actor=who, session_id=waiting, password=PASSWORD)

    sign_in(page, server.url, "nurse")
    expect(page.get_by_role("heading", name="Choose a chair")).to_be_visible()
    expect(chair_card(page, c[0])).to_contain_text("Recovery")
    expect(chair_card(page, c[0])).to_contain_text("awaiting co-signature")
    expect(chair_card(page, c[1])).to_contain_text("READING OVERDUE")
    flag = chair_card(page, c[2]).locator(".chair-state-high")
    expect(flag).to_have_text("*** HIGH unacknowledged")  # marks and words, not colour alone
    assert flag.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(201, 42, 42)"
    expect(chair_card(page, c[2])).not_to_contain_text("OVERDUE")
    for quiet in (c[3], c[4]):
        expect(chair_card(page, quiet).locator(".chair-state")).to_have_count(0)
    expect(chair_card(page, c[4])).to_contain_text("Free")


def test_nrs033_addendum_picker_in_clinic_time(page: Page, server: Server, config: Config) -> None:
    db, now = server.database, utcnow()
    who = nurse(server)
    sid = factories.infusing(db, config, who, now=now - timedelta(minutes=20))
    taken = now - timedelta(minutes=11)
    factories.reading(db, config, who, sid, taken, systolic=124, diastolic=81)
    sign_in(page, server.url, "nurse", target=f"/session/{sid}")
    picker = page.get_by_label("Reading (leave empty for a note)")
    expected = f"{clinic(taken, config):%H:%M} · 124/81 · HR 72"
    expect(picker.locator("option", has_text="124/81")).to_have_text(expected)
    assert "UTC" not in (picker.inner_text() or "")


def clinic(moment: datetime, config: Config) -> datetime:
    return moment.astimezone(config.clinic.zone)
