"""Questionnaires in headless Chromium: the nurse enters one read out at the bedside, and the
patient fills one in on the tablet in patient mode, which then locks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlag
from monitor.db.models import SignInSession
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.questionnaire_items import PCL5, PHQ9
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import sign_in

TARGETS = ".q-scale label, .q-submit, .q-choices .form-check"
SMALL_TARGETS = (
    "() => [...document.querySelectorAll('"
    + TARGETS
    + """')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, r]) => r.height < 44 || r.width < 44)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
)


def planned_session(server: Server, config: Config) -> tuple[str, int]:
    nurse = factories.user(server.database, username="nurse")
    sid = factories.session(server.database, config, nurse, now=utcnow() - timedelta(minutes=5))
    return nurse.username, sid


def answer(page: Page, prompt: str, anchor: str) -> None:
    group = page.get_by_role("radiogroup", name=prompt, exact=True)
    group.get_by_text(anchor, exact=True).click()


def test_pat001_patient_fills_phq9_item9_positive_and_the_tablet_locks(
    page: Page, server: Server, config: Config, new_context: Callable[..., BrowserContext]
) -> None:
    nurse, sid = planned_session(server, config)
    factories.user(server.database, Role.PHYSICIAN, username="doctor")
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, nurse, target=f"/questionnaire/{sid}")
    page.get_by_role("checkbox", name="PCL-5").uncheck()
    page.get_by_role("button", name="Hand the tablet to the patient").click()
    page.wait_for_url("**/patient-mode")

    expect(page.get_by_text(PHQ9.stem)).to_be_visible()
    expect(page.locator(".shell-navbar")).to_be_hidden()  # only the questionnaire
    assert page.evaluate(SMALL_TARGETS) == []
    assert_accessible(page, "patient mode form")
    for number, words in zip(PHQ9.numbers, PHQ9.items, strict=True):
        anchor = PHQ9.anchors[1] if number == 9 else PHQ9.anchors[0]
        answer(page, f"Item {number}: {words}", anchor)
    page.get_by_role("button", name="Save my answers").click()

    locked = page.locator("#pm-locked")
    expect(locked).to_contain_text("Please hand the tablet back to the nurse")
    expect(locked).to_be_in_viewport()
    expect(page.get_by_role("button", name="Save my answers")).to_be_hidden()
    assert_accessible(page, "locked tablet")
    with server.database.session_scope() as db:
        response = db.scalars(select(QuestionnaireResponse)).one()
        flag = db.scalars(select(SafetyFlag)).one()
        sign_ins = list(db.scalars(select(SignInSession)))
    assert (response.respondent, response.total, response.items["9"]) == ("patient", 1, 1)
    assert (flag.kind, flag.priority, flag.response_id) == ("self_harm", "high", response.id)
    assert [s.revoked_reason for s in sign_ins] == ["patient_mode_done"]
    # The tablet shows nothing more: any page now asks for a sign-in.
    page.goto(f"{server.url}/questionnaire/{sid}")
    page.wait_for_url("**/login*")

    # The supervising physician's board shows the flag at once, on that session's tile.
    board = new_context().new_page()
    sign_in(board, server.url, "doctor", target="/board")
    tile = board.locator(f"#tile-{sid}")
    expect(tile.locator(".alarm-high")).to_contain_text("Safety flag")
    expect(tile.get_by_role("button", name="Review flag")).to_be_visible()


def test_pat002_nurse_enters_a_pcl5_and_sees_the_total_without_scrolling(
    page: Page, server: Server, config: Config
) -> None:
    nurse, sid = planned_session(server, config)
    page.set_viewport_size(LANDSCAPE)
    sign_in(page, server.url, nurse, target=f"/questionnaire/{sid}?form=pcl5")
    expect(page.get_by_text(PCL5.stem)).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    for number, words in zip(PCL5.numbers, PCL5.items, strict=True):
        if number != 7:
            answer(page, f"Item {number}: {words}", PCL5.anchors[2])
    page.get_by_role("button", name="Save PCL-5").click()
    result = page.locator("#qf-result")
    expect(result).to_contain_text("Item 7: choose an answer")
    expect(result).to_be_in_viewport()
    answer(page, f"Item 7: {PCL5.items[6]}", PCL5.anchors[2])
    page.get_by_role("button", name="Save PCL-5").click()
    expect(result).to_contain_text("PCL-5 saved: total 40 of 80")
    expect(result).to_be_in_viewport()
    with server.database.session_scope() as db:
        row = db.scalars(select(QuestionnaireResponse)).one()
    assert (row.questionnaire, row.respondent, row.total) == ("pcl5", "nurse", 40)
