"""The front desk in the browser (issue 12, patients): register a patient, a duplicate MRN
refused at its field, find a patient by date of birth, correct the demographics with a
reason that the audit trail keeps. Tablet size, touch; axe runs on both themes at teardown."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.models import AuditEvent, Patient
from monitor.domain.permissions import Role
from tests import factories
from tests.browser.conftest import Server
from tests.browser.steps import sign_in


def count_patients(server: Server) -> int:
    with server.database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(Patient)) or 0


def in_view(page: Page, locator: Locator) -> None:
    """The outcome is seen without scrolling: inside the viewport as it stands."""
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box


def at_least_44(locator: Locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box


def fill_registration(page: Page, mrn: str = "MRN-5001") -> None:
    page.get_by_label("MRN (letters, digits, dashes)").fill(mrn)
    page.locator("#patients-new-sex").get_by_text("Female", exact=True).click()
    page.get_by_label("Family name", exact=True).fill("Haddad")
    page.get_by_label("Given name", exact=True).fill("Mira")
    page.get_by_label("Date of birth (YYYY-MM-DD)", exact=True).fill("1986-03-09")
    page.get_by_label("Weight (kg)", exact=True).fill("64.5")
    page.get_by_label("Allergies", exact=False).fill("Latex")
    page.get_by_label("Escort or contact (optional)").fill("Sami Haddad")
    page.get_by_label("Their phone (digits, +) (optional)").fill("+44 20 7946 0001")


def test_nrs101_a_nurse_registers_a_patient(page: Page, server: Server) -> None:
    factories.user(server.database, Role.NURSE, username="nurse")
    sign_in(page, server.url, "nurse", target="/patients")
    expect(page.get_by_role("heading", name="Register a patient")).to_be_visible()
    fill_registration(page)
    button = page.get_by_role("button", name="Register patient")
    at_least_44(button)
    at_least_44(page.get_by_label("Weight (kg)", exact=True))
    at_least_44(page.locator("#patients-new-sex").get_by_text("Female", exact=True))
    button.click()
    outcome = page.locator("#patients-registered")
    expect(outcome).to_contain_text("Registered: Haddad, Mira (MRN MRN-5001)")
    in_view(page, outcome)
    assert count_patients(server) == 1
    opening = page.get_by_role("link", name="Open the patient")
    at_least_44(opening)
    opening.click()
    expect(page.locator("#patient-name")).to_have_text("Haddad, Mira")
    summary = page.locator("#patient-summary")
    expect(summary).to_contain_text("1986-03-09")
    expect(summary).to_contain_text("64.5 kg")
    expect(summary).to_contain_text("Latex")
    expect(page.locator("#patient-courses")).to_be_visible()


def test_nrs102_a_duplicate_mrn_is_refused_at_the_field(
    page: Page, server: Server, config: Config
) -> None:
    factories.user(server.database, Role.NURSE, username="nurse")
    factories.patient(server.database, config)
    with server.database.session_scope() as db:
        taken = db.scalars(select(Patient.mrn)).one()
    sign_in(page, server.url, "nurse", target="/patients")
    fill_registration(page, mrn=taken)
    page.get_by_role("button", name="Register patient").click()
    field = page.get_by_label("MRN (letters, digits, dashes)")
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#patients-new-mrn-feedback")).to_have_text(
        f"MRN {taken} is already registered: search for it instead"
    )
    refusal = page.locator("#patients-new-message")
    expect(refusal).to_contain_text("Nothing was saved")
    in_view(page, refusal)
    assert count_patients(server) == 1


def test_nrs103_search_by_date_of_birth(page: Page, server: Server, config: Config) -> None:
    nurse = factories.user(server.database, Role.NURSE, username="nurse")
    from monitor.services.patients import register_patient

    for mrn, family, born in (("M-1", "Osei", "1971-05-20"), ("M-2", "Park", "1984-11-02")):
        register_patient(
            database=server.database,
            config=config,
            actor=nurse,
            mrn=mrn,
            family_name=family,
            given_name="Sam",
            birth_date=born,
            sex="unknown",
            weight_kg=70,
            allergies=None,
            escort_name=None,
            escort_phone=None,
            idempotency_key=factories.key(),
        )
    sign_in(page, server.url, "nurse", target="/patients")
    search = page.get_by_label("Name, MRN or date of birth (YYYY-MM-DD)")
    search.fill("1984-11-02")
    search.press("Enter")
    found = page.locator("#patients-found")
    expect(found).to_contain_text("Park, Sam")
    expect(found).not_to_contain_text("Osei")
    at_least_44(found.get_by_role("link").first)
    found.get_by_role("link").first.click()
    expect(page.locator("#patient-name")).to_have_text("Park, Sam")
    with server.database.session_scope() as db:
        kinds = db.scalars(
            select(AuditEvent.new_values).where(AuditEvent.action == "patient.searched")
        ).all()
        viewed = db.scalars(
            select(AuditEvent.id).where(AuditEvent.action == "patient.viewed")
        ).all()
    assert [k["kind"] for k in kinds if k] == ["birth_date"] and len(viewed) == 1


def test_nrs104_a_correction_with_its_reason_is_audited(
    page: Page, server: Server, config: Config
) -> None:
    factories.user(server.database, Role.NURSE, username="nurse")
    pid = factories.patient(server.database, config, weight=80)
    sign_in(page, server.url, "nurse", target=f"/patient/{pid}")
    page.get_by_label("Weight (kg)", exact=True).fill("82.5")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#patient-edit-reason-feedback")).to_have_text(
        "Say why the demographics are changed"
    )
    refused = page.locator("#patient-edit-message")
    expect(refused).to_contain_text("Nothing was saved")
    expect(refused).to_be_in_viewport(ratio=1)  # seen without the nurse scrolling
    page.get_by_label("Reason for the change (required)").fill("Weighed on the clinic scale")
    page.get_by_role("button", name="Save changes").click()
    outcome = page.locator("#patient-edit-message")
    expect(outcome).to_contain_text("Saved: Weight (kg)")
    in_view(page, outcome)
    expect(page.locator("#patient-summary")).to_contain_text("82.5 kg")
    history = page.locator("#patient-history")
    expect(history).to_contain_text("Weighed on the clinic scale")
    expect(history).to_contain_text("Weight (kg): 80.0 kg → 82.5 kg")
    with server.database.session_scope() as db:
        entry = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient.edited")).one()
        assert entry.old_values == {"weight": 80.0}
        assert entry.new_values is not None and entry.new_values["weight"] == 82.5
        assert entry.reason == "Weighed on the clinic scale"
