"""Steps a nurse takes, as Playwright actions on the real page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

FIELDS = {
    "systolic": "Systolic (mmHg)",
    "diastolic": "Diastolic (mmHg)",
    "heart_rate": "Heart rate (/min)",
    "spo2": "SpO2 (%)",
    "resp_rate": "Resp. rate (/min)",
}


def sign_in(page: Page, base: str, username: str, target: str = "/bedside") -> None:
    page.goto(f"{base}{target}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{target}*")


def open_chair(page: Page, base: str, chair: str) -> None:
    page.goto(f"{base}/bedside?chair={chair.replace(' ', '%20')}")


def enter_reading(
    page: Page,
    *,
    systolic: int | str = 120,
    diastolic: int | str = 80,
    heart_rate: int | str = 72,
    spo2: int | str = 98,
    resp_rate: int | str = 14,
    moaas: int | None = 5,
) -> None:
    values = {
        "systolic": systolic,
        "diastolic": diastolic,
        "heart_rate": heart_rate,
        "spo2": spo2,
        "resp_rate": resp_rate,
    }
    for field, label in FIELDS.items():
        page.get_by_label(label, exact=True).fill(str(values[field]))
    if moaas is not None:
        page.locator("#bed-moaas").get_by_text(str(moaas), exact=True).click()


def save_reading(page: Page) -> None:
    page.get_by_role("button", name="Save reading").click()


def wait_saved(page: Page) -> None:
    expect(page.locator("#bed-saved")).to_be_visible()


# issue 9 (cosign): the nurse's recovery assessment and signature, as in test_dis001
def assess_and_sign(page: Page, confirm: tuple[str, ...]) -> None:
    """Score Aldrete 2/2/2, confirm the given checklist items, save, and sign as performed."""
    card = page.locator("#rec-card")
    expect(card).to_be_visible(timeout=15_000)
    for picker in ("#rec-activity", "#rec-respiration", "#rec-consciousness"):
        page.locator(picker).get_by_text("2", exact=True).click()
    for item in confirm:
        card.get_by_text(item, exact=True).click()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator("#rec-message")).to_contain_text("Assessment saved")
    page.locator("#rec-sign-password").fill(PASSWORD)
    page.get_by_role("button", name="Sign as performed").click()
    expect(page.locator("#rec-message")).to_contain_text("Assessment signed (performed)")
