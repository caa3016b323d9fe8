"""Signed out at the bedside: the warning, the lock that hides the patient, and entries kept
under the nurse who typed them until she signs in again (never sent under anyone else)."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page, Request, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import InfusionEvent, InfusionSession, Patient, Reading, User
from monitor.db.types import utcnow
from monitor.services.early_end import end_session_early
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in
from tests.browser.test_nurse_flows import count, running_session
from tests.factories import PASSWORD

CALLBACKS = "/_dash-update-component"


def with_security(config: Config, **security: float) -> Config:
    return config.model_copy(update={"security": config.security.model_copy(update=security)})


def slow_polling(config: Config) -> Config:
    """The bedside re-reads rarely, so a save can be tapped after the sign-in ended and
    before a poll has noticed (as on a tablet woken from sleep)."""
    return config.model_copy(
        update={"app": config.app.model_copy(update={"bedside_refresh_seconds": 600})}
    )


def patient_of(server: Server, session_id: int) -> tuple[str, str]:
    with server.database.session_scope() as db:
        row = db.get(InfusionSession, session_id)
        assert row is not None
        patient = db.get(Patient, row.patient_id)
        assert patient is not None
        return patient.family_name, patient.mrn


def only_sign_out_errors(page: Page, console_errors: list[str]) -> None:
    """A request answered 401 is logged by Chromium itself ("Failed to load resource");
    nothing else may be (no 'body stream already read', no Dash error). The lock is checked
    for accessibility as it stands, then the page is left, so no request of it is still
    answered with a 401 after the check (waiting for the network to fall idle instead timed
    out now and then with two test workers beside Chromium)."""
    assert_accessible(page, "the sign-in lock")
    page.goto("about:blank")
    console_errors[:] = [e for e in console_errors if "status of 401" not in e]


def readings_by(server: Server, username: str) -> list[Reading]:
    with server.database.session_scope() as db:
        uid = db.scalar(select(User.id).where(User.username == username))
        rows = db.scalars(select(Reading).where(Reading.entered_by == uid)).all()
        db.expunge_all()
        return list(rows)


def wait_until(check: Callable[[], bool], page: Page, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out"
        page.wait_for_timeout(200)


def sign_in_from_lock(page: Page, username: str, target: str) -> None:
    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{target}*")


def save_after_sign_out(page: Page, server: Server, config: Config, nurse: str) -> str:
    """Sign in, type a full reading, lose the sign-in (revoked: cookies gone), tap Save."""
    chair = config.clinic.chairs[0]
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, chair)
    expect(page.locator("#bed-countdown")).to_contain_text("Next reading", timeout=20_000)
    enter_reading(page, systolic=142, diastolic=88)
    page.context.clear_cookies()
    save_reading(page)
    return chair


def test_nrs020_idle_warning_then_lock_hides_the_patient(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    server = serve(with_security(config, idle_timeout_minutes=0.3, idle_warning_seconds=10))
    nurse, sid = running_session(server, config)
    family, mrn = patient_of(server, sid)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.locator("#bed-header")).to_contain_text(mrn, timeout=15_000)
    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("signs out at", timeout=15_000)
    # "Stay signed in" keeps the sign-in: the warning goes and comes back a full period later.
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_have_count(0)
    lock = page.get_by_role("dialog", name="Signed out")
    expect(lock).to_have_count(0)
    expect(page.locator("#bed-header")).to_be_visible()
    expect(warning).to_be_visible(timeout=15_000)
    expect(lock).to_be_visible(timeout=15_000)
    expect(lock).to_contain_text("without a tap")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    # No patient data visible, nor in the accessibility tree; the nurse is not shown signed in.
    expect(page.locator("#react-entry-point")).to_be_hidden()
    tree = page.locator("body").aria_snapshot()
    for private in (family, mrn, "120/80", "Test Nurse"):
        assert private not in tree
        expect(page.get_by_text(private).first).not_to_be_visible()
    # Polling stops: no callback leaves a locked page.
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if CALLBACKS in r.url else None)
    page.wait_for_timeout(3000)
    assert sent == []
    only_sign_out_errors(page, console_errors)


def test_nrs021_reading_saved_after_sign_out_is_sent_when_she_signs_in(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    server = serve(slow_polling(config))
    nurse, sid = running_session(server, config)
    family, mrn = patient_of(server, sid)
    before = count(server, Reading)
    chair = save_after_sign_out(page, server, config, nurse)
    lock = page.get_by_role("dialog", name="Signed out")
    expect(lock).to_be_visible()
    expect(lock).to_contain_text("1 reading typed by Test Nurse at")
    expect(lock).to_contain_text("NOT SAVED yet")
    expect(lock).to_contain_text("waiting to be sent — sign in as nurse to send it")
    expect(page.get_by_text(mrn)).not_to_be_visible()
    page.wait_for_timeout(1000)
    assert count(server, Reading) == before
    sign_in_from_lock(page, nurse, "/bedside")
    assert chair.replace(" ", "%20") in page.url or chair in page.url
    expect(page.locator("#offline-banner")).to_contain_text("has now been saved")
    wait_until(lambda: count(server, Reading) == before + 1, page)
    mine = [r for r in readings_by(server, nurse) if (r.systolic, r.diastolic) == (142, 88)]
    assert len(mine) == 1
    # Nothing is left to send: a reload sends nothing more.
    assert page.evaluate("localStorage.getItem('monitor.unsent')") is None
    page.reload()
    expect(page.locator("#bed-readings")).to_contain_text("142/88")
    assert count(server, Reading) == before + 1
    only_sign_out_errors(page, console_errors)


def test_nrs022_entry_waits_for_its_nurse_when_another_signs_in(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    server = serve(slow_polling(config))
    nurse, _ = running_session(server, config)
    factories.user(server.database, username="nurse2")
    before = count(server, Reading)
    save_after_sign_out(page, server, config, nurse)
    expect(page.get_by_role("dialog", name="Signed out")).to_be_visible()
    # A second nurse takes the tablet: the entry is not hers, so it is not sent.
    sign_in_from_lock(page, "nurse2", "/bedside")
    expect(page.locator("#shell-user")).to_contain_text("Test Nurse2")
    panel = page.locator("#unsent-panel")
    expect(panel).to_contain_text("1 reading typed by Test Nurse at", timeout=5000)
    expect(panel).to_contain_text("waiting to be sent — sign in as nurse to send it")
    page.wait_for_timeout(2000)
    assert count(server, Reading) == before
    assert readings_by(server, "nurse2") == []
    # She signs out; the first nurse signs in, and it is stored once, under her.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login*")
    expect(page.locator("#unsent-panel")).to_contain_text("sign in as nurse to send it")
    sign_in(page, server.url, nurse)
    wait_until(lambda: count(server, Reading) == before + 1, page)
    mine = [r for r in readings_by(server, nurse) if (r.systolic, r.diastolic) == (142, 88)]
    assert len(mine) == 1
    assert readings_by(server, "nurse2") == []
    expect(page.locator("#unsent-panel")).to_have_count(0)
    only_sign_out_errors(page, console_errors)


def test_nrs023_refused_on_sending_is_shown_until_dismissed(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    server = serve(slow_polling(config))
    nurse = factories.user(server.database, username="nurse")
    sid = factories.session(server.database, config, nurse, now=utcnow())
    before = count(server, Reading)
    chair = config.clinic.chairs[0]
    sign_in(page, server.url, nurse.username)
    open_chair(page, server.url, chair)
    countdown = page.locator("#bed-countdown")
    expect(countdown).to_contain_text("Baseline reading needed", timeout=20_000)
    enter_reading(page, systolic=142, diastolic=88)
    page.context.clear_cookies()
    save_reading(page)
    expect(page.get_by_role("dialog", name="Signed out")).to_contain_text("waiting to be sent")
    # Meanwhile the session is closed on another tablet: the reading can no longer be stored.
    end_session_early(
        database=server.database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="patient declined",
    )
    sign_in_from_lock(page, nurse.username, "/bedside")
    refused = page.locator("#unsent-panel").get_by_role("alert")
    expect(refused).to_contain_text("NOT SAVED: 1 reading typed by Test Nurse at")
    page.wait_for_timeout(1000)
    expect(refused).to_be_visible()  # stays until the nurse dismisses it
    assert count(server, Reading) == before
    refused.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#unsent-panel")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('monitor.unsent')") is None
    only_sign_out_errors(page, console_errors)


def test_nrs024_infusion_event_after_sign_out_is_sent_once_under_its_nurse(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    server = serve(slow_polling(config))
    nurse, sid = running_session(server, config)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.locator("#bed-state")).to_have_text("Infusing", timeout=20_000)
    page.locator("#bed-event-reason").fill("patient asked for a break")
    page.context.clear_cookies()
    page.get_by_role("button", name="Pause").click()
    lock = page.get_by_role("dialog", name="Signed out")
    expect(lock).to_contain_text("1 infusion event (pause) typed by Test Nurse at")
    sign_in_from_lock(page, nurse, "/bedside")
    expect(page.locator("#offline-banner")).to_contain_text("has now been saved")

    def pauses() -> list[InfusionEvent]:
        with server.database.session_scope() as db:
            rows = db.scalars(
                select(InfusionEvent).where(
                    InfusionEvent.session_id == sid, InfusionEvent.kind == "pause"
                )
            ).all()
            db.expunge_all()
            return list(rows)

    wait_until(lambda: len(pauses()) == 1, page)
    with server.database.session_scope() as db:
        uid = db.scalar(select(User.id).where(User.username == nurse))
    assert pauses()[0].entered_by == uid
    only_sign_out_errors(page, console_errors)


def test_nrs025_revoked_sign_in_locks_at_the_next_poll(
    page: Page,
    serve: Callable[[Config], Server],
    config: Config,
    console_errors: list[str],
) -> None:
    fast = config.model_copy(
        update={"app": config.app.model_copy(update={"bedside_refresh_seconds": 2})}
    )
    server = serve(fast)
    nurse, sid = running_session(server, config)
    _, mrn = patient_of(server, sid)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.locator("#bed-header")).to_contain_text(mrn, timeout=20_000)
    page.context.clear_cookies()  # the sign-in ends elsewhere (revoked, expired)
    lock = page.get_by_role("dialog", name="Signed out")
    expect(lock).to_contain_text("This sign-in has ended", timeout=10_000)
    expect(page.get_by_text(mrn)).not_to_be_visible()
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if CALLBACKS in r.url else None)
    page.wait_for_timeout(5000)  # two more poll periods: nothing is sent, nothing logged
    assert sent == []
    only_sign_out_errors(page, console_errors)
