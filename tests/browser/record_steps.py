"""Steps of reading what was given and what happened, as Playwright actions: the marks a
chart draws in its lane, and a record section's text."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def lane_marks(page: Page, graph_id: str) -> dict[str, list[str]]:
    """The adverse-event and medication marks the chart draws (its marker lane, y4): each
    trace's name with its hover words, once plotly has drawn them."""
    plot = page.locator(f"#{graph_id} .js-plotly-plot")
    expect(plot).to_be_attached(timeout=30_000)  # plotly.js loads on first use
    page.wait_for_function(
        f"document.querySelector('#{graph_id} .js-plotly-plot').data.some(t => t.yaxis === 'y4')"
    )
    marks: dict[str, list[str]] = plot.evaluate(
        "el => Object.fromEntries(el.data.filter(t => t.yaxis === 'y4')"
        ".map(t => [t.name, Array.from(t.hovertext)]))"
    )
    return marks


def lane_is_drawn(page: Page, graph_id: str) -> int:
    """How many marker points plotly drew in the lane (SVG), so a mark is seen, not only
    present in the data."""
    return int(
        page.locator(f"#{graph_id} .js-plotly-plot").evaluate(
            "el => el.querySelectorAll('.scatterlayer .trace .points path').length"
        )
    )


def section_text(page: Page, section_id: str) -> str:
    section = page.locator(f"#{section_id}")
    expect(section).to_be_visible()
    return " ".join(section.inner_text().split())
