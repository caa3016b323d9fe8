"""Every screen, as the role that uses it, in the low-light and the light theme: no serious or
critical WCAG 2 A/AA violation found by axe-core (contrast, labels, names, landmarks).

Every other browser test runs the same check on the pages it leaves open (tests/browser/
conftest.py); this one walks through all the screens and states in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, cast
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.ratings import record_rating
from tests import factories
from tests.browser.accessibility import assert_accessible, check_both_themes
from tests.browser.conftest import LANDSCAPE, Server
from tests.browser.steps import sign_in


def clinic_floor(server: Server, config: Config) -> dict[str, int]:
    """Chair 1 planned (baseline needed), Chair 2 infusing with an unacknowledged HIGH,
    Chair 3 in recovery with its discharge card; a patient waiting for Chair 4."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    chairs = config.clinic.chairs
    planned = factories.session(db, config, nurse, chair=chairs[0], now=now - timedelta(minutes=3))
    infusing = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=20), chair=chairs[1]
    )
    factories.reading(
        db, config, nurse, infusing, now - timedelta(minutes=2), systolic=190, diastolic=112
    )
    start = now - timedelta(minutes=125)
    recovery = factories.infusing(db, config, nurse, now=start, chair=chairs[2])
    factories.reading(db, config, nurse, recovery, start + timedelta(minutes=40), systolic=150)
    factories.event(db, nurse, recovery, SessionEvent.STOP_INFUSION, start + timedelta(minutes=40))
    factories.reading(db, config, nurse, recovery, now - timedelta(minutes=2), systolic=124)
    record_rating(
        database=db,
        config=config,
        actor=nurse,
        session_id=recovery,
        answers={1: 0, 2: 1, 6: 0, 7: 0, 15: 0, 22: 0},
        idempotency_key=factories.key(),
        now=now - timedelta(minutes=1),
    )
    factories.patient(db, config, weight=72)
    for role in (Role.PHYSICIAN, Role.AUDITOR, Role.ADMIN):
        factories.user(db, role, username=role.value)
    return {"planned": planned, "infusing": infusing, "recovery": recovery}


