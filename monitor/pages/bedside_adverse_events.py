"""The bedside's adverse events card (issue 13). Registered by monitor.pages.bedside_interventions.

A placeholder until its builder lands: the card is empty and registers no callback."""

from __future__ import annotations

from typing import Any

from dash import Dash, html


def card_for(session_id: int, actor: Any) -> Any:
    """The card for the panel's layout."""
    return html.Div()


def register_callbacks(app: Dash) -> None:
    """The card's callbacks."""
