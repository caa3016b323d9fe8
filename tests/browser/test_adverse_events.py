"""Adverse events at the bedside, in a real browser (nrs130): the nurse records nausea
grade 1 in a few taps (the linked excursion reads "None" before and after), then marks it
resolved, and the card shows it resolved. The cross-screen test (ondansetron against it,
the board, the PDF) reuses these steps."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Locator, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from monitor.services.adverse_events import adverse_events_of
from monitor.ui.bedside.adverse_event_card import NO_EXCURSION
from tests import factories
from tests.browser.adverse_event_steps import event_line, record_event, resolve_now
from tests.browser.conftest import PORTRAIT, Server
from tests.browser.steps import open_chair, sign_in


def shown_option(select: Locator) -> str:
    """The text a select shows: its selected option's."""
    return str(select.evaluate("s => s.options[s.selectedIndex].text"))


def test_nrs130_the_nurse_records_nausea_and_marks_it_resolved(
    page: Page, server: Server, config: Config
) -> None:
    chair = config.clinic.chairs[0]
    nurse = factories.user(server.database, username="nurse")
    sid = factories.infusing(
        server.database, config, nurse, chair=chair, now=utcnow() - timedelta(minutes=10)
    )
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)

    linked = page.locator("#ae-excursion")
    expect(linked).to_have_value(NO_EXCURSION)  # "None" shown, not a blank
    assert shown_option(linked) == "None"
    record_event(page, "Nausea", Severity.MILD, action_taken="Reassured, sips of water")
    expect(linked).to_have_value(NO_EXCURSION)  # and again after the save
    assert shown_option(linked) == "None"
    line = event_line(page, "Nausea")
    expect(line).to_contain_text("Grade 1: mild")
    expect(line).to_contain_text("Open")

    resolve_now(page, "Nausea")
    expect(line.get_by_role("button", name="Resolved now")).to_have_count(0)
    (event,) = adverse_events_of(server.database, sid)
    assert (event.kind, event.severity, event.outcome) == (
        "nausea",
        Severity.MILD,
        AdverseEventOutcome.RESOLVED,
    )
    assert event.action_taken == "Reassured, sips of water"
