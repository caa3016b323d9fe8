"""Steps at the bedside's rescue-medications card, as Playwright actions on the real page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def bedside_drawn(page: Page) -> None:
    """Wait until the bedside has drawn what a nurse sees before tapping: the trend (whose
    Plotly bundle, loaded after the page's `load` event, keeps the browser's main thread busy
    for seconds: a tap sent meanwhile waits, and on a loaded machine past the action's
    timeout) and the card's lists (the drug buttons stop moving once they are in)."""
    expect(page.locator("#bed-trend .main-svg").first).to_be_visible()
    expect(page.locator("#med-indication input").first).to_be_attached()


def pick(page: Page, picker: str, words: str) -> None:
    """Tap one of a card's big buttons (drug, route, indication) by its words."""
    page.locator(picker).locator("label").filter(has=page.get_by_text(words, exact=True)).click()


def give_dose(page: Page, drug: str, *, route: str | None = None, dose: str | None = None) -> None:
    """Pick the drug (its usual dose and the time now fill in), the route, then Give."""
    pick(page, "#med-drug", drug)
    expect(page.locator("#med-dose")).not_to_have_value("")  # the usual dose, filled in
    if route is not None:
        pick(page, "#med-route", route)
    if dose is not None:
        page.locator("#med-dose").fill(dose)
    expect(page.locator("#med-indication input:checked")).to_have_count(1)
    page.get_by_role("button", name="Give", exact=True).click()


def order_dose(page: Page, drug: str | None, *, dose: str, reason: str = "") -> None:
    """The physician's order, signed with their password (`drug` None: as already picked)."""
    if drug is not None:
        pick(page, "#medorder-drug", drug)
        expect(page.locator("#medorder-dose")).not_to_have_value("")
    page.locator("#medorder-dose").fill(dose)
    page.get_by_label("Reason (required outside the usual range or past the maximum)").fill(reason)
    page.get_by_label("Your password (signs the order)").fill(PASSWORD)
    page.get_by_role("button", name="Sign the order").click()
