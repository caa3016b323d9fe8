"""The pre-dose check at the bedside, in a real browser: a baseline of 150/95 blocks the
infusion, the refusal in view without scrolling, until a physician clears it with a reason
at the bedside (nrs120, phy020)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved

BLOCKED = "Baseline BP 150/95 is above 140/90: a physician's clearance is needed"


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """The physician's tablet, tracked like `page` (console errors, axe, closed first)."""
    return new_context(viewport=PORTRAIT).new_page()


def planned(server: Server, config: Config, chair: str) -> int:
    """A nurse and a physician, and a session opened in `chair` a few minutes ago."""
    nurse = factories.user(server.database, username="nurse")
    factories.user(server.database, Role.PHYSICIAN, username="doctor")
    sid = factories.session(
        server.database, config, nurse, chair=chair, now=utcnow() - timedelta(minutes=5)
    )
    # The PHQ-9 the nurse takes before dosing (its screens: tests/browser/test_patient_mode.py)
    factories.questionnaires_before_dosing(server.database, config, nurse, sid, utcnow())
    return sid


def physician_clears(doctor: Page, base: str, chair: str, reason: str) -> None:
    sign_in(doctor, base, "doctor")
    open_chair(doctor, base, chair)
    card = doctor.locator("#bed-predose-card")
    expect(card).to_contain_text(BLOCKED, timeout=15_000)
    doctor.get_by_label("What you clear").select_option(
        label="Baseline blood pressure above the limit"
    )
    doctor.get_by_label("Reason for clearing (required)").fill(reason)
    doctor.get_by_role("button", name="Clear to dose").click()


def test_nrs120_a_high_baseline_blocks_the_infusion_until_cleared(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    chair = config.clinic.chairs[0]
    planned(server, config, chair)
    page.set_viewport_size(LANDSCAPE)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    enter_reading(page, systolic=150, diastolic=95)
    save_reading(page)
    wait_saved(page)

    expect(page.locator("#bed-course-place")).to_have_text(
        f"Session 1 of {config.course.planned_sessions}"
    )
    card = page.locator("#bed-predose-missing")
    expect(card).to_contain_text(BLOCKED, timeout=15_000)
    expect(page.get_by_text("Physician's clearance", exact=True)).to_have_count(
        0
    )  # the nurse's: no form
    start = page.get_by_role("button", name="Start infusion")
    expect(start).to_be_enabled()
    start.click()
    refusal = page.locator("#bed-event-message .alert")
    expect(refusal).to_contain_text(f"The infusion cannot start: {BLOCKED}")
    expect(refusal).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-state")).to_have_text("Baseline taken")

    physician_clears(second_page, server.url, chair, "Known hypertension, asymptomatic")
    expect(second_page.locator("#predose-message")).to_contain_text("cleared")

    page.reload()
    ready = page.locator("#bed-predose-ready")
    expect(ready).to_contain_text("the infusion may start", timeout=15_000)
    expect(page.locator("#bed-predose-clearances")).to_contain_text(
        "Known hypertension, asymptomatic"
    )
    page.get_by_role("button", name="Start infusion").click()
    expect(page.locator("#bed-state")).to_have_text("Infusing", timeout=15_000)
    expect(page.locator("#bed-predose-card")).to_be_hidden()


def test_phy020_the_physician_clears_with_a_reason_at_the_bedside(
    page: Page, server: Server, config: Config
) -> None:
    chair = config.clinic.chairs[1]
    sid = planned(server, config, chair)
    nurse = factories.user(server.database, username="nurse2")
    factories.reading(
        server.database,
        config,
        nurse,
        sid,
        utcnow() - timedelta(minutes=1),
        systolic=150,
        diastolic=95,
    )
    page.set_viewport_size(PORTRAIT)
    physician_clears(page, server.url, chair, "  ")  # no reason: refused at the field
    problem = page.locator("#predose-reason-problem")
    expect(problem).to_contain_text("Write why the infusion may start")
    expect(page.locator("#predose-message .alert")).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-predose-missing")).to_contain_text(BLOCKED)

    page.get_by_label("Reason for clearing (required)").fill("Rechecked after rest, no symptoms")
    page.get_by_role("button", name="Clear to dose").click()
    done = page.locator("#predose-message .alert")
    expect(done).to_contain_text("Baseline blood pressure above the limit: cleared")
    expect(done).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-predose-ready")).to_be_visible()
    expect(page.locator("#bed-predose-clearances")).to_contain_text("cleared by Test Doctor")
    expect(page.locator("#bed-predose-form")).to_be_hidden()
