"""Hostile input on the staff screen and the password page: whatever arrives, no 500, no
stack trace, and no user stored with a name the rules refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dash import Dash
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.db.engine import Database
from monitor.db.models import User
from monitor.domain.permissions import Role
from monitor.services.people import MAX_FULL_NAME, USERNAME
from monitor.ui.staff_view import StaffIds
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in
from tests.test_fuzz import FUZZ, INJECTION, anything

BUTTONS = [
    StaffIds.CREATE,
    StaffIds.ROLE_SAVE,
    StaffIds.DEACTIVATE,
    StaffIds.REACTIVATE,
    StaffIds.RESET,
    StaffIds.UNLOCK,
]
names = st.one_of(anything, st.sampled_from(INJECTION), st.text(min_size=1, max_size=80))


@pytest.fixture
def admin_world(app: Dash, database: Database) -> Iterator[dict[str, Any]]:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    clients = {}
    for who in (admin, nurse):
        client = prepare(app)
        sign_in(client, who.username)
        clients[who.role.value] = client
    yield {"app": app, "clients": clients, "nurse": nurse, "database": database}


def send(
    world: dict[str, Any], role: str, output: str, values: dict[str, Any], button: str
) -> None:
    app: Dash = world["app"]
    payload = body(app, callback_key(app, output), values)
    payload["changedPropIds"] = [f"{button}.n_clicks"]
    for item in payload["inputs"]:
        item["value"] = 1 if item["id"] == button else None
    response = world["clients"][role].post(ENDPOINT, json=payload)
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (output, values, text[:300])
    assert "Traceback" not in text


def assert_users_plausible(database: Database) -> None:
    with database.session_scope() as db:
        for user in db.scalars(select(User)):
            assert USERNAME.match(user.username), user.username
            assert user.full_name.strip() == user.full_name
            assert 0 < len(user.full_name) <= MAX_FULL_NAME
            assert user.role in {r.value for r in Role}


@FUZZ
@given(
    button=st.sampled_from(BUTTONS),
    user=st.one_of(anything, st.sampled_from(["1", "2", "3", ""])),
    role=anything,
    username=names,
    full_name=names,
    password=anything,
)
def test_staff_screen(
    admin_world: dict[str, Any],
    button: str,
    user: Any,
    role: Any,
    username: Any,
    full_name: Any,
    password: Any,
) -> None:
    send(
        admin_world,
        "admin",
        f"{StaffIds.ACTION_MESSAGE}.children",
        {
            f"{StaffIds.USER}.value": user,
            f"{StaffIds.ROLE}.value": role,
            f"{StaffIds.RESET_PASSWORD}.value": password,
            f"{StaffIds.NEW_USERNAME}.value": username,
            f"{StaffIds.NEW_NAME}.value": full_name,
            f"{StaffIds.NEW_ROLE}.value": role,
            f"{StaffIds.NEW_PASSWORD}.value": password,
        },
        button,
    )
    assert_users_plausible(admin_world["database"])


@FUZZ
@given(current=anything, new=anything, repeat=st.one_of(anything, st.just(None)))
def test_password_page(admin_world: dict[str, Any], current: Any, new: Any, repeat: Any) -> None:
    send(
        admin_world,
        "nurse",
        "acct-message.children",
        {"acct-current.value": current, "acct-new.value": new, "acct-repeat.value": repeat},
        "acct-save",
    )
