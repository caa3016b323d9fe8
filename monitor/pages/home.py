"""The landing page: the screens this user's role may open."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Dash, html

from monitor import auth

PATH = "/"
NAME = "Home"
ROLES = ("nurse", "physician", "auditor", "admin")
IN_NAV = False


def layout(**_: Any) -> Any:
    actor = auth.current_actor()
    screens = [
        dbc.ListGroupItem(page["name"], href=page["relative_path"], action=True)
        for page in dash.page_registry.values()
        if page.get("in_nav") and actor and actor.role.value in (page.get("roles") or ())
    ]
    body = (
        dbc.ListGroup(screens, tag="div")  # links, not list items: a <ul> may hold only <li>
        if screens
        else dbc.Alert("No screens are open to your role in this release.", color="secondary")
    )
    name = actor.full_name if actor else ""
    return html.Div([html.H1(f"Welcome, {name}", className="h3"), body])


def register_callbacks(app: Dash) -> None:
    """The home page has no callbacks."""
