"""Steps of the ketamine record, as Playwright actions on the real page: a draw and a waste
at the bedside's ketamine card, a witness on another tablet, the balance badge, and the
physician's resolution on the session's ketamine page (issue 13)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.browser.steps import open_chair
from tests.factories import PASSWORD

# The clinic's 10 mg/mL product (config.yaml ketamine.products), as its radio button reads.
TEN_MG = "10 mg/mL — Ketamine HCl injection 10 mg/mL (20 mL vial)"


def card(page: Page) -> Locator:
    """The bedside's ketamine card, once it is shown."""
    found = page.locator("#ket-card")
    expect(found).to_be_visible()
    return found


def record_draw(
    page: Page, *, lot: str, expiry: date, volume_ml: str, product: str = TEN_MG
) -> Locator:
    """Fill the draw form and tap Record draw; the draw's outcome slot."""
    form = card(page)
    form.get_by_label(product, exact=True).check()
    form.get_by_label("Lot number (as on the vial)").fill(lot)
    form.get_by_label("Expiry date (as on the vial)").fill(expiry.isoformat())
    form.get_by_label("Volume drawn (mL)").fill(volume_ml)
    form.get_by_role("button", name="Record draw").click()
    return page.locator("#ket-draw-message")


def record_waste(
    page: Page,
    *,
    volume_ml: str,
    draw: str | None = None,
    at: str = "",
    witness: str = "",
    password: str = "",
) -> Locator:
    """Waste from a draw (the one shown whose label contains `draw`, else the first), with
    the witness typing beside the nurse when `witness` is given; the waste's outcome slot."""
    form = page.locator("#ket-waste-form")
    expect(form).to_be_visible()
    choices = form.locator("#ket-waste-draw input[type=radio]")
    if draw is None:
        choices.first.check()
    else:
        form.locator("#ket-waste-draw").get_by_label(draw).check()
    form.get_by_label("Volume wasted (mL)").fill(volume_ml)
    if at:
        form.get_by_label("Time wasted (HH:MM, clinic time; empty = now)").fill(at)
    if witness:
        form.get_by_label("Witness's username").fill(witness)
        form.get_by_label("Witness's password").fill(password or PASSWORD)
    form.get_by_role("button", name="Record waste").click()
    return page.locator("#ket-waste-message")


def witness_waste(page: Page, waste: str, password: str = PASSWORD) -> Locator:
    """The signed-in person witnesses the awaiting waste whose label contains `waste`,
    signing with `password`; the witness's outcome slot."""
    awaiting = page.locator("#ket-awaiting")
    expect(awaiting).to_be_visible()
    awaiting.locator("#ket-awaiting-waste").get_by_label(waste).check()
    awaiting.get_by_label("Your password (you sign as the witness)").fill(password)
    awaiting.get_by_role("button", name="Witness", exact=True).click()
    return page.locator("#ket-witness-message")


def balance(page: Page) -> Locator:
    """The balance badge (Balanced, Open discrepancy, …) on the card or the record page."""
    return page.locator("#ket-status")


def open_record(page: Page, base: str, session_id: int) -> None:
    """The session's ketamine page."""
    page.goto(f"{base}/session/{session_id}/ketamine")
    expect(
        page.get_by_role("heading", name=f"Ketamine record — session {session_id}")
    ).to_be_visible()


def resolve(page: Page, reason: str) -> Locator:
    """The physician types a reason and taps Resolve discrepancy; the outcome slot."""
    page.get_by_label("Reason (required: what happened to the difference)").fill(reason)
    page.get_by_role("button", name="Resolve discrepancy").click()
    return page.locator("#ketresolve-message")


def open_bedside(page: Page, base: str, chair: str) -> None:
    """Open the chair's bedside and wait until it is drawn as a nurse sees it: the trend's
    Plotly bundle keeps the browser's main thread busy for seconds after the page loads,
    and a tap sent meanwhile waits (on a loaded machine, past the step's timeout)."""
    open_chair(page, base, chair)
    expect(page.locator("#bed-trend .main-svg").first).to_be_visible()
    expect(page.locator("#ket-status")).to_be_visible()
