"""Accessibility checks with axe-core, run in the real page in both themes.

axe-core comes from the npm registry at a pinned version (`make axe-core`, run by `make
test`) and is read from disk: nothing is fetched by the browser. It is evaluated in the page
through Playwright (the DevTools protocol), not as an inline <script>, so the app's CSP, which
allows only this server's own scripts, stays as it is in production.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from monitor.config import REPO_ROOT

AXE_VERSION = "4.10.3"  # keep in step with AXE_VERSION in the Makefile
AXE_JS = Path(
    os.environ.get("MONITOR_AXE_JS", REPO_ROOT / ".venv" / f"axe-core-{AXE_VERSION}" / "axe.min.js")
)
THEMES = ("dark", "light")
FAILING_IMPACTS = ("serious", "critical")
# WCAG 2.0/2.1/2.2 levels A and AA; color-contrast is among the wcag2aa rules.
RUN_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations", "incomplete"],
}
# axe leaves two kinds of failing contrast "to review" rather than failing them: text at 1:1 with
# its background (the light navbar was white on white) and single characters below the ratio
# (the MOAA/S and CADSS buttons are digits). Both are failures here.
FAILING_REVIEWS = ("equalRatio", "shortTextContent")
# Findings in third-party components that are not failures, each with its reason.
KNOWN: dict[tuple[str, str], str] = {
    ("aria-hidden-focus", ".dash-dropdown-focus-target"): (
        "Dash's dropdown: a hidden input that hands focus straight to the dropdown's button, "
        "the pattern axe-core is to mark 'needs review' (dequelabs/axe-core#4165)"
    ),
    # The open menu of Dash 4's dcc.Dropdown: its listbox has no name and each option is a
    # <label role="option"> around its own checkbox input. Neither can be set from the app;
    # they are Dash's to fix (or the app's, by replacing the component).
    ("aria-input-field-name", ".dash-options-list"): "Dash dropdown: unnamed listbox",
    ("nested-interactive", ".dash-options-list-option"): "Dash dropdown: input in an option",
}


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(
            f"axe-core {AXE_VERSION} is missing at {AXE_JS}: run `make axe-core` "
            "(part of `make test`), or point MONITOR_AXE_JS at axe.min.js"
        )
    return AXE_JS.read_text(encoding="utf-8")


def theme(page: Page) -> str:
    return str(page.evaluate("document.documentElement.getAttribute('data-bs-theme') || 'dark'"))


def set_theme(page: Page, name: str) -> None:
    """The same attribute the navbar's theme switch sets (monitor/app.py)."""
    page.evaluate("t => document.documentElement.setAttribute('data-bs-theme', t)", name)
    # two frames, so styles are recomputed before axe reads them
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations of WCAG 2 A/AA on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        version = page.evaluate("window.axe.version")
        assert version == AXE_VERSION, f"axe-core {version} loaded, {AXE_VERSION} pinned"
    # Bootstrap drops its colour transitions under reduced motion, so axe reads final colours.
    page.emulate_media(reduced_motion="reduce")
    result = _run(page)
    found = []
    for violation in result["violations"]:
        nodes = [n for n in violation["nodes"] if not _known(violation["id"], n)]
        if violation.get("impact") in FAILING_IMPACTS and nodes:
            found.append({**violation, "nodes": nodes})
    for review in result["incomplete"]:
        if review["id"] != "color-contrast":
            continue
        nodes = [n for n in review["nodes"] if _review_key(n) in FAILING_REVIEWS]
        if nodes:
            found.append({**review, "id": "color-contrast (review)", "nodes": nodes})
    return found


def _run(page: Page) -> dict[str, Any]:
    """axe.run, once more if the page re-rendered under it (a poll may replace nodes)."""
    try:
        return dict(page.evaluate("o => window.axe.run(document, o)", RUN_OPTIONS))
    except PlaywrightError:
        page.wait_for_timeout(500)
        return dict(page.evaluate("o => window.axe.run(document, o)", RUN_OPTIONS))


def _known(rule: str, node: dict[str, Any]) -> bool:
    return any(
        rule == known_rule and str(target).startswith(selector)
        for target in node.get("target", [])
        for known_rule, selector in KNOWN
    )


def _review_key(node: dict[str, Any]) -> str | None:
    """The reason axe gave, when it measured both colours (not for text over an image)."""
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and data.get("fgColor") and data.get("bgColor"):
            return str(data.get("messageKey"))
    return None


def _summary(node: dict[str, Any]) -> str:
    if _review_key(node) not in FAILING_REVIEWS:
        return " ".join(str(node.get("failureSummary", "")).split())
    data = next((c.get("data") or {} for c in node.get("any", [])), {})
    return (
        f"contrast {data.get('contrastRatio')}:1 (foreground {data.get('fgColor')}, background "
        f"{data.get('bgColor')}, {data.get('fontSize')}, {data.get('fontWeight')}); expected "
        f"{data.get('expectedContrastRatio')}"
    )


def describe(found: list[dict[str, Any]]) -> list[str]:
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            summary = _summary(node)
            lines.append(
                f"{violation['id']} ({violation['impact']}) at {node['target']}: {summary}"
            )
    return lines


def check_both_themes(page: Page) -> dict[str, list[str]]:
    """Each theme's serious/critical violations; the page is left in the theme it was in."""
    original = theme(page)
    found: dict[str, list[str]] = {}
    try:
        for name in (original, *[t for t in THEMES if t != original]):
            set_theme(page, name)
            found[name] = describe(violations(page))
    finally:
        set_theme(page, original)
    return found


def assert_accessible(page: Page, label: str = "") -> None:
    """Fail listing every serious or critical axe violation, in the dark and light themes."""
    found = check_both_themes(page)
    problems = [f"[{name}] {line}" for name, lines in found.items() for line in lines]
    where = label or page.url
    assert not problems, f"accessibility ({where}): {len(problems)} serious/critical\n" + (
        "\n".join(problems)
    )
