"""Alarm display without fatigue (issue 9, items 5 and 6) in headless Chromium.

One banner per measure group at its highest priority, the lower conditions as lines under
it; every value that crossed named; each bedside flag shows whether and how it was
acknowledged.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import Acknowledgement, Excursion
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from tests import factories
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved


def infusing_after_baseline(server: Server, config: Config, chair: str) -> int:
    """A session in `chair` infusing for 5 min after a 120/80 baseline."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    sid = factories.session(db, config, nurse, chair=chair, now=now - timedelta(minutes=15))
    factories.reading(db, config, nurse, sid, now - timedelta(minutes=7), systolic=120)
    factories.event(db, nurse, sid, SessionEvent.START_INFUSION, now - timedelta(minutes=5))
    return sid


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_nrs050_one_banner_per_measure_naming_every_value(
    server: Server, page: Page, config: Config, viewport: ViewportSize
) -> None:
    chair = config.clinic.chairs[0]
    sid = infusing_after_baseline(server, config, chair)
    page.set_viewport_size(viewport)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)

    enter_reading(page, systolic=185, diastolic=95)
    save_reading(page)
    wait_saved(page)
    result = page.locator("#bed-saved-result")
    banner = result.locator(".alarm")
    expect(banner).to_have_count(1)  # was three: HIGH, MEDIUM, MEDIUM
    high = result.locator(".alarm-high")
    expect(high).to_contain_text("***")
    expect(high).to_contain_text("HIGH")
    expect(high.locator(".alarm-text")).to_contain_text("Severe hypertension: Systolic 185 mmHg")
    lines = high.locator(".alarm-below")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("** MEDIUM BP rise over baseline: Systolic 185 mmHg, +65")
    expect(lines.nth(1)).to_contain_text("** MEDIUM Hypertension: Systolic 185 mmHg")
    # The outcome is on screen without scrolling, in portrait as in landscape.
    expect(high).to_be_in_viewport(ratio=1)  # the banner on screen, no scrolling

    # Every rule is still stored, one excursion each.
    with server.database.session_scope() as db:
        rules = db.scalars(select(Excursion.rule_code).where(Excursion.session_id == sid)).all()
    assert sorted(rules) == ["bp-rise-over-baseline", "hypertension", "severe-hypertension"]
    # The session's flags card groups them the same way: one banner, open.
    flags = page.locator("#bed-flags")
    expect(flags.locator(".alarm")).to_have_count(1)
    expect(flags.locator(".alarm-below")).to_have_count(2)
    expect(flags).to_contain_text("OPEN — awaiting physician")

    enter_reading(page, systolic=194, diastolic=118)
    save_reading(page)
    expect(result.locator(".alarm-high .alarm-text")).to_contain_text(
        "Severe hypertension: Systolic 194 mmHg (≥ 180), Diastolic 118 mmHg (≥ 110)"
    )
    expect(result.locator(".alarm")).to_have_count(1)
    expect(result.locator(".alarm-high").first).to_be_in_viewport(ratio=1)


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's browser, tracked like `page` (console errors, axe, closed first)."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    return page


def test_nrs051_bedside_flag_shows_its_acknowledgement(
    serve: Callable[[Config], Server], page: Page, second_page: Page, config: Config
) -> None:
    server = serve(config)
    chair = config.clinic.chairs[0]
    sid = infusing_after_baseline(server, config, chair)
    doctor = factories.user(server.database, Role.PHYSICIAN, username="doctor")
    bedside, board = page, second_page

    bedside.set_viewport_size(LANDSCAPE)
    sign_in(bedside, server.url, "nurse")
    open_chair(bedside, server.url, chair)
    enter_reading(bedside, systolic=185, diastolic=95)
    save_reading(bedside)
    wait_saved(bedside)
    flag = bedside.locator("#bed-flags .flag-banner")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text("OPEN — awaiting physician")
    expect(flag.locator(".ack-open .badge")).to_be_visible()
    expect(flag).not_to_contain_text("Acknowledged")

    sign_in(board, server.url, "doctor", target="/board")
    tile = board.locator(f"#tile-{sid}")
    expect(tile.locator(".alarm-high")).to_contain_text("Systolic 185")
    tile.get_by_role("button", name="Acknowledge").click()
    dialog = board.locator("#board-ack-modal")
    dialog.get_by_text("Repeat reading ordered").click()
    dialog.get_by_label("Note (optional; required for Other)").fill("Recheck in 5 min")
    dialog.get_by_role("button", name="Acknowledge").click()
    expect(dialog).to_be_hidden()
    expect(tile).to_contain_text("No unacknowledged alerts")

    with server.database.session_scope() as db:
        ack = db.scalars(select(Acknowledgement)).first()
        assert ack is not None
        at = ack.acknowledged_at.astimezone(config.clinic.zone).strftime("%H:%M")

    one_refresh = (config.app.bedside_refresh_seconds + 3) * 1000
    expect(flag).to_contain_text(
        f"Acknowledged {at} by {doctor.full_name} — Repeat reading ordered (Recheck in 5 min)",
        timeout=one_refresh,
    )
    expect(flag).not_to_contain_text("OPEN")
    expect(flag.locator(".ack-open")).to_have_count(0)
