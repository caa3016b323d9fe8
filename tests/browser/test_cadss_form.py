"""The CADSS form at the bedside in headless Chromium: prompts, anchors, large buttons."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from monitor.config import Config
from monitor.db.models import Rating
from monitor.db.types import utcnow
from monitor.domain.session_state import SessionEvent
from tests import factories
from tests.browser.conftest import LANDSCAPE, PORTRAIT, Server
from tests.browser.steps import open_chair, sign_in

SMALL_OR_CLIPPED = """() => [...document.querySelectorAll('.cadss-scale label')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim(), e.getBoundingClientRect(), e.scrollWidth > e.clientWidth])
    .filter(([, r, clipped]) => r.height < 44 || r.width < 44 || clipped)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def infusing_for_40_minutes(server: Server, config: Config) -> str:
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    sid = factories.session(db, config, nurse, now=now - timedelta(minutes=50))
    factories.reading(db, config, nurse, sid, now - timedelta(minutes=42))
    factories.event(db, nurse, sid, SessionEvent.START_INFUSION, now - timedelta(minutes=40))
    return nurse.username


def test_nrs070_nurse_gives_cadss_from_prompts_and_anchors(
    page: Page, server: Server, config: Config
) -> None:
    ratings = config.default_protocol.ratings
    form = ratings.cadss_form
    nurse = infusing_for_40_minutes(server, config)
    sign_in(page, server.url, nurse)
    open_chair(page, server.url, config.clinic.chairs[0])
    card = page.locator("#bed-cadss-card")
    expect(card).to_contain_text("CADSS-6")
    expect(page.locator("#bed-cadss-legend")).to_have_text(
        "Scores: 0 Not at all1 Slightly2 Moderately3 Considerably4 Extremely"
    )
    for viewport in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(viewport)
        assert page.evaluate(SMALL_OR_CLIPPED) == [], viewport

    scores = {1: 2, 2: 1, 6: 2, 7: 0, 15: 3, 22: 1}
    for item in form.prompts(ratings.cadss_version):
        prompt = f"Item {item.number}: {item.prompt}"
        expect(card.get_by_text(prompt, exact=True)).to_be_visible()
        # What a screen reader announces: the group named by the item, each choice by its
        # score and anchor word.
        group = page.get_by_role("radiogroup", name=prompt, exact=True)
        for score, anchor in enumerate(form.anchors):
            expect(group.get_by_role("radio", name=f"{score} {anchor}", exact=True)).to_have_count(
                1
            )
        chosen = scores[item.number]
        group.get_by_text(form.anchors[chosen], exact=True).click()
        expect(
            group.get_by_role("radio", name=f"{chosen} {form.anchors[chosen]}", exact=True)
        ).to_be_checked()

    page.get_by_role("button", name="Save CADSS").click()
    saved = page.locator("#bed-cadss-saved")
    expect(saved).to_contain_text("CADSS-6 saved: total 9, dissociation present (above 4)")
    expect(saved).to_be_in_viewport()
    with server.database.session_scope() as db:
        rating = db.scalars(select(Rating)).one()
    assert rating.items == {str(k): v for k, v in scores.items()}
    assert (rating.total, rating.timepoint_minutes) == (9, 40)
