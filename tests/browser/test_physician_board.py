"""The physician's live board with a nurse charting at the same time (two browser contexts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import Acknowledgement, AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import LANDSCAPE, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved

# Counts AudioContext constructions, so a test can prove which page made a sound.
COUNT_SOUNDS = """
window.__sounds = 0;
const Real = window.AudioContext;
window.AudioContext = function (...args) { window.__sounds += 1; return new Real(...args); };
"""


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's browser, tracked like `page` (console errors, axe, closed first)."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    return page


def start_session(server: Server, config: Config, chair: str, minutes_ago: float) -> int:
    db, now = server.database, utcnow()
    nurse = factories.user(db, username=f"n{chair[-1]}")
    sid = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=minutes_ago), chair=chair
    )
    factories.reading(db, config, nurse, sid, now - timedelta(minutes=1))
    return sid


def test_phy001_high_reading_reaches_the_board_and_is_acknowledged(
    page: Page, second_page: Page, serve: Callable[[Config], Server], config: Config
) -> None:
    board_config = config.model_copy(
        update={"board": config.board.model_copy(update={"sound_on_new_high": True})}
    )
    server = serve(board_config)
    chairs = config.clinic.chairs
    start_session(server, config, chairs[1], minutes_ago=30)  # routine, running longer
    high_sid = start_session(server, config, chairs[0], minutes_ago=5)
    factories.user(server.database, username="nurse")
    doctor = factories.user(server.database, Role.PHYSICIAN, username="doctor")

    board, bedside = second_page, page
    for p in (board, bedside):
        p.add_init_script(COUNT_SOUNDS)
    sign_in(board, server.url, "doctor", target="/board")
    tiles = board.locator("#board-tiles .tile")
    expect(tiles).to_have_count(2)
    expect(tiles.first).to_contain_text(chairs[1])  # routine order: running longest first

    bedside.set_viewport_size(LANDSCAPE)
    sign_in(bedside, server.url, "nurse")
    open_chair(bedside, server.url, chairs[0])
    enter_reading(bedside, systolic=190, diastolic=100)
    save_reading(bedside)
    wait_saved(bedside)
    expect(bedside.locator("#bed-saved-result .alarm-high")).to_contain_text("***")

    one_refresh = (config.board.refresh_seconds + 3) * 1000
    top = tiles.first
    expect(top).to_contain_text(chairs[0], timeout=one_refresh)
    expect(top.locator(".alarm-high")).to_contain_text("***")
    expect(top.locator(".alarm-high")).to_contain_text("Systolic 190")
    assert board.evaluate("window.__sounds") >= 1  # the board's optional cue
    assert bedside.evaluate("window.__sounds") == 0  # never at the bedside

    top.get_by_role("button", name="Acknowledge").click()
    dialog = board.locator("#board-ack-modal")
    expect(dialog).to_contain_text("Systolic 190")
    dialog.get_by_text("Repeat reading ordered").click()
    dialog.get_by_label("Note (optional; required for Other)").fill("Recheck in 5 min")
    dialog.get_by_role("button", name="Acknowledge").click()
    expect(dialog).to_be_hidden()
    tile = board.locator(f"#tile-{high_sid}")
    expect(tile).to_contain_text("No unacknowledged alerts")
    expect(tile.locator(".alarm-high")).to_have_count(0)

    with server.database.session_scope() as db:
        acks = list(db.scalars(select(Acknowledgement)))
        audit = list(
            db.scalars(select(AuditEvent).where(AuditEvent.action == "excursion.acknowledged"))
        )
    assert acks and all(a.acknowledged_by == doctor.id for a in acks)
    assert {a.action for a in acks} == {"repeat_reading_ordered"}
    assert len(audit) == len(acks) and audit[0].reason == "Recheck in 5 min"

    tile.get_by_role("link", name="Open session").click()
    expect(board.locator("#session-excursions")).to_contain_text(
        f"Acknowledged by {doctor.full_name}"
    )
    expect(board.locator("#session-audit")).to_contain_text("excursion.acknowledged")
    expect(board.locator("#session-audit")).to_contain_text(doctor.full_name)


def test_phy002_nurse_cannot_open_the_board(page: Page, server: Server) -> None:
    factories.user(server.database, username="nurse")
    sign_in(page, server.url, "nurse")
    page.goto(f"{server.url}/board")
    expect(page.get_by_text("Your role may not open this screen.")).to_be_visible()


def test_phy003_session_page_from_the_bedside(page: Page, server: Server, config: Config) -> None:
    sid = start_session(server, config, config.clinic.chairs[0], minutes_ago=12)
    factories.user(server.database, username="nurse")
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, config.clinic.chairs[0])
    page.locator("#bed-record-link").click()
    page.wait_for_url(f"**/session/{sid}")
    expect(page.locator("#session-timeline .main-svg").first).to_be_visible()
    expect(page.locator("#session-readings")).to_contain_text("120/80")
    expect(page.locator("#session-audit")).to_contain_text("infusion.start")
    page.goto(f"{server.url}/session/999999")
    expect(page.get_by_text("No session '999999'.")).to_be_visible()
