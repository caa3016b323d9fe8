"""Rescue medications at the bedside, in a real browser: midazolam is refused at the field
until the physician, on a second tablet, orders it with their password and a reason; the
nurse gives it from "Orders waiting" (nrs140). Ondansetron on standing order against an
adverse event (nrs141)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Severity
from tests import factories, medication_data
from tests.browser.conftest import PORTRAIT, Server
from tests.browser.medication_steps import bedside_drawn, give_dose, order_dose
from tests.browser.steps import open_chair, sign_in


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """The physician's tablet, tracked like `page`."""
    return new_context(viewport=PORTRAIT).new_page()


def infusing(server: Server, config: Config, chair: str, kind: str, label: str) -> int:
    nurse = factories.user(server.database, username="nurse")
    factories.user(server.database, Role.PHYSICIAN, username="doctor")
    start = utcnow() - timedelta(minutes=10)
    sid = factories.infusing(server.database, config, nurse, now=start, chair=chair)
    medication_data.adverse_event(
        server.database,
        nurse,
        sid,
        utcnow() - timedelta(minutes=2),
        kind=kind,
        label=label,
        severity=Severity.MODERATE,
    )
    return sid


def test_nrs140_midazolam_is_given_only_under_the_physicians_signed_order(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    chair = config.clinic.chairs[0]
    infusing(server, config, chair, "anxiety_emergence", "Anxiety / emergence reaction")
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    bedside_drawn(page)
    give_dose(page, "Midazolam", dose="2.5")
    refusal = page.locator("#med-problem-drug")
    expect(refusal).to_have_text("Midazolam needs a physician's order, signed with their password")
    expect(page.locator("#med-message .alert")).to_be_in_viewport(ratio=1)
    expect(page.locator("#med-given-list")).to_have_count(0)

    sign_in(second_page, server.url, "doctor")
    open_chair(second_page, server.url, chair)
    bedside_drawn(second_page)
    order_dose(second_page, "Midazolam", dose="2.5")  # outside 1–2 mg: no reason, refused
    expect(second_page.locator("#medorder-problem-reason")).to_contain_text(
        "2.5 mg is outside the usual 1–2 mg"
    )
    order_dose(second_page, None, dose="2.5", reason="Severe emergence reaction")
    done = second_page.locator("#medorder-message .alert")
    expect(done).to_contain_text("Ordered: Midazolam 2.5 mg IV, signed by Test Doctor")
    expect(done).to_be_in_viewport(ratio=1)

    page.reload()
    bedside_drawn(page)
    waiting = page.locator("#med-waiting-list")
    expect(waiting).to_contain_text("Midazolam 2.5 mg IV — ordered by Test Doctor")
    waiting.get_by_role("button", name="Give as ordered").click()
    expect(page.locator("#med-order-note")).to_contain_text("Giving the order of Test Doctor")
    expect(page.locator("#med-dose")).to_have_value("2.5")
    page.get_by_role("button", name="Give", exact=True).click()
    given = page.locator("#med-message .alert")
    expect(given).to_contain_text("Given: Midazolam 2.5 mg IV")
    expect(given).to_be_in_viewport(ratio=1)
    listed = page.locator("#med-given-list")
    expect(listed).to_contain_text("Midazolam 2.5 mg IV — by Test Nurse")
    expect(listed).to_contain_text("for Anxiety / emergence reaction (Grade 2: moderate)")
    expect(listed).to_contain_text("ordered by Test Doctor")
    expect(page.locator("#med-waiting-list")).to_have_count(0)


def test_nrs141_ondansetron_on_standing_order_against_an_adverse_event(
    page: Page, server: Server, config: Config
) -> None:
    chair = config.clinic.chairs[1]
    infusing(server, config, chair, "nausea", "Nausea")
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    bedside_drawn(page)
    expect(page.locator("#med-drug")).to_contain_text("standing order")
    give_dose(page, "Ondansetron", route="IV")
    expect(page.locator("#med-dose")).to_have_value("4")
    given = page.locator("#med-message .alert")
    expect(given).to_contain_text("Given: Ondansetron 4 mg IV")
    expect(given).to_be_in_viewport(ratio=1)
    listed = page.locator("#med-given-list")
    expect(listed).to_contain_text(
        "Ondansetron 4 mg IV — by Test Nurse, for Nausea (Grade 2: moderate); standing order"
    )
