"""The sign-in page: a plain form posted to /auth/login, so the password never enters a callback."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, html
from flask_wtf.csrf import generate_csrf

PATH = "/login"
NAME = "Sign in"
ROLES = None  # anyone
IN_NAV = False


MESSAGES = {
    "1": "Username or password not recognised.",
    "locked": "Too many failed attempts: this username is locked for a while. Ask a "
    "colleague or the administrator if you need it now.",
    "expired": "The sign-in form expired: please sign in again.",
    "idle": "Signed out after a period without use.",
}


def layout(error: str | None = None, next: str | None = None, **_: Any) -> Any:  # noqa: A002
    message = (
        dbc.Alert(
            MESSAGES.get(error, MESSAGES["1"]),
            color="warning" if error == "idle" else "danger",
            id="login-error",
        )
        if error
        else None
    )
    return dbc.Row(
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H1("Sign in", className="h3 mb-3"),
                        message,
                        html.Form(
                            [
                                dbc.Label("Username", html_for="login-username"),
                                dbc.Input(
                                    id="login-username",
                                    name="username",
                                    type="text",
                                    autoFocus=True,
                                    autoComplete="username",
                                    required=True,
                                    className="mb-3",
                                ),
                                dbc.Label("Password", html_for="login-password"),
                                dbc.Input(
                                    id="login-password",
                                    name="password",
                                    type="password",
                                    autoComplete="current-password",
                                    required=True,
                                    className="mb-3",
                                ),
                                dbc.Input(type="hidden", name="next", value=next or ""),
                                dbc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
                                dbc.Button(
                                    "Sign in",
                                    type="submit",
                                    color="primary",
                                    className="w-100",
                                    id="login-submit",
                                ),
                            ],
                            action="/auth/login",
                            method="POST",
                        ),
                    ]
                )
            ),
            xs=12,
            sm=8,
            md=6,
            lg=4,
        ),
        justify="center",
        className="mt-5",
    )


def register_callbacks(app: Dash) -> None:
    """The sign-in page has no callbacks."""
