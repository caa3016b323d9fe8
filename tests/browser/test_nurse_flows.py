"""The nurse's bedside flows in headless Chromium (tablet sizes, touch)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.models import InfusionSession, Rating, Reading
from monitor.db.types import utcnow
from monitor.domain.session_state import SessionEvent
from tests import factories
from tests.browser.conftest import PORTRAIT, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved


def count(server: Server, model: type) -> int:
    with server.database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def running_session(server: Server, config: Config, minutes_ago: float = 5) -> tuple[str, int]:
    """A nurse and a session infusing since `minutes_ago`, in the first chair."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    sid = factories.session(db, config, nurse, now=now - timedelta(minutes=minutes_ago + 10))
    factories.reading(db, config, nurse, sid, now - timedelta(minutes=minutes_ago + 2))
    factories.event(
        db, nurse, sid, SessionEvent.START_INFUSION, now - timedelta(minutes=minutes_ago)
    )
    return nurse.username, sid


def test_nrs001_sign_in_shows_the_chairs(page: Page, server: Server) -> None:
    factories.user(server.database, username="nurse")
    sign_in(page, server.url, "nurse")
    expect(page.get_by_role("heading", name="Choose a chair")).to_be_visible()
    expect(page.locator("#shell-user")).to_contain_text("nurse")


def test_nrs002_wrong_password_is_refused(page: Page, server: Server) -> None:
    factories.user(server.database, username="nurse")
    page.goto(f"{server.url}/bedside")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_be_visible()


def test_nrs003_open_session_and_start_infusion(page: Page, server: Server, config: Config) -> None:
    nurse = factories.user(server.database, username="nurse")
    factories.patient(server.database, config, weight=80)
    sign_in(page, server.url, "nurse")
    page.get_by_text("Chair 2").click()
    expect(page.get_by_role("heading", name="Chair 2: open a session")).to_be_visible()
    page.locator("#bed-open-patient").click()
    page.keyboard.type("Family")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Weight today (kg)")).to_have_value("80")
    expect(page.locator("#bed-dose-plan")).to_contain_text("Dose 40 mg")
    expect(page.locator("#bed-dose-plan")).to_contain_text("Pump rate 60 mL/h")
    page.get_by_role("button", name="Open session").click()
    expect(page.locator("#bed-state")).to_have_text("Planned — baseline reading needed")
    expect(page.locator("#bed-countdown")).to_contain_text("Baseline reading needed")
    expect(page.get_by_role("button", name="Start infusion")).to_be_disabled()
    enter_reading(page, systolic=128, diastolic=82)
    save_reading(page)
    wait_saved(page)
    expect(page.locator("#bed-state")).to_have_text("Baseline taken")
    # No PHQ-9 yet: the infusion waits for it, and says so where the nurse is looking.
    page.get_by_role("button", name="Start infusion").click()
    refusal = page.locator("#bed-event-message .alert")
    expect(refusal).to_contain_text("PHQ-9 has not been taken at this session")
    expect(refusal).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-state")).to_have_text("Baseline taken")
    with server.database.session_scope() as db:
        sid = db.scalars(select(InfusionSession.id)).one()
    # The nurse's PHQ-9 (its screens: tests/browser/test_patient_mode.py)
    factories.questionnaires_before_dosing(server.database, config, nurse, sid, utcnow())
    page.get_by_role("button", name="Start infusion").click()
    expect(page.locator("#bed-state")).to_have_text("Infusing")
    expect(page.locator("#bed-countdown")).to_contain_text("Next reading due in")
    expect(page.locator("#bed-readings")).to_contain_text("128/82")


def test_nrs004_185_over_95_is_flagged_high(page: Page, server: Server, config: Config) -> None:
    nurse, _ = running_session(server, config)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.get_by_label("Systolic (mmHg)")).to_have_attribute("inputmode", "numeric")
    enter_reading(page, systolic=185, diastolic=95)
    save_reading(page)
    wait_saved(page)
    alarm = page.locator("#bed-saved-result .alarm-high")
    expect(alarm).to_be_visible()
    expect(alarm).to_contain_text("***")
    expect(alarm).to_contain_text("HIGH")
    expect(alarm).to_contain_text("Systolic 185")
    colour = alarm.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(201, 42, 42)"  # IEC red
    expect(page.locator("#bed-flags .alarm-high").first).to_be_visible()
    expect(page.get_by_label("Systolic (mmHg)")).to_have_value("")  # ready for the next one


