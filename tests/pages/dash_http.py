"""Call a Dash callback the way a browser (or an attacker) does: a POST to its endpoint."""

from __future__ import annotations

import re
from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD

ENDPOINT = "/_dash-update-component"


def prepare(app: Dash) -> FlaskClient:
    """A test client with Dash's callback map built (it is built on the first request)."""
    client: FlaskClient = app.server.test_client()
    client.get("/login")
    return client


def login_token(client: FlaskClient) -> str:
    """Open the sign-in page the way the browser does (through Dash's page router) and read
    its CSRF token."""
    app = client.application.extensions["dash_app"]
    key = next(k for k in app.callback_map if "_pages_content" in k)
    response = client.post(
        ENDPOINT,
        json=body(app, key, {"_pages_location.pathname": "/login", "_pages_location.search": ""}),
    )
    token = find_csrf(response.get_json())
    assert token, "no CSRF token on the sign-in page"
    return token


def find_csrf(node: Any) -> str | None:
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("name") == "csrf_token":
            return str(props["value"])
        nodes: list[Any] = list(node.values())
    elif isinstance(node, list):
        nodes = node
    else:
        return None
    for child in nodes:
        found = find_csrf(child)
        if found:
            return found
    return None


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": login_token(client)},
    )
    assert response.status_code == 302 and "/login" not in response.headers["Location"], (
        response.headers.get("Location")
    )


def answer(response: TestResponse) -> Any:
    """A JSON response's body (failing the test if it has none)."""
    body = response.get_json(silent=True)
    assert body is not None, response.get_data(as_text=True)[:300]
    return body


def callback_key(app: Dash, output_fragment: str) -> str:
    """The callback with an output naming `output_fragment`; where the text is inside more
    than one key ("ae-message" in "board-ae-message"), the one whose output id starts
    with it."""
    keys: list[str] = [key for key in app.callback_map if output_fragment in key]
    if len(keys) > 1:
        starts = re.compile(r"(^|\.\.)" + re.escape(output_fragment))
        keys = [key for key in keys if starts.search(key)]
    assert len(keys) == 1, f"{output_fragment!r} matches {len(keys)} callbacks"
    return keys[0]


def _spec(dep: Any, values: dict[str, Any]) -> Any:
    if isinstance(dep["id"], dict):  # pattern-matching (ALL): here, no matching components
        return []
    name = f"{dep['id']}.{dep['property']}"
    return {"id": dep["id"], "property": dep["property"], "value": values.get(name)}


def _output(out: Any) -> Any:
    if isinstance(out.component_id, dict):
        return []
    return {"id": out.component_id, "property": out.component_property}


def body(app: Dash, key: str, values: dict[str, Any]) -> dict[str, Any]:
    callback = app.callback_map[key]
    declared = callback["output"]
    outputs: Any = (
        [_output(o) for o in declared] if isinstance(declared, list) else _output(declared)
    )
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [_spec(dep, values) for dep in callback["inputs"]],
        "state": [_spec(dep, values) for dep in callback["state"]],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in callback["inputs"]],
    }


def call(client: FlaskClient, app: Dash, output_fragment: str, values: dict[str, Any]) -> Any:
    key = callback_key(app, output_fragment)
    return client.post(ENDPOINT, json=body(app, key, values))


def open_page(client: FlaskClient, app: Dash, path: str) -> Any:
    """Navigate to `path` the way the browser does: through Dash's page router."""
    key = next(k for k in app.callback_map if "_pages_content" in k)
    values = {"_pages_location.pathname": path, "_pages_location.search": ""}
    response = client.post(ENDPOINT, json=body(app, key, values))
    assert response.status_code == 200, response.status_code
    return response.get_json()
