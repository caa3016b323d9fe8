"""Issue 9, items 4 and 7 in the browser: ending early through a confirmation, recovery left
only by a physician-signed exit, and the dose actually given shown live with its cue."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import InfusionEvent, InfusionSession, Signature
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.early_end import end_session_early
from tests import factories
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import enter_reading, open_chair, save_reading, sign_in, wait_saved


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's browser, tracked like `page` (console errors, axe, closed first)."""
    page = new_context(viewport=LANDSCAPE).new_page()
    return page


def session_row(server: Server, sid: int) -> InfusionSession:
    with server.database.session_scope() as db:
        row = db.get(InfusionSession, sid)
        assert row is not None
        return row


def test_nrs040_end_early_during_infusion_goes_to_recovery(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    db, now, chair = server.database, utcnow(), config.clinic.chairs[0]
    nurse = factories.user(db, username="nurse")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    sid = factories.infusing(db, config, nurse, now=now - timedelta(minutes=6), chair=chair)
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Infusing")
    dialog = page.locator("#bed-end-modal")

    # Cancel does nothing
    page.get_by_role("button", name="End session early").click()
    expect(dialog).to_be_visible()
    expect(page.locator("#bed-end-explained")).to_contain_text("The pump stops now")
    expect(page.locator("#bed-end-explained")).to_contain_text("recovery observation")
    page.locator("#bed-end-cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#bed-state")).to_have_text("Infusing")

    # the reason is required: nothing happens without it
    page.get_by_role("button", name="End session early").click()
    page.get_by_role("button", name="Confirm: end early").click()
    expect(page.locator("#bed-end-problem")).to_contain_text("Say why")
    expect(dialog).to_be_visible()
    with db.session_scope() as s:
        assert s.scalars(select(InfusionEvent).where(InfusionEvent.kind == "stop")).first() is None
    assert session_row(server, sid).state == "infusing"

    page.locator("#bed-end-reason").fill("patient asked to stop")
    page.get_by_role("button", name="Confirm: end early").click()
    expect(dialog).to_be_hidden()
    done = page.locator("#bed-end-done")
    expect(done).to_contain_text("Infusion stopped with")
    expect(done).to_contain_text("recovery observation")
    expect(page.locator("#bed-end-done")).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-state")).to_have_text("Recovery")
    expect(page.locator("#bed-dose-given")).to_contain_text("(pump stopped)")
    expect(page.get_by_role("button", name="End session early")).to_be_disabled()
    expect(page.locator("#bed-exit-hint")).to_be_visible()
    expect(page.locator("#bed-exit-open")).to_be_hidden()  # the exit is the physician's

    row = session_row(server, sid)
    assert row.state == "recovery" and row.ended_at is None
    assert row.delivered_ml is not None and 5.9 <= row.delivered_ml <= 7.5  # 6 min at 60 mL/h
    with db.session_scope() as s:
        stop = s.scalars(select(InfusionEvent).where(InfusionEvent.kind == "stop")).one()
        assert stop.reason == "patient asked to stop"

    # readings still go in, in recovery
    enter_reading(page, systolic=124, diastolic=80)
    save_reading(page)
    wait_saved(page)
    expect(page.locator("#bed-readings")).to_contain_text("124/80")

    # the board still shows the patient
    sign_in(second_page, server.url, "doctor", target="/board")
    tile = second_page.locator("#board-tiles .tile")
    expect(tile).to_have_count(1)
    expect(tile.first).to_contain_text(chair)


