"""The ketamine card and the session's ketamine page in both themes (issue 13): no serious or
critical WCAG 2 A/AA violation found by axe-core, in every state a nurse or a physician
meets (empty, a draw, a waste awaiting a witness, a refusal at a field, an open
discrepancy, its resolution form), and every control of the card a tablet target of at
least 44 × 44 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.intervention_models import KetamineDraw
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.permissions import Role
from tests import factories, ketamine_data
from tests.browser.accessibility import check_both_themes
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.ketamine_steps import (
    balance,
    card,
    open_bedside,
    open_record,
    record_draw,
    record_waste,
    resolve,
)
from tests.browser.steps import sign_in

# Every control a finger taps, shown, under `root`: its name and size when under 44 px.
SMALL = """root => [...root.querySelectorAll(
    'button, a, input.form-control, textarea, .form-check-label')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
    .filter(([, r]) => r.height < 44 || r.width < 44)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def small_targets(where: Locator) -> list[str]:
    return list(where.evaluate(SMALL))


class Found:
    """Each state's axe findings, by label and theme; one assertion lists them all."""

    def __init__(self) -> None:
        self.by_state: dict[str, dict[str, list[str]]] = {}

    def check(self, page: Page, label: str) -> None:
        self.by_state[label] = check_both_themes(page)

    def problems(self) -> list[str]:
        return [
            f"{label} [{theme}] {line}"
            for label, themes in self.by_state.items()
            for theme, lines in themes.items()
            for line in lines
        ]


@pytest.mark.parametrize("viewport", ["portrait", "landscape"])
def test_a11y013_ketamine_card_in_both_themes_and_its_targets(
    page: Page, server: Server, config: Config, viewport: str
) -> None:
    page.set_viewport_size(PORTRAIT if viewport == "portrait" else LANDSCAPE)
    db, now, chair = server.database, utcnow(), config.clinic.chairs[0]
    nurse = factories.user(db, username="nurse")
    colleague = factories.user(db, username="colleague")
    sid = factories.infusing(db, config, nurse, now=now - timedelta(minutes=5), chair=chair)
    today = clinic_today(now, config.clinic.zone)
    found = Found()

    sign_in(page, server.url, "nurse")
    open_bedside(page, server.url, chair)
    ket = card(page)
    expect(balance(page)).to_be_visible()
    found.check(page, "card: nothing drawn")
    assert small_targets(ket) == []

    record_draw(page, lot="KX-9", expiry=today - timedelta(days=1), volume_ml="2.00")
    expect(page.locator("#ket-expiry-problem")).to_contain_text("expired")
    found.check(page, "card: expired lot refused at its field")

    expect(record_draw(page, lot="KX-9", expiry=today, volume_ml="2.00")).to_contain_text(
        "Draw recorded"
    )
    expect(record_waste(page, volume_ml="0.50")).to_contain_text("awaiting witness")
    expect(page.locator("#ket-wastes")).to_contain_text("awaiting witness")
    # a colleague's waste from the same draw: the one this nurse may witness
    with db.session_scope() as s:
        draw_id = s.scalars(select(KetamineDraw.id)).one()
    ketamine_data.waste(db, config, colleague, sid, draw_id, 0.25, at=utcnow())
    page.reload()
    expect(page.locator("#ket-awaiting")).to_be_visible()
    found.check(page, "card: a draw, wastes awaiting their witness")
    assert small_targets(card(page)) == []  # the waste form and the witness form too

    record_waste(page, volume_ml="9.00")
    expect(page.locator("#ket-waste-volume-problem")).to_contain_text("Only 1.25 mL is left")
    found.check(page, "card: a waste larger than what is left, refused at its field")
    record_waste(page, volume_ml="0.50", witness="nobody", password="wrong")
    expect(page.locator("#ket-witness-password-problem")).to_contain_text("not recognised")
    found.check(page, "card: a witness not recognised, refused at the field")

    problems = found.problems()
    assert not problems, f"{len(problems)} serious/critical axe violations:\n" + "\n".join(problems)


def test_a11y014_ketamine_page_in_both_themes(
    page: Page, new_context: Callable[..., BrowserContext], server: Server, config: Config
) -> None:
    db, now = server.database, utcnow()
    nurse, other = factories.user(db, username="nurse"), factories.user(db, username="other")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    start = now - timedelta(minutes=40)
    sid = ketamine_data.stopped(db, config, nurse, minutes=10, start=start)
    drawn = ketamine_data.draw(db, config, nurse, sid, volume=2.0, at=start + timedelta(minutes=5))
    at = start + timedelta(minutes=12)
    ketamine_data.waste(db, config, nurse, sid, drawn.draw_id, 0.5, at=at, witness=other)
    ketamine_data.waste(db, config, nurse, sid, drawn.draw_id, 0.25, at=at)
    found = Found()

    sign_in(page, server.url, "nurse", target=f"/session/{sid}/ketamine")
    expect(balance(page)).to_have_text("Open discrepancy")
    expect(page.locator("#ketrecord-wastes")).to_contain_text("awaiting witness")
    found.check(page, "page: nurse, open discrepancy")

    doctor = new_context(viewport=PORTRAIT, has_touch=True).new_page()
    sign_in(doctor, server.url, "doctor", target=f"/session/{sid}/ketamine")
    expect(doctor.get_by_role("button", name="Resolve discrepancy")).to_be_visible()
    found.check(doctor, "page: physician, resolution form")
    assert small_targets(doctor.locator("#ketresolve-submit").locator("..")) == []

    resolve(doctor, "no")
    expect(doctor.locator("#ketresolve-reason-problem")).to_contain_text("at least")
    found.check(doctor, "page: physician, short reason refused")

    expect(resolve(doctor, "Syringe dropped; pharmacy informed")).to_contain_text(
        "Discrepancy resolved"
    )
    found.check(doctor, "page: physician, resolved")

    open_record(page, server.url, sid)
    expect(balance(page)).to_have_text("Discrepancy resolved")
    found.check(page, "page: nurse, resolved")

    problems = found.problems()
    assert not problems, f"{len(problems)} serious/critical axe violations:\n" + "\n".join(problems)