def test_a11y001_every_screen_in_both_themes(
    page: Page, new_context: Callable[..., BrowserContext], server: Server, config: Config
) -> None:
    sessions = clinic_floor(server, config)
    chairs = config.clinic.chairs
    found: dict[str, dict[str, list[str]]] = {}

    def check(p: Page, label: str) -> None:
        found[label] = check_both_themes(p)

    def browser_of(role: Role, target: str) -> Page:
        other = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
        sign_in(other, server.url, role.value, target=target)
        return other

    # nurse: sign-in, chair picker, open-session form, bedside in each phase, the record
    page.goto(f"{server.url}/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    check(page, "login")
    toggle, root = page.locator("#shell-theme-toggle"), page.locator("html")
    toggle.click()  # the real switch sets the attribute the checks set
    expect(root).to_have_attribute("data-bs-theme", "light")
    toggle.click()
    expect(root).to_have_attribute("data-bs-theme", "dark")
    sign_in(page, server.url, "nurse")
    expect(page.get_by_role("heading", name="Choose a chair")).to_be_visible()
    check(page, "bedside: chair picker")

    page.goto(f"{server.url}/bedside?chair={quote(chairs[3])}")
    expect(page.get_by_role("heading", name=f"{chairs[3]}: open a session")).to_be_visible()
    page.locator("#bed-open-patient").click()
    page.keyboard.type("Family")
    expect(page.get_by_text("Family", exact=False).last).to_be_visible()
    check(page, "bedside: open-session form, patient search open")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Weight today (kg)")).to_have_value("72")
    check(page, "bedside: open-session form, patient chosen")

    for chair, phase, state in (
        (chairs[0], "baseline", "Planned"),
        (chairs[1], "infusing", "Infusing"),
        (chairs[2], "recovery with discharge card", "Recovery"),
    ):
        page.goto(f"{server.url}/bedside?chair={quote(chair)}")
        expect(page.locator("#bed-state")).to_contain_text(state)
        if phase.startswith("recovery"):
            expect(page.locator("#rec-card")).to_be_visible()
        check(page, f"bedside: {phase}")

    page.goto(f"{server.url}/session/{sessions['infusing']}")
    expect(page.locator("#session-timeline .main-svg").first).to_be_visible()
    check(page, "session record")

    # physician: the live board, a tile, and the acknowledgement dialog
    board = browser_of(Role.PHYSICIAN, "/board")
    tile = board.locator(f"#tile-{sessions['infusing']}")
    expect(tile.locator(".alarm-high").first).to_be_visible()
    check(board, "board")
    tile.get_by_role("button", name="Acknowledge").click()
    dialog = board.locator("#board-ack-modal")
    expect(dialog).to_contain_text("Systolic 190")
    board.wait_for_timeout(400)  # the dialog's fade-in
    check(board, "board: acknowledgement dialog")

    # auditor: history, a session's review, the measures
    auditor = browser_of(Role.AUDITOR, "/audit/sessions")
    expect(auditor.locator("#audit-count")).to_contain_text("sessions match")
    check(auditor, "audit: session history")
    auditor.goto(f"{server.url}/audit/session/{sessions['recovery']}")
    expect(auditor.locator("#session-audit")).to_contain_text("reading.recorded")
    check(auditor, "audit: session review")
    auditor.goto(f"{server.url}/audit/measures")
    expect(auditor.get_by_role("heading").first).to_be_visible()
    auditor.wait_for_load_state("networkidle")
    check(auditor, "audit: measures")

    # admin: the home page
    admin = browser_of(Role.ADMIN, "/")
    expect(admin.get_by_role("heading", name="Welcome, Test Admin")).to_be_visible()
    check(admin, "admin: home")

    problems = [
        f"{label} [{theme}] {line}"
        for label, themes in found.items()
        for theme, lines in themes.items()
        for line in lines
    ]
    for label, themes in found.items():
        print(f"axe {label}: " + ", ".join(f"{t} {len(lines)}" for t, lines in themes.items()))
    assert len(found) == 14
    assert not problems, f"{len(problems)} serious/critical axe violations:\n" + "\n".join(problems)


UNREADABLE = """() => {
    const add = (html) => { const d = document.createElement('div');
        d.className = 'a11y-probe'; d.innerHTML = html; document.body.prepend(d); };
    add('<span style="color:#fff;background:#fff">white on white</span>');
    add('<button style="color:#0dcaf0;background:#fff;border:1px solid">5</button>');
    add('<button style="color:#6c757d;background:#10161e">Sign out</button>');
}"""


def test_a11y002_the_check_catches_unreadable_text(page: Page, server: Server) -> None:
    """The check itself: text at 1:1, a single digit at 1.95:1 and a grey button at 3.9:1
    all fail it, in whichever theme they appear."""
    page.goto(f"{server.url}/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_accessible(page, "login")
    page.evaluate(UNREADABLE)
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page, "login with probes")
    message = str(failed.value)
    for contrast in ("contrast 1:1", "contrast 1.95:1", "contrast of 3.87"):
        assert contrast in message, message
    assert "[dark]" in message and "[light]" in message
    page.evaluate("() => document.querySelectorAll('.a11y-probe').forEach(e => e.remove())")
    assert_accessible(page, "login again")


@pytest.fixture
def stops() -> Iterator[list[int]]:
    """Set up first, torn down last: how many browser contexts were open at each server stop."""
    seen: list[int] = []
    yield seen
    assert seen == [0], f"browser contexts still open when the server stopped: {seen}"


def test_a11y003_pages_close_before_their_server_stops(
    stops: list[int],
    browser: Browser,
    page: Page,
    new_context: Callable[..., BrowserContext],
    server: Server,
) -> None:
    """A poll in flight when the server stops is a console error (ERR_CONNECTION_RESET), so
    every context closes first: the page's, new_context()'s, and one opened directly."""
    stop = server.stop

    def counted_stop() -> None:
        stops.append(len(browser.contexts))
        stop()

    cast(Any, server).stop = counted_stop  # the server fixture's own teardown calls it
    untracked = browser.new_context(viewport=LANDSCAPE)
    for p in (page, new_context().new_page(), untracked.new_page()):
        p.goto(f"{server.url}/login")
        expect(p.get_by_role("button", name="Sign in")).to_be_visible()
    assert len(browser.contexts) == 3
