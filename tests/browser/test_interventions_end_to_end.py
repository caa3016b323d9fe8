"""Issue 13's first "Done when", end to end in real browsers (nrs170): at the bedside of an
infusing session the nurse records nausea (grade 1) on the adverse-event card, gives
ondansetron 4 mg IV against it on the medications card (standing order), and marks the
nausea resolved. Then the bedside trend marks both, the physician's board (a second
browser, 1024 px wide) says on the tile that the nausea resolved and ondansetron was given,
and the session's PDF prints the event with its outcome and the dose."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from io import BytesIO

from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Severity
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.adverse_event_steps import record_event, resolve_now
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.medication_steps import give_dose
from tests.browser.record_steps import lane_is_drawn, lane_marks
from tests.browser.steps import open_chair, sign_in

EVENT = "Nausea (Grade 1: mild)"
DOSE = "Ondansetron 4 mg IV"
TREND = "bed-trend"


def marks_of_both(page: Page) -> dict[str, list[str]]:
    """The trend's lane once it marks the event and the dose (it redraws after each)."""
    page.wait_for_function(
        f"() => {{ const el = document.querySelector('#{TREND} .js-plotly-plot');"
        " const names = el && el.data ? el.data.filter(t => t.yaxis === 'y4').map(t => t.name)"
        " : []; return names.includes('Adverse event (onset)')"
        " && names.includes('Medication given'); }"
    )
    return lane_marks(page, TREND)


def pdf_words(page: Page, url: str) -> str:
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = PdfReader(BytesIO(response.body())).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def test_nrs170_nausea_ondansetron_resolved_on_timeline_board_and_pdf(
    page: Page, new_context: Callable[..., BrowserContext], server: Server, config: Config
) -> None:
    db, chair = server.database, config.clinic.chairs[0]
    nurse = factories.user(db, username="nurse")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    sid = factories.infusing(db, config, nurse, chair=chair, now=utcnow() - timedelta(minutes=10))
    factories.reading(db, config, nurse, sid, utcnow() - timedelta(minutes=1))  # on schedule

    # The nurse, at the bedside tablet.
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    record_event(page, "Nausea", Severity.MILD, action_taken="Ondansetron, sips of water")
    give_dose(page, "Ondansetron", route="IV")
    given = page.locator("#med-message .alert")
    expect(given).to_contain_text(f"Given: {DOSE}")
    expect(page.locator("#med-given-list")).to_contain_text(
        f"{DOSE} — by Test Nurse, for {EVENT}; standing order"
    )
    resolve_now(page, "Nausea")

    # The trend marks both, their words on hover.
    marks = marks_of_both(page)
    assert [h[6:] for h in marks["Adverse event (onset)"]] == [EVENT]
    assert [h[6:] for h in marks["Medication given"]] == [DOSE]
    assert lane_is_drawn(page, TREND) > 0

    # The physician's board, on another screen, 1024 px wide.
    board = new_context(viewport=LANDSCAPE).new_page()
    sign_in(board, server.url, "doctor", target="/board")
    tile = board.locator(f"#tile-{sid}")
    line = tile.locator(".tile-happened")
    expect(line.locator(".tile-events")).to_have_text("Events: Nausea G1 · resolved")
    expect(line.locator(".tile-given")).to_have_text(re.compile(rf"^Given: {DOSE} \d\d:\d\d$"))
    expect(tile.locator(".alarm-high")).to_have_count(0)  # grade 1 raises no flag
    expect(tile).to_contain_text("No unacknowledged alerts")
    assert line.evaluate("el => el.scrollWidth <= el.clientWidth"), "the line overflows its tile"
    assert_accessible(board, "board tile with its line of what was given and what happened")

    # The session's PDF, downloaded by the nurse.
    text = pdf_words(page, f"{server.url}/session/{sid}/record.pdf")
    events = text.split("Adverse events", 1)[1].split("Medications", 1)[0]
    assert EVENT in events and "Resolved" in events, events
    medications = text.split("Medications", 1)[1].split("Ketamine", 1)[0]
    assert DOSE in medications and f"for: {EVENT}" in medications, medications
    assert "standing order" in medications
