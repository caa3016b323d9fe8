"""The CADSS card as a form a nurse can give: every item's prompt and the 0–4 anchors, from
config, as large labelled buttons grouped so a screen reader names the item."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash import html

from monitor.config import Config
from monitor.ui.bedside.panel import session_panel
from monitor.ui.components import cadss_items, cadss_legend
from monitor.ui.ids import Bedside


def walk(node: Any) -> Iterator[Any]:
    """Every component under node (children, and components inside option labels)."""
    if isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
        return
    if not hasattr(node, "to_plotly_json"):
        return
    yield node
    yield from walk(getattr(node, "children", None))
    for option in getattr(node, "options", None) or []:
        if isinstance(option, dict):
            yield from walk(option.get("label"))


def text(node: Any) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, list | tuple):
        return " ".join(text(n) for n in node)
    return text(getattr(node, "children", "") or "")


def by_id(root: Any, wanted: Any) -> Any:
    return next(n for n in walk(root) if getattr(n, "id", None) == wanted)


def test_each_item_shows_number_prompt_and_anchor_buttons(config: Config) -> None:
    form = config.default_protocol.ratings.cadss_form
    items = form.prompts("CADSS-6")
    rows = cadss_items(items, form.anchors)
    assert len(rows) == 6
    for row, item in zip(rows, items, strict=True):
        prompt = by_id(row, f"bed-cadss-prompt-{item.number}")
        assert text(prompt) == f"Item {item.number}: {item.prompt}"
        group = next(n for n in walk(row) if getattr(n, "role", None) == "radiogroup")
        assert group.to_plotly_json()["props"]["aria-labelledby"] == prompt.id
        picker = by_id(row, {"type": Bedside.CADSS_ITEM, "item": item.number})
        assert [o["value"] for o in picker.options] == [0, 1, 2, 3, 4]
        assert [text(o["label"]) for o in picker.options] == [
            "0 Not at all",
            "1 Slightly",
            "2 Moderately",
            "3 Considerably",
            "4 Extremely",
        ]


def test_the_prompts_are_the_configured_ones_not_a_placeholder(config: Config) -> None:
    form = config.default_protocol.ratings.cadss_form
    rows = cadss_items(form.prompts("CADSS-23"), form.anchors)
    prompts = [text(by_id(row, f"bed-cadss-prompt-{n}")) for n, row in enumerate(rows, start=1)]
    assert len(prompts) == 23
    assert prompts[5] == f"Item 6: {form.items[6]}"
    assert not any("(0–4)" in p or p.endswith(": ") for p in prompts)


def test_legend_lists_every_anchor_with_its_score() -> None:
    legend = cadss_legend(["Not at all", "Slightly", "Moderately", "Considerably", "Extremely"])
    assert isinstance(legend, html.Div)
    assert " ".join(text(legend).split()) == (
        "Scores: 0 Not at all 1 Slightly 2 Moderately 3 Considerably 4 Extremely"
    )


def test_bedside_card_carries_version_legend_items_and_source(config: Config) -> None:
    protocol = config.default_protocol
    panel = session_panel("Chair 1", 1, protocol, 15000, ("r", "e", "c", "x"))
    card = by_id(panel, Bedside.CADSS_CARD)
    assert "CADSS-6" in text(card)
    assert by_id(card, "bed-cadss-legend") is not None
    numbers = [
        n.id["item"]
        for n in walk(card)
        if isinstance(getattr(n, "id", None), dict) and n.id.get("type") == Bedside.CADSS_ITEM
    ]
    assert numbers == [1, 2, 6, 7, 15, 22]
    assert "Bremner" in text(card) and "Rodrigues" in text(card)