def test_nrs041_dose_given_live_after_a_rate_change_and_the_stop_cue(
    page: Page, server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    zone = config.clinic.zone
    first, second = config.clinic.chairs[0], config.clinic.chairs[1]
    nurse = factories.user(db, username="nurse")
    # 80 kg: 40 mg = 40 mL planned at 60 mL/h. Started 45 min ago, slowed to 30 mL/h 35 min
    # ago: 10 + 17.5 = 27.5 mL given, not the planned 40 by the planned end (5 min ago).
    slow = factories.infusing(db, config, nurse, now=now - timedelta(minutes=45), chair=first)
    factories.event(
        db,
        nurse,
        slow,
        SessionEvent.RATE_CHANGE,
        now - timedelta(minutes=35),
        config,
        rate_ml_per_h=30.0,
    )
    # running 50 min at 60 mL/h: the planned 40 mL has run
    factories.infusing(db, config, nurse, now=now - timedelta(minutes=50), chair=second)

    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, first)
    given = page.locator("#bed-dose-given")
    expect(given).to_contain_text(re.compile(r"given 27\.[5-9] of 40 mg \(69 %\)"))
    expect(given).to_contain_text(re.compile(r"27\.[5-9] mL"))
    stale_end = (now - timedelta(minutes=5)).astimezone(zone).strftime("%H:%M")
    header = page.locator("#bed-header")
    expect(header).not_to_contain_text(f"expected end {stale_end}")
    expect(page.locator("#bed-dose-cue")).to_have_count(0)

    # the nurse raises the rate to 40 mL/h: 12.5 mL remain, about 19 minutes
    page.get_by_label("New rate (mL/h)").fill("40")
    page.get_by_role("button", name="Set rate").click()
    expect(header).to_contain_text("pump 40 mL/h")
    ends = {(utcnow() + timedelta(minutes=m)).astimezone(zone).strftime("%H:%M") for m in (18, 19)}
    expect(header).to_contain_text(re.compile("expected end (" + "|".join(sorted(ends)) + ")"))

    # the other chair has run its planned dose: a clear cue to stop the pump
    open_chair(page, server.url, second)
    cue = page.locator("#bed-dose-cue")
    expect(cue).to_contain_text("Planned dose delivered — stop the pump")
    expect(page.locator("#bed-dose-cue")).to_be_in_viewport(ratio=1)
    expect(page.locator("#bed-dose-given")).to_contain_text(re.compile(r"given 50\.\d of 40 mg"))
    page.get_by_role("button", name="Stop infusion").click()  # no reason needed: it has run
    expect(page.locator("#bed-state")).to_have_text("Recovery")
    expect(cue).to_have_count(0)
    expect(page.locator("#bed-dose-given")).to_contain_text("(pump stopped)")


def test_phy010_physician_signs_a_transfer_out_of_recovery(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    db, now, chair = server.database, utcnow(), config.clinic.chairs[0]
    nurse = factories.user(db, username="nurse")
    doctor = factories.user(db, Role.PHYSICIAN, username="doctor")
    sid = factories.infusing(db, config, nurse, now=now - timedelta(minutes=20), chair=chair)
    end_session_early(
        database=db,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="BP 210/120",
        now=now - timedelta(minutes=10),
    )

    # the nurse cannot end recovery, and is told how it ends
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Recovery")
    expect(page.get_by_role("button", name="End session early")).to_be_disabled()
    expect(page.locator("#bed-exit-hint")).to_contain_text("physician signs")
    expect(page.locator("#bed-exit-open")).to_be_hidden()

    physician = second_page
    sign_in(physician, server.url, "doctor", target="/bedside")
    open_chair(physician, server.url, chair)
    physician.get_by_role("button", name="Sign exit: transfer or against advice").click()
    dialog = physician.locator("#exit-modal")
    expect(dialog).to_be_visible()
    physician.get_by_label("Transferred (e.g. to the emergency department)").check()
    physician.locator("#exit-reason").fill("to the ED: hypertensive urgency")
    physician.get_by_label("Your password, to sign").fill("not-my-password")
    physician.get_by_role("button", name="Sign exit", exact=True).click()
    expect(physician.locator("#exit-problem")).to_contain_text("Password not recognised")
    expect(dialog).to_be_visible()
    assert session_row(server, sid).state == "recovery"

    physician.get_by_label("Your password, to sign").fill(factories.PASSWORD)
    physician.get_by_role("button", name="Sign exit", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(physician.locator("#exit-done")).to_contain_text("Transferred")
    expect(physician.locator("#exit-done")).to_be_in_viewport(ratio=1)
    expect(physician.locator("#bed-state")).to_have_text("Ended early")
    expect(physician.locator("#bed-exit-kind")).to_contain_text("Transferred")

    row = session_row(server, sid)
    assert (row.state, row.exit_kind) == ("stopped_early", "transfer")
    with db.session_scope() as s:
        signature = s.scalars(select(Signature).where(Signature.session_id == sid)).one()
        assert (signature.meaning, signature.signer_id) == ("exit", doctor.id)

    # the nurse's screen follows on its next refresh, and the record says how it ended
    refresh = (config.app.bedside_refresh_seconds + 5) * 1000
    expect(page.locator("#bed-state")).to_have_text("Ended early", timeout=refresh)
    page.goto(f"{server.url}/session/{sid}")
    expect(page.locator("#session-ending")).to_contain_text("Transferred")
    expect(page.locator("#session-dose")).to_contain_text("Dose planned 40 mg")
    expect(page.locator("#session-signatures")).to_contain_text("Exit: Test Doctor")
