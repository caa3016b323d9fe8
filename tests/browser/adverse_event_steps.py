"""Steps a nurse takes on the bedside's adverse-event card, as Playwright actions on the
real page: reusable by the cross-screen tests of issue 13 (the event, then ondansetron
against it, the board and the PDF)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from monitor.domain.vocabulary import Severity
from monitor.ui.bedside.adverse_event_card import severity_button


def card(page: Page) -> Locator:
    return page.locator("#ae-card")


def record_event(
    page: Page,
    kind_label: str,
    severity: Severity,
    *,
    serious: bool = False,
    action_taken: str = "",
    note: str = "",
) -> None:
    """Tap the kind and the grade, leave the onset at now, and save; the message beside
    Save says it was saved, in view."""
    ae = card(page)
    expect(ae).to_be_visible()
    # scrolled first: a click that scrolls the long bedside page itself waits for a still
    # element that the page's own scrolling keeps moving
    ae.locator("#ae-kind").scroll_into_view_if_needed()
    ae.locator("#ae-kind").get_by_text(kind_label, exact=True).click()
    ae.locator("#ae-severity").get_by_text(severity_button(severity), exact=True).click()
    if serious:
        ae.get_by_text("Serious adverse event", exact=True).click()
    if action_taken:
        ae.get_by_label("Action taken (optional)").fill(action_taken)
    if note:
        ae.get_by_label("Note (optional; required for Other)").fill(note)
    ae.get_by_role("button", name="Save adverse event").click()
    message = page.locator("#ae-message")
    expect(message).to_contain_text("Adverse event saved")
    expect(message).to_be_in_viewport()


def event_line(page: Page, kind_label: str) -> Locator:
    """The event's line in the card's list."""
    return card(page).locator("#ae-list li").filter(has_text=kind_label)


def resolve_now(page: Page, kind_label: str) -> None:
    """Tap the event's "Resolved now"; the list then shows it resolved."""
    line = event_line(page, kind_label)
    line.get_by_role("button", name="Resolved now").click()
    expect(page.locator("#ae-list-message")).to_contain_text("Marked resolved")
    expect(line).to_contain_text("Resolved at")
