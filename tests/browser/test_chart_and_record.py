"""Issue 9, items 8 and 9 in the browser: the bedside trend and the session timeline mark a
high reading in red, on top, with SpO2 on its fixed range and clean time ticks; the PDF
downloaded from the session record lists the infusion events with their reasons and counts
its pages."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from monitor.config import Config
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from tests import factories
from tests.browser.conftest import PORTRAIT, Server
from tests.browser.steps import open_chair, sign_in

HIGH_RED = "#e03131"


def high_reading_session(server: Server, config: Config) -> int:
    """Infusing for 12 min: a calm baseline, then 185/95 (a high and two medium excursions)."""
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse")
    start = now - timedelta(minutes=12)
    sid = factories.infusing(db, config, nurse, now=start)
    factories.reading(
        db, config, nurse, sid, start + timedelta(minutes=8), systolic=185, diastolic=95
    )
    return sid


def figure_of(page: Page, graph_id: str) -> dict[str, Any]:
    """The plotly figure as drawn in the page: its traces and its full layout."""
    plot = page.locator(f"#{graph_id} .js-plotly-plot")
    expect(plot).to_be_attached(timeout=30_000)  # plotly.js loads on first use
    page.wait_for_function(
        f"document.querySelector('#{graph_id} .js-plotly-plot').data"
        f".some(t => (t.name || '').endsWith('excursion'))"
    )
    drawn: dict[str, Any] = plot.evaluate(
        "el => ({data: el.data.map(t => ({name: t.name, color: t.marker && t.marker.color,"
        " x: t.x})), layout: {yaxis2: el._fullLayout.yaxis2.range,"
        " ticks: Array.from(el.querySelectorAll('.xaxislayer-above text'))"
        "   .map(t => t.textContent)}})"
    )
    return drawn


def assert_truthful(figure: dict[str, Any]) -> None:
    marks = [t for t in figure["data"] if (t["name"] or "").endswith("excursion")]
    assert [t["name"] for t in marks] == ["high excursion"], marks  # one mark, not medium too
    assert figure["data"][-1]["name"] == "high excursion"  # drawn last: on top
    assert figure["data"][-1]["color"] == HIGH_RED
    assert figure["layout"]["yaxis2"] == [80, 100]
    ticks = figure["layout"]["ticks"]
    assert len(ticks) >= 2 and len(ticks) == len(set(ticks)), ticks  # no repeated "02:27"


def test_nrs060_bedside_trend_marks_high_in_red_on_top(
    page: Page, server: Server, config: Config
) -> None:
    high_reading_session(server, config)
    page.set_viewport_size(PORTRAIT)
    sign_in(page, server.url, "nurse")
    open_chair(page, server.url, config.clinic.chairs[0])
    assert_truthful(figure_of(page, "bed-trend"))


def test_dis020_session_record_timeline_and_complete_pdf(
    page: Page, server: Server, config: Config
) -> None:
    sid = high_reading_session(server, config)
    db, now = server.database, utcnow()
    nurse = factories.user(db, username="nurse2")
    factories.user(db, Role.PHYSICIAN, username="doctor")
    factories.event(db, nurse, sid, SessionEvent.PAUSE, now - timedelta(minutes=3), reason="Nausea")
    factories.event(db, nurse, sid, SessionEvent.RESUME, now - timedelta(minutes=2))
    factories.event(
        db, nurse, sid, SessionEvent.RATE_CHANGE, now - timedelta(minutes=1), rate_ml_per_h=30.0
    )
    factories.event(
        db, nurse, sid, SessionEvent.STOP_INFUSION, now, reason="Patient <anxious> & tearful"
    )
    sign_in(page, server.url, "doctor", target=f"/session/{sid}")
    assert_truthful(figure_of(page, "session-timeline"))

    response = page.request.get(f"{server.url}/session/{sid}/record.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.body())).pages]
    text = " ".join(texts)
    for expected in (
        "Infusion events",
        "Infusion paused Nausea",
        "Infusion resumed",
        "Rate changed 60 mL/h → 30 mL/h",
        "Infusion stopped early",
        "Patient <anxious> & tearful",
        f"page 1 of {len(texts)}",
        "high excursion",
    ):
        assert expected in text, expected
