"""The staff screen and the password page: the administrator's forms and the list of users,
and everyone's own password change. Ids are prefixed `staff-` and `acct-`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.permissions import Role

if TYPE_CHECKING:
    from monitor.services.staff import StaffRow

ROLE_OPTIONS = [{"label": role.value.title(), "value": role.value} for role in Role]


class StaffIds:
    USER = "staff-user"
    ROLE = "staff-role"
    ROLE_SAVE = "staff-role-save"
    DEACTIVATE = "staff-deactivate"
    REACTIVATE = "staff-reactivate"
    RESET_PASSWORD = "staff-reset-password"
    RESET = "staff-reset"
    UNLOCK = "staff-unlock"
    ACTION_MESSAGE = "staff-action-message"
    NEW_USERNAME = "staff-new-username"
    NEW_NAME = "staff-new-name"
    NEW_ROLE = "staff-new-role"
    NEW_PASSWORD = "staff-new-password"
    CREATE = "staff-create"
    CREATE_MESSAGE = "staff-create-message"
    TABLE = "staff-table"


class AccountIds:
    CURRENT = "acct-current"
    NEW = "acct-new"
    REPEAT = "acct-repeat"
    SAVE = "acct-save"
    MESSAGE = "acct-message"
    REDIRECT = "acct-redirect"


def _field(label: str, component: Any, field_id: str, hint: str | None = None) -> html.Div:
    parts = [dbc.Label(label, html_for=field_id), component]
    if hint:
        parts.append(dbc.FormText(hint))
    return html.Div(parts, className="mb-3")


def _input(field_id: str, kind: str = "text", autocomplete: str = "off") -> dbc.Input:
    return dbc.Input(id=field_id, type=kind, autoComplete=autocomplete, className="touch-input")


def _select(
    field_id: str, options: list[dict[str, str]], value: str | None = None, placeholder: str = ""
) -> Any:
    return dbc.Select(
        id=field_id,
        options=options,
        value=value,
        placeholder=placeholder or None,
        className="touch-input",
    )


def user_options(rows: Sequence[StaffRow]) -> list[dict[str, str]]:
    return [{"label": f"{row.full_name} ({row.username})", "value": str(row.id)} for row in rows]


def standing(row: StaffRow) -> str:
    words = ["active" if row.active else "deactivated"]
    if row.must_change_password:
        words.append("temporary password")
    if row.locked:
        words.append("locked")
    return ", ".join(words)


def table(rows: Sequence[StaffRow]) -> Any:
    head = html.Thead(
        html.Tr([html.Th(t, scope="col") for t in ("Username", "Name", "Role", "Standing")])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row.username),
                    html.Td(row.full_name),
                    html.Td(row.role.value),
                    html.Td(standing(row), className="" if row.active else "text-body-secondary"),
                ],
                id=f"staff-row-{row.username}",
            )
            for row in rows
        ]
    )
    return dbc.Table([head, body], striped=True, hover=True, responsive=True, className="mt-2")


def _manage_card(rows: Sequence[StaffRow]) -> Any:
    buttons = {"className": "me-2 mb-2"}
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Manage a user", className="h5"),
                html.Div(id=StaffIds.ACTION_MESSAGE, role="status"),
                _field(
                    "User",
                    _select(StaffIds.USER, user_options(rows), placeholder="Choose a user"),
                    StaffIds.USER,
                ),
                _field(
                    "New role",
                    _select(StaffIds.ROLE, ROLE_OPTIONS, placeholder="Choose a role"),
                    StaffIds.ROLE,
                ),
                dbc.Button("Change role", id=StaffIds.ROLE_SAVE, color="primary", **buttons),
                dbc.Button("Deactivate", id=StaffIds.DEACTIVATE, color="danger", **buttons),
                dbc.Button("Reactivate", id=StaffIds.REACTIVATE, color="secondary", **buttons),
                dbc.Button("Unlock sign-in", id=StaffIds.UNLOCK, color="secondary", **buttons),
                _field(
                    "Temporary password",
                    _input(StaffIds.RESET_PASSWORD, "password", "new-password"),
                    StaffIds.RESET_PASSWORD,
                    "They must change it at their next sign-in; their open sign-ins end.",
                ),
                dbc.Button("Reset password", id=StaffIds.RESET, color="warning", **buttons),
            ]
        ),
        className="mb-3",
    )


def _create_card() -> Any:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Add a user", className="h5"),
                html.Div(id=StaffIds.CREATE_MESSAGE, role="status"),
                _field(
                    "Username",
                    _input(StaffIds.NEW_USERNAME),
                    StaffIds.NEW_USERNAME,
                    "Lowercase letters, digits, dots, dashes or underscores.",
                ),
                _field("Printed name", _input(StaffIds.NEW_NAME), StaffIds.NEW_NAME),
                _field(
                    "Role", _select(StaffIds.NEW_ROLE, ROLE_OPTIONS, "nurse"), StaffIds.NEW_ROLE
                ),
                _field(
                    "Temporary password",
                    _input(StaffIds.NEW_PASSWORD, "password", "new-password"),
                    StaffIds.NEW_PASSWORD,
                    "Give it to them in person; they choose their own at first sign-in.",
                ),
                dbc.Button("Add user", id=StaffIds.CREATE, color="primary"),
            ]
        ),
        className="mb-3",
    )


def staff_page(rows: Sequence[StaffRow]) -> Any:
    return html.Div(
        [
            html.H1("Staff", className="h3"),
            dbc.Row(
                [
                    dbc.Col(_manage_card(rows), md=6),
                    dbc.Col(_create_card(), md=6),
                ]
            ),
            html.H2("Users", className="h5"),
            html.Div(table(rows), id=StaffIds.TABLE),
        ]
    )


def account_page(forced: bool) -> Any:
    intro = (
        dbc.Alert(
            "Your password is temporary: choose your own before you go on.",
            color="info",
            id="acct-forced",
        )
        if forced
        else None
    )
    return dbc.Row(
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H1("Change your password", className="h3 mb-3"),
                        intro,
                        html.Div(id=AccountIds.MESSAGE, role="status"),
                        _field(
                            "Current password",
                            _input(AccountIds.CURRENT, "password", "current-password"),
                            AccountIds.CURRENT,
                        ),
                        _field(
                            "New password",
                            _input(AccountIds.NEW, "password", "new-password"),
                            AccountIds.NEW,
                            "At least the length the clinic asks for; not your username.",
                        ),
                        _field(
                            "New password again",
                            _input(AccountIds.REPEAT, "password", "new-password"),
                            AccountIds.REPEAT,
                        ),
                        dbc.Button(
                            "Change password",
                            id=AccountIds.SAVE,
                            color="primary",
                            className="w-100",
                        ),
                        dcc.Location(id=AccountIds.REDIRECT, refresh=True),
                    ]
                )
            ),
            xs=12,
            sm=10,
            md=7,
            lg=5,
        ),
        justify="center",
        className="mt-3",
    )
