"""The frame around every page: navbar from the page registry filtered by role, theme switch."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.services.actors import Actor
from monitor.ui.ids import Shell


def _allowed(page: dict[str, Any], actor: Actor | None) -> bool:
    roles = page.get("roles")
    return (
        bool(page.get("in_nav"))
        and actor is not None
        and (roles is None or actor.role.value in roles)
    )


def navbar(clinic_name: str, actor: Actor | None) -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if _allowed(page, actor)
    ]
    right: list[Any] = [
        dbc.Button(
            "☾ / ☀",
            id=Shell.THEME_TOGGLE,
            color="secondary",
            outline=True,
            className="me-2",
            title="Switch between low-light and light theme",
        ),
    ]
    if actor is not None:
        right += [
            html.Span(
                f"{actor.full_name} · {actor.role.value}",
                className="navbar-text me-3",
                id="shell-user",
            ),
            html.Form(
                dbc.Button(
                    "Sign out", type="submit", color="secondary", outline=True, id="shell-signout"
                ),
                action="/auth/logout",
                method="POST",
                className="m-0",
            ),
        ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(clinic_name, href="/"),
                dbc.Nav(links, navbar=True, className="me-auto"),
                html.Div(right, className="d-flex align-items-center"),
            ],
            fluid=True,
        ),
        className="mb-3 shell-navbar",
        color="body-tertiary",
        dark=False,  # text colours follow data-bs-theme (navbar-dark was white on light grey)
    )


def frame(clinic_name: str, actor: Actor | None) -> html.Div:
    """The whole page: theme store, navbar, and Dash's page container."""
    return html.Div(
        [
            dcc.Store(id=Shell.THEME, storage_type="local"),
            navbar(clinic_name, actor),
            dbc.Container(dash.page_container, fluid=True, className="pb-4"),
        ]
    )
