"""The administrator in the browser: adds a nurse who must choose her own password at her
first sign-in; unlocks a physician locked out by wrong passwords; deactivates a nurse whose
tablet is then signed out. The admin's screens show no clinical record."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from monitor.config import Config
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import Contexts, Server
from tests.browser.steps import sign_in

TEMPORARY = "temporary-pass-2026"
CHOSEN = "my-own-choice-of-words"


def sign_in_with(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def as_admin(page: Page, server: Server) -> None:
    factories.user(server.database, Role.ADMIN, username="admin")
    sign_in(page, server.url, "admin", target="/staff")
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()


def test_adm001_admin_creates_a_nurse_who_must_change_the_password(
    page: Page, server: Server, contexts: Contexts
) -> None:
    as_admin(page, server)
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Printed name").fill("Nina Nurse")
    page.get_by_label("Role", exact=True).select_option("nurse")
    page.locator("#staff-new-password").fill(TEMPORARY)
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("#staff-create-message")).to_contain_text("Added Nina Nurse (nina)")
    expect(page.locator("#staff-row-nina")).to_contain_text("temporary password")

    tablet = contexts.new(has_touch=True).new_page()
    sign_in_with(tablet, server.url, "nina", TEMPORARY)
    tablet.wait_for_url("**/account/password")
    expect(tablet.get_by_text("Your password is temporary")).to_be_visible()
    tablet.goto(f"{server.url}/bedside")  # no other screen until it is changed
    tablet.wait_for_url("**/account/password")
    tablet.get_by_label("Current password").fill(TEMPORARY)
    tablet.get_by_label("New password", exact=True).fill(CHOSEN)
    tablet.get_by_label("New password again").fill(CHOSEN)
    tablet.get_by_role("button", name="Change password").click()
    tablet.wait_for_url("**/bedside")
    expect(tablet.locator("#shell-user")).to_contain_text("Nina Nurse")

    tablet.get_by_role("button", name="Sign out").click()
    sign_in_with(tablet, server.url, "nina", CHOSEN)
    tablet.wait_for_url("**/bedside")
    page.reload()
    expect(page.locator("#staff-row-nina")).to_contain_text("active")
    expect(page.locator("#staff-row-nina")).not_to_contain_text("temporary password")


def test_adm002_admin_unlocks_a_locked_physician(
    page: Page, server: Server, config: Config, contexts: Contexts
) -> None:
    factories.user(server.database, Role.PHYSICIAN, username="phil")
    tablet = contexts.new(has_touch=True).new_page()
    for _ in range(config.security.login_max_failures):
        sign_in_with(tablet, server.url, "phil", "wrong-guess")
        expect(tablet.locator("#login-error")).to_contain_text("not recognised")
    sign_in_with(tablet, server.url, "phil", factories.PASSWORD)
    expect(tablet.locator("#login-error")).to_contain_text("locked")

    as_admin(page, server)
    expect(page.locator("#staff-row-phil")).to_contain_text("locked")
    page.get_by_label("User", exact=True).select_option(label="Test Phil (phil)")
    page.get_by_role("button", name="Unlock sign-in").click()
    expect(page.locator("#staff-action-message")).to_contain_text("phil is unlocked")
    expect(page.locator("#staff-row-phil")).not_to_contain_text("locked")

    sign_in_with(tablet, server.url, "phil", factories.PASSWORD)
    tablet.wait_for_url("**/board")


def test_adm003_deactivated_nurse_is_signed_out_and_keeps_her_name(
    page: Page, server: Server, contexts: Contexts
) -> None:
    factories.user(server.database, Role.NURSE, username="nora")
    tablet = contexts.new(has_touch=True).new_page()
    sign_in(tablet, server.url, "nora")
    as_admin(page, server)
    page.get_by_label("User", exact=True).select_option(label="Test Nora (nora)")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.locator("#staff-action-message")).to_contain_text("nora is deactivated")
    expect(page.locator("#staff-row-nora")).to_contain_text("Test Nora")
    expect(page.locator("#staff-row-nora")).to_contain_text("deactivated")
    tablet.reload()
    tablet.wait_for_url("**/login*")
    sign_in_with(tablet, server.url, "nora", factories.PASSWORD)
    expect(tablet.locator("#login-error")).to_be_visible()


def test_adm004_admin_home_lists_staff_and_no_clinical_screen(
    page: Page, server: Server, browser: Browser
) -> None:
    factories.user(server.database, Role.ADMIN, username="admin")
    sign_in(page, server.url, "admin", target="/")
    expect(page.get_by_role("link", name="Staff").first).to_be_visible()
    for clinical in ("Bedside", "Live board"):
        expect(page.get_by_role("link", name=clinical)).to_have_count(0)
    page.goto(f"{server.url}/board")
    expect(page.get_by_text("Your role may not open this screen.")).to_be_visible()