def test_nrs005_1200_is_refused_and_nothing_stored(
    page: Page, server: Server, config: Config
) -> None:
    nurse, _ = running_session(server, config)
    before = count(server, Reading)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    enter_reading(page, systolic=1200, diastolic=80)
    save_reading(page)
    expect(page.locator("#bed-systolic-feedback")).to_contain_text("not plausible")
    expect(page.locator("#bed-not-saved")).to_be_visible()
    expect(page.get_by_label("Systolic (mmHg)")).to_have_value("1200")  # kept for correction
    assert count(server, Reading) == before


def test_nrs006_double_tap_stores_one_reading(page: Page, server: Server, config: Config) -> None:
    nurse, _ = running_session(server, config)
    before = count(server, Reading)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    enter_reading(page, systolic=131, diastolic=84)
    page.get_by_role("button", name="Save reading").dblclick()
    wait_saved(page)
    page.wait_for_timeout(500)
    assert count(server, Reading) == before + 1


def test_nrs007_cadss_rating(page: Page, server: Server, config: Config) -> None:
    nurse, _ = running_session(server, config, minutes_ago=40)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.locator("#bed-cadss-state")).to_contain_text("40 min")
    scores = {1: 2, 2: 1, 6: 0, 7: 3, 15: 1, 22: 0}
    for item, score in scores.items():
        page.locator(f'[id=\'{{"item":{item},"type":"bed-cadss-item"}}\']').get_by_text(
            str(score), exact=True
        ).click()
    page.get_by_role("button", name="Save CADSS").click()
    expect(page.locator("#bed-cadss-saved")).to_contain_text(
        "total 7, dissociation present (above 4)"
    )
    with server.database.session_scope() as db:
        rating = db.scalars(select(Rating)).one()
    assert (rating.version, rating.total, rating.timepoint_minutes) == ("CADSS-6", 7, 40)


def test_nrs008_reading_goes_overdue(
    page: Page, serve: Callable[[Config], Server], config: Config
) -> None:
    schedule = config.default_protocol.schedule.model_copy(
        update={"infusion_interval_minutes": 0.1, "grace_minutes": 0.05}
    )
    protocol = config.default_protocol.model_copy(update={"schedule": schedule})
    short = config.model_copy(update={"protocols": [protocol]})
    server = serve(short)
    nurse, _ = running_session(server, short, minutes_ago=0)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, short.clinic.chairs[0])
    countdown = page.locator("#bed-countdown")
    expect(countdown).to_contain_text("READING OVERDUE", timeout=20_000)
    expect(countdown).to_have_class("countdown due-overdue")
    enter_reading(page)
    save_reading(page)
    wait_saved(page)


def test_nrs009_tablet_portrait_touch_targets(page: Page, server: Server, config: Config) -> None:
    nurse, _ = running_session(server, config)
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.get_by_role("button", name="Save reading")).to_be_visible()
    small = page.evaluate("""() => [...document.querySelectorAll(
        'button, input.form-control, .scale-picker label, a.btn')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.height < 44 || r.width < 44)
        .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    assert small == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PORTRAIT["width"]  # no sideways scrolling


def test_nrs010_auditor_cannot_open_bedside(page: Page, server: Server) -> None:
    factories.user(server.database, "auditor", username="auditor")
    sign_in(page, server.url, "auditor", target="/")
    page.goto(f"{server.url}/bedside")
    expect(page.get_by_text("Your role may not open this screen.")).to_be_visible()


def test_nrs011_offline_reading_is_kept_and_stored_once(
    page: Page, server: Server, config: Config, console_errors: list[str]
) -> None:
    nurse, _ = running_session(server, config)
    before = count(server, Reading)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    expect(page.locator("#bed-countdown")).to_contain_text("Next reading")
    page.context.set_offline(True)
    enter_reading(page, systolic=142, diastolic=88)
    save_reading(page)
    banner = page.locator("#offline-banner")
    expect(banner).to_contain_text("NOT SAVED")
    page.wait_for_timeout(2500)  # several retries while offline
    assert count(server, Reading) == before
    page.context.set_offline(False)
    wait_saved(page)
    expect(banner).to_have_count(0)
    assert count(server, Reading) == before + 1
    with server.database.session_scope() as db:
        stored = db.scalars(select(Reading).order_by(Reading.id.desc())).first()
    assert stored is not None and (stored.systolic, stored.diastolic) == (142, 88)
    # The only console errors allowed here are the failed requests made while offline.
    console_errors[:] = [e for e in console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
