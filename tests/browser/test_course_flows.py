"""The treatment course in the browser: a nurse registers a patient who cannot open a
session until a physician clears the screening and consent is recorded (nrs110); the course
page shows the PHQ-9/PCL-5 trend after three sessions (nrs111); the auditor reads it with
no form (aud004)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import course_data, factories
from tests.browser.conftest import Server
from tests.browser.steps import sign_in
from tests.browser.test_patient_register import fill_registration
from tests.factories import PASSWORD


def three_sessions(server: Server, config: Config) -> int:
    """A PTSD course with three sessions, PHQ-9 and PCL-5 taken before each."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, Role.NURSE, username="nurse")
    physician = factories.user(db, Role.PHYSICIAN, username="physician")
    pid, cid = course_data.ready(db, config, nurse, physician)
    for k, (phq9, pcl5) in enumerate([(19, 58), (13, 41), (8, 27)], start=1):
        at = now - timedelta(days=2 * (3 - k), hours=1)
        sid = course_data.session(db, config, nurse, pid, cid, k, at=at)
        course_data.score(db, nurse, sid, "phq9", phq9, at=at + timedelta(minutes=2))
        course_data.score(db, nurse, sid, "pcl5", pcl5, at=at + timedelta(minutes=4))
    return cid


def test_nrs111_the_course_page_shows_the_trend_after_three_sessions(
    page: Page, server: Server, config: Config
) -> None:
    cid = three_sessions(server, config)
    sign_in(page, server.url, "nurse", target=f"/course/{cid}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Course ·")
    sessions = page.locator("#course-sessions")
    for k in (1, 2, 3):
        expect(sessions).to_contain_text(f"{k} of 6")
    chart = page.locator("#course-trend-chart")
    expect(chart.locator(".scatterlayer .trace")).to_have_count(6)  # 2 totals + 4 thresholds
    expect(chart).to_contain_text("PHQ-9 remission: below 5")
    expect(chart).to_contain_text("PCL-5 response: 29 or less")
    progress = page.locator("#course-progress")
    expect(progress).to_contain_text("PHQ-9: first 19, latest 8, 58 % lower than the first")
    expect(progress).to_contain_text("PCL-5: first 58, latest 27, 53 % lower")
    expect(progress).to_contain_text("remission (below 33)")
    expect(page.locator("#course-follow-up")).to_contain_text("Follow-up: due 28 days after")
    expect(page.locator("#course-screening")).to_contain_text("every answer no")
    expect(page.locator("#course-consent")).to_contain_text("Witnessed and signed by Test Nurse")


def test_aud004_the_auditor_reads_the_course_with_no_form(
    page: Page, server: Server, config: Config
) -> None:
    cid = three_sessions(server, config)
    auditor = factories.user(server.database, Role.AUDITOR, username="auditor")
    sign_in(page, server.url, "auditor", target=f"/course/{cid}")
    expect(page.locator("#course-sessions")).to_contain_text("3 of 6")
    expect(page.locator("#course-trend-chart")).to_be_visible()
    expect(page.locator("#course-forms")).to_have_count(0)
    for name in ("Save screening", "Record consent", "Withdraw consent", "Change status"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    link = page.locator("#course-sessions").get_by_role("link").first
    expect(link).to_have_attribute("href", re.compile(r"^/audit/session/\d+$"))
    with server.database.session_scope() as db:
        viewed = db.scalars(select(AuditEvent).where(AuditEvent.action == "course.viewed")).all()
        assert [(v.actor_id, v.entity_id) for v in viewed] == [(auditor.id, cid)]


def try_to_open(page: Page, base: str, chair: str) -> None:
    page.goto(f"{base}/bedside?chair={chair.replace(' ', '%20')}")
    page.locator("#bed-open-patient").click()
    page.keyboard.type("Haddad")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Weight today (kg)")).to_have_value("64.5")
    page.get_by_role("button", name="Open session").click()


def test_nrs110_no_session_until_screening_is_cleared_and_consent_recorded(
    page: Page, server: Server, config: Config, new_context: Callable[..., BrowserContext]
) -> None:
    factories.user(server.database, Role.NURSE, username="nurse")
    factories.user(server.database, Role.PHYSICIAN, username="physician")
    chair = config.clinic.chairs[0]
    # the nurse registers the patient and starts a course
    sign_in(page, server.url, "nurse", target="/patients")
    fill_registration(page)
    page.get_by_role("button", name="Register patient").click()
    page.get_by_role("link", name="Open the patient").click()
    page.locator("#patient-new-course").click()
    page.wait_for_url("**/course/new?patient_id=*")
    page.get_by_label("Indication", exact=True).select_option(label="PTSD")
    page.get_by_label("Responsible physician").select_option(label="Test Physician")
    page.get_by_role("button", name="Start course").click()
    expect(page.locator("#course-notice")).to_contain_text("Course started")
    course_url = page.url.split("?")[0]
    expect(page.locator("#course-missing")).to_contain_text("Screening has not been recorded")
    expect(page.locator("#course-missing")).to_contain_text("Consent has not been recorded")

    try_to_open(page, server.url, chair)
    expect(page.locator("#bed-open-patient-problem")).to_contain_text(
        "Screening has not been recorded"
    )

    # the screening: one "yes" needs the physician
    page.goto(course_url)
    first = config.screening.checklist[0]
    for item in config.screening.checklist:
        answers = page.locator(f"[aria-labelledby='course-screen-label-{item.code}']")
        answers.get_by_text("Yes" if item is first else "No", exact=True).click()
    page.get_by_label(f"Note: {first.label}").fill("Psychosis in 2015, none since")
    page.get_by_role("button", name="Save screening").click()
    expect(page.locator("#course-notice")).to_contain_text("Screening recorded")
    expect(page.locator("#course-awaiting-decision")).to_be_visible()
    expect(page.locator("#course-missing")).to_contain_text("awaiting a physician's decision")

    # consent, witnessed by the nurse: still no session while the screening awaits
    page.get_by_label("Patient's typed name").fill("Mira Haddad")
    page.get_by_label("Your password (witness signature)").fill(PASSWORD)
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#course-notice")).to_contain_text("Consent recorded")
    try_to_open(page, server.url, chair)
    expect(page.locator("#bed-open-patient-problem")).to_contain_text(
        "Screening is awaiting a physician's decision"
    )

    # the physician clears the screening with a signed decision
    doctor = new_context().new_page()
    sign_in(doctor, server.url, "physician", target=course_url.removeprefix(server.url))
    doctor.get_by_text("Cleared", exact=True).click()
    doctor.get_by_label("Reason for the decision").fill(
        "Stable for ten years; reviewed the history"
    )
    doctor.get_by_label("Your password (signature)").fill(PASSWORD)
    doctor.get_by_role("button", name="Sign decision").click()
    expect(doctor.locator("#course-notice")).to_contain_text("Decision signed")
    expect(doctor.locator("#course-screening")).to_contain_text(
        "Cleared: signed by Test Physician (physician)"
    )
    expect(doctor.locator("#course-status")).to_have_text("Active")

    # now the session opens, as session 1 of 6
    try_to_open(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Planned — baseline reading needed")
    page.goto(course_url)
    expect(page.locator("#course-sessions")).to_contain_text("1 of 6")
