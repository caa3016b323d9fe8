"""What was given and what happened, at the bedside (issue 13): the adverse-event,
rescue-medication and ketamine cards, laid out under the pump and registered together.
Registered by monitor.pages.bedside."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash

from monitor.pages import bedside_adverse_events, bedside_ketamine, bedside_medications


def cards(session_id: int, actor: Any) -> Any:
    """The three cards in one row: events and medications side by side, then ketamine."""
    return dbc.Row(
        [
            dbc.Col(bedside_adverse_events.card_for(session_id, actor), lg=6),
            dbc.Col(bedside_medications.card_for(session_id, actor), lg=6),
            dbc.Col(bedside_ketamine.card_for(session_id, actor), lg=12),
        ],
        className="bed-interventions",
    )


def register_callbacks(app: Dash) -> None:
    bedside_adverse_events.register_callbacks(app)
    bedside_medications.register_callbacks(app)
    bedside_ketamine.register_callbacks(app)
