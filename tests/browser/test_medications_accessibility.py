"""The rescue-medications card in both themes (issue 13): no serious or critical WCAG 2 A/AA
violation found by axe-core in the states a nurse and a physician meet (nothing given, a
dose refused at its field, an order waiting, a dose given; the physician's order form and
its refusal), and every control of the card a tablet target of at least 44 × 44 px."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Locator, Page, expect

from monitor.config import Config
from tests.browser.accessibility import check_both_themes
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.medication_steps import bedside_drawn, give_dose, order_dose, pick
from tests.browser.steps import open_chair, sign_in
from tests.browser.test_medications import infusing

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


def test_medications_card_in_both_themes_and_its_targets(
    page: Page, new_context: Callable[..., BrowserContext], server: Server, config: Config
) -> None:
    page.set_viewport_size(PORTRAIT)
    chair = config.clinic.chairs[0]
    infusing(server, config, chair, "anxiety_emergence", "Anxiety / emergence reaction")
    card = page.locator("#med-card")
    found = Found()

    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, chair)
    bedside_drawn(page)
    expect(card).to_contain_text("No rescue medication given this session.")
    found.check(page, "nurse: nothing given")
    pick(page, "#med-drug", "Ondansetron")
    expect(page.locator("#med-route label")).to_have_count(2)
    assert small_targets(card) == []  # drugs, routes, indication, dose, time, Give

    give_dose(page, "Midazolam")
    expect(page.locator("#med-problem-drug")).to_contain_text("needs a physician's order")
    found.check(page, "nurse: a dose refused at its field")

    doctor = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
    sign_in(doctor, server.url, "doctor")
    open_chair(doctor, server.url, chair)
    bedside_drawn(doctor)
    order_dose(doctor, "Midazolam", dose="2.5")
    expect(doctor.locator("#medorder-problem-reason")).to_contain_text("outside the usual")
    found.check(doctor, "physician: an order refused at its field")
    assert small_targets(doctor.locator("#med-card")) == []  # the order form too
    order_dose(doctor, None, dose="2", reason="")
    expect(doctor.locator("#medorder-message .alert")).to_contain_text("Ordered: Midazolam 2 mg")
    found.check(doctor, "physician: ordered")

    page.reload()
    bedside_drawn(page)
    waiting = page.locator("#med-waiting-list")
    expect(waiting).to_contain_text("Midazolam 2 mg IV")
    found.check(page, "nurse: an order waiting")
    assert small_targets(waiting) == []
    waiting.get_by_role("button", name="Give as ordered").click()
    expect(page.locator("#med-order-note")).to_contain_text("Giving the order of")
    page.get_by_role("button", name="Give", exact=True).click()
    expect(page.locator("#med-given-list")).to_contain_text("Midazolam 2 mg IV")
    found.check(page, "nurse: a dose given under the order")

    problems = found.problems()
    assert not problems, f"{len(problems)} serious/critical axe violations:\n" + "\n".join(problems)
