"""The ketamine record in a real browser (issue 13): a waste witnessed by a second nurse on
her own tablet (the first is never offered her own waste to witness), a slipped decimal
point and an expired lot refused at their fields, and a physician resolving an open
discrepancy on the session's ketamine page (nrs150, nrs151, phy050)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.intervention_models import (
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWasteWitness,
)
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from tests import factories, ketamine_data
from tests.browser.conftest import LANDSCAPE, Server
from tests.browser.ketamine_steps import (
    balance,
    card,
    open_bedside,
    open_record,
    record_draw,
    record_waste,
    resolve,
    witness_waste,
)
from tests.browser.steps import sign_in


@pytest.fixture
def second_page(new_context: Callable[..., BrowserContext]) -> Page:
    """Another person's tablet: a second browser context, with its own sign-in."""
    return new_context(viewport=LANDSCAPE, has_touch=True).new_page()


def count(server: Server, table: type) -> int:
    with server.database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(table)) or 0)


def test_nrs150_waste_witnessed_by_a_second_nurse_in_a_second_context(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    db, now, chair = server.database, utcnow(), config.clinic.chairs[0]
    alice = factories.user(db, username="alice")
    factories.user(db, username="beth")
    # 80 kg, 40 mg as 40 mL at 60 mL/h (1 mg/mL): started 15 minutes ago.
    start = now - timedelta(minutes=15)
    sid = factories.infusing(db, config, alice, now=start, chair=chair)
    expiry = clinic_today(now, config.clinic.zone) + timedelta(days=200)

    # nurse A draws 4.00 mL of the 10 mg/mL product and wastes 3.00 mL: no witness beside her
    sign_in(page, server.url, "alice")
    open_bedside(page, server.url, chair)
    expect(page.locator("#bed-state")).to_have_text("Infusing")
    drawn = record_draw(page, lot="KX-2291", expiry=expiry, volume_ml="4.00")
    expect(drawn).to_contain_text("Draw recorded")
    expect(drawn).to_be_in_viewport(ratio=1)
    expect(page.locator("#ket-volume")).to_have_value("")  # a second tap stores nothing
    expect(page.locator("#ket-lot")).to_have_value("KX-2291")  # the vial is still in hand
    expect(balance(page)).to_have_text("Infusion not finished")
    expect(card(page)).to_contain_text("Drawn 4.00 mL")
    wasted = record_waste(page, volume_ml="3.00")
    expect(wasted).to_contain_text("Waste recorded: awaiting witness")
    expect(wasted).to_be_in_viewport(ratio=1)
    expect(page.locator("#ket-waste-volume")).to_have_value("")
    expect(page.locator("#ket-awaiting-line")).to_contain_text("3.00 mL wasted, awaiting witness")

    # she cannot witness her own waste: it is not offered to her, only listed as awaiting
    expect(page.locator("#ket-wastes")).to_contain_text("by Test Alice — awaiting witness")
    expect(page.locator("#ket-awaiting")).to_be_hidden()
    assert count(server, KetamineWasteWitness) == 0

    # nurse B, on her own tablet, witnesses it with her password
    sign_in(second_page, server.url, "beth")
    open_bedside(second_page, server.url, chair)
    witnessed = witness_waste(second_page, "3.00 mL at")
    expect(witnessed).to_contain_text("Witnessed by Test Beth")
    expect(witnessed).to_be_in_viewport(ratio=1)
    expect(second_page.locator("#ket-awaiting")).to_be_hidden()
    expect(second_page.locator("#ket-wastes")).to_contain_text("witnessed by Test Beth")
    with db.session_scope() as s:
        row = s.scalars(select(KetamineWasteWitness)).one()
        assert row.printed_name == "Test Beth" and row.wasted_by == alice.id

    # nurse A's screen shows it once refreshed: the waste counted, nothing awaits
    page.reload()
    expect(page.locator("#ket-wastes")).to_contain_text("3.00 mL")
    expect(page.locator("#ket-wastes")).to_contain_text("witnessed by Test Beth")
    expect(page.locator("#ket-awaiting")).to_be_hidden()
    expect(page.locator("#ket-awaiting-line")).to_have_count(0)
    expect(card(page)).to_contain_text("Wasted 3.00 mL")

    # the pump stops after 10 minutes: 10 mg given = 1.00 mL of 10 mg/mL; 4.00 = 1.00 + 3.00
    factories.event(
        db,
        alice,
        sid,
        SessionEvent.STOP_INFUSION,
        start + timedelta(minutes=10),
        config,
        reason="patient asked to stop",
    )
    assert ketamine_data.given_ml(db, config, sid, concentration=10.0) == 1.0
    page.reload()
    expect(page.locator("#bed-state")).to_have_text("Recovery")
    expect(balance(page)).to_have_text("Balanced")
    expect(card(page)).to_contain_text("Given 1.00 mL")
    refresh = (config.app.bedside_refresh_seconds + 5) * 1000
    expect(balance(second_page)).to_have_text("Balanced", timeout=refresh)

    # the session's ketamine page says who wasted and who witnessed
    open_record(page, server.url, sid)
    wastes = page.locator("#ketrecord-wastes")
    expect(wastes).to_contain_text("Test Alice")
    expect(wastes).to_contain_text("Test Beth at")
    expect(balance(page)).to_have_text("Balanced")


def test_nrs151_expired_lot_is_refused_at_the_field(
    page: Page, server: Server, config: Config
) -> None:
    db, now, chair = server.database, utcnow(), config.clinic.chairs[0]
    nurse = factories.user(db, username="nurse")
    factories.infusing(db, config, nurse, now=now - timedelta(minutes=5), chair=chair)
    today = clinic_today(now, config.clinic.zone)  # the clinic's calendar, not the server's
    yesterday = today - timedelta(days=1)

    sign_in(page, server.url, "nurse")
    open_bedside(page, server.url, chair)
    # a slipped decimal point: the server's own message reaches the field (no browser max
    # blanks the value into "Enter the volume")
    record_draw(page, lot="KX-0001", expiry=today, volume_ml="200")
    too_much = page.locator("#ket-volume-problem")
    expect(too_much).to_have_text("At most 50 mL: check the decimal point")
    expect(page.locator("#ket-volume")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert count(server, KetamineDraw) == 0

    outcome = record_draw(page, lot="KX-0001", expiry=yesterday, volume_ml="2.00")
    expect(too_much).to_be_empty()
    at_field = page.locator("#ket-expiry-problem")
    expect(at_field).to_have_text(
        f"This lot expired on {yesterday.isoformat()}: do not draw from it; take another vial"
    )
    expect(at_field).to_be_in_viewport()
    expect(page.locator("#ket-expiry")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(outcome).to_contain_text("expired")
    expect(outcome).to_be_in_viewport(ratio=1)
    expect(page.locator("#ket-waste-form")).to_be_hidden()  # nothing drawn: nothing to waste
    assert count(server, KetamineDraw) == 0

    # the label's expiry is the last day the vial may be used: today is accepted
    outcome = record_draw(page, lot="KX-0001", expiry=today, volume_ml="2.00")
    expect(outcome).to_contain_text("Draw recorded")
    expect(at_field).to_be_empty()
    expect(page.locator("#ket-expiry")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#ket-waste-form")).to_be_visible()
    assert count(server, KetamineDraw) == 1


def test_phy050_physician_resolves_an_open_discrepancy(
    page: Page, second_page: Page, server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    # 10 minutes at 1 mg/mL = 10 mg = 0.20 mL of 50 mg/mL; 2.00 mL drawn, nothing wasted
    start = now - timedelta(minutes=40)
    sid = ketamine_data.stopped(db, config, nurse, minutes=10, start=start)
    ketamine_data.draw(db, config, nurse, sid, volume=2.0, at=start + timedelta(minutes=5))

    # the nurse sees the open discrepancy, and no way to resolve it
    sign_in(page, server.url, "nurse", target=f"/session/{sid}/ketamine")
    expect(balance(page)).to_have_text("Open discrepancy")
    expect(page.locator("#ketresolve-balance")).to_contain_text("imbalance +1.80 mL")
    expect(page.get_by_role("button", name="Resolve discrepancy")).to_have_count(0)
    expect(page.locator("#ketresolve-reason")).to_have_count(0)

    # the physician: a reason too short is refused at the field, nothing stored
    doctor = second_page
    sign_in(doctor, server.url, "doctor", target=f"/session/{sid}/ketamine")
    expect(balance(doctor)).to_have_text("Open discrepancy")
    resolve(doctor, "lost")
    at_field = doctor.locator("#ketresolve-reason-problem")
    expect(at_field).to_have_text(
        "Write why the ketamine does not balance, in at least "
        f"{config.sign_off.exit_reason_min_chars} characters"
    )
    expect(at_field).to_be_visible()
    expect(doctor.locator("#ketresolve-reason")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert count(server, KetamineDiscrepancyResolution) == 0

    reason = "Syringe dropped before the waste was witnessed; pharmacy informed"
    outcome = resolve(doctor, reason)
    expect(outcome).to_contain_text("Discrepancy resolved")
    expect(outcome).to_contain_text("Test Doctor")
    expect(outcome).to_be_in_viewport(ratio=1)
    expect(at_field).to_be_empty()
    expect(balance(doctor)).to_have_text("Discrepancy resolved")
    # nothing is left to resolve: the form goes, its outcome stays
    expect(doctor.get_by_role("button", name="Resolve discrepancy")).to_be_hidden()
    expect(doctor.locator("#ketresolve-reason")).to_be_hidden()
    expect(outcome).to_be_visible()
    resolutions = doctor.locator("#ketrecord-resolutions")
    expect(resolutions).to_contain_text(reason)
    expect(resolutions).to_contain_text("Test Doctor")
    expect(resolutions).to_contain_text("+1.80")
    assert count(server, KetamineDiscrepancyResolution) == 1

    # the nurse's page, opened again, shows the resolution
    open_record(page, server.url, sid)
    expect(balance(page)).to_have_text("Discrepancy resolved")
    expect(page.locator("#ketrecord-resolutions")).to_contain_text(reason)
    expect(page.locator("#ketrecord-resolutions")).to_contain_text("Test Doctor")
