"""The controlled-substance reconciliation in the browser: the auditor sees a seeded
session's lot balanced and a seeded discrepancy open; a physician, in a second browser,
follows the discrepancy's link to the session's ketamine record and resolves it with a
reason; the auditor, showing the period again, sees it resolved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from tests import factories, ketamine_rows
from tests.browser.conftest import Server
from tests.browser.steps import sign_in


def test_aud010_auditor_sees_a_lot_balanced_and_a_discrepancy_until_resolved(
    page: Page, new_context: Callable[..., BrowserContext], server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    nurse = factories.user(db, Role.NURSE, username="nurse")
    witness = factories.user(db, Role.NURSE, username="witness")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    factories.user(db, Role.AUDITOR, username="auditor")
    ketamine_rows.balanced(
        db, config, nurse, witness, lot="LOT-BAL", at=now - timedelta(hours=2), chair=0
    )
    short, delivered = ketamine_rows.stopped(
        db, config, nurse, at=now - timedelta(hours=1), chair=1
    )
    ketamine_rows.draw(
        db, config, nurse, short, lot="LOT-OPEN", volume_ml=round(delivered / 10 + 0.75, 2)
    )

    sign_in(page, server.url, "auditor", target="/audit/reconciliation")
    by_lot = page.locator("#recon-table-lot")
    balanced = by_lot.get_by_role("row").filter(has_text="LOT-BAL")
    expect(balanced).to_contain_text("0.00")  # unaccounted
    expect(balanced).to_contain_text("Test Witness")
    opened = page.locator("#recon-open")
    expect(opened).to_contain_text("Open discrepancies: 1 (target 0)")
    expect(opened).to_contain_text(f"Session {short}")
    expect(opened).to_contain_text("0.75 mL unaccounted")
    expect(opened.get_by_role("link", name="Session record")).to_have_attribute(
        "href", f"/audit/session/{short}"
    )
    today = now.astimezone(config.clinic.zone).date()
    first = (today - timedelta(days=29)).isoformat()
    expect(page.locator("#recon-export")).to_have_attribute(
        "href", f"/audit/export/reconciliation.csv?start={first}&end={today.isoformat()}"
    )

    doctor = new_context().new_page()
    sign_in(doctor, server.url, "doctor", target="/audit/reconciliation")
    resolve = doctor.locator("#recon-open").get_by_role("link", name="Ketamine record")
    expect(resolve).to_have_attribute("href", f"/session/{short}/ketamine")
    resolve.click()
    doctor.wait_for_url(f"**/session/{short}/ketamine")
    doctor.get_by_label("Reason (required: what happened to the difference)").fill(
        "Spilled while priming the line; vial count checked"
    )
    doctor.get_by_role("button", name="Resolve discrepancy").click()
    expect(doctor.locator("#ketresolve-message")).not_to_be_empty()

    page.get_by_role("button", name="Show").click()
    expect(opened).to_contain_text("Open discrepancies: 0 (target 0)")
    resolved = by_lot.get_by_role("row").filter(has_text="LOT-OPEN")
    cells = resolved.get_by_role("cell")  # sessions, drawn, given, wasted, awaiting,
    expect(cells.nth(5)).to_have_text("0.75")  # unaccounted, running, open, resolved, …
    expect(cells.nth(7)).to_have_text("0")
    expect(cells.nth(8)).to_have_text("1")
    expect(page.locator("#recon-table-day")).to_contain_text("Total")
