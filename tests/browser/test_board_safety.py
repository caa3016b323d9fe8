"""The physician's board and a PHQ-9 item-9 safety flag (issue 12), in a real browser."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.course_models import PreDoseClearance, SafetyFlagAcknowledgement
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import before_dose_rows as rows
from tests import factories
from tests.browser.conftest import Server
from tests.browser.steps import sign_in


def test_phy015_item9_flag_appears_on_the_board_and_is_acknowledged(
    page: Page, server: Server, config: Config
) -> None:
    db, now, chairs = server.database, utcnow(), config.clinic.chairs
    nurse = factories.user(db, username="nurse")
    doctor = factories.user(db, Role.PHYSICIAN, username="doctor")
    routine = factories.infusing(
        db, config, nurse, now=now - timedelta(minutes=30), chair=chairs[0]
    )
    factories.reading(db, config, nurse, routine, now - timedelta(minutes=1))
    waiting = factories.session(db, config, nurse, chair=chairs[1], now=now - timedelta(minutes=5))
    rows.place_in_course(db, waiting, sequence=3, planned=6)
    flag = rows.raise_flag(db, config, nurse, waiting, now - timedelta(minutes=1))

    sign_in(page, server.url, "doctor", target="/board")
    top = page.locator("#board-tiles .tile").first
    expect(top).to_contain_text(chairs[1])  # the flag goes first, before a running infusion
    expect(top).to_contain_text("Session 3 of 6")
    expect(top.locator(".alarm-high")).to_contain_text("Safety flag")
    expect(top.locator(".alarm-high")).to_contain_text("***")

    top.get_by_role("button", name="Review flag").click()
    dialog = page.locator("#board-flag-modal")
    expect(dialog).to_contain_text(rows.flag_message(db, flag))
    dialog.get_by_label("Note (the reason, required to clear to dose)").fill(
        "Spoke with the patient: no plan or intent"
    )
    dialog.get_by_role("button", name="Acknowledge flag").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-flag-done")).to_contain_text("Safety flag acknowledged")
    tile = page.locator(f"#tile-{waiting}")
    expect(tile.locator(".tile-flag")).to_have_count(0)

    with db.session_scope() as s:
        (ack,) = list(s.scalars(select(SafetyFlagAcknowledgement)))
        audited = s.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == doctor.id)).all()
    assert ack.acknowledged_by == doctor.id
    assert ack.note == "Spoke with the patient: no plan or intent"
    assert any("flag" in action for action in audited)

    tile.get_by_role("link", name="Open session").click()
    expect(page.locator("#session-of")).to_have_text("Session 3 of 6")
    expect(page.locator("#session-before-dose")).to_contain_text(
        f"Acknowledged by {doctor.full_name}: Spoke with the patient: no plan or intent"
    )


def test_phy016_physician_clears_the_dose_from_the_flag(
    page: Page, server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    sid = factories.session(db, config, nurse, now=now - timedelta(minutes=5))
    rows.raise_flag(db, config, nurse, sid, now - timedelta(minutes=1))

    sign_in(page, server.url, "doctor", target="/board")
    page.locator(f"#tile-{sid}").get_by_role("button", name="Review flag").click()
    dialog = page.locator("#board-flag-modal")
    dialog.get_by_role("button", name="Clear to dose").click()
    expect(dialog.locator("#board-flag-message")).to_contain_text(
        "Write why the infusion may start"
    )
    reason = "Seen with the patient: passive thoughts, no plan; safety plan agreed"
    dialog.get_by_label("Note (the reason, required to clear to dose)").fill(reason)
    dialog.get_by_role("button", name="Clear to dose").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-flag-done")).to_contain_text("Cleared to dose")
    expect(page.locator(f"#tile-{sid} .tile-flag")).to_have_count(0)
    with db.session_scope() as s:
        (cleared,) = s.scalars(select(PreDoseClearance)).all()
        acknowledged = s.scalars(select(SafetyFlagAcknowledgement)).all()
    assert (cleared.concern, cleared.reason) == ("self_harm", reason)
    assert len(acknowledged) == 1
