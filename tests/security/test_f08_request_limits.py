"""Finding 8: no request-size limit, and anonymous bodies were parsed (a 300 MB JSON body
from no one was read and parsed: 220 -> 839 MB, then 500). A body larger than
`security.max_request_bytes` is refused 413 on its declared length before a byte is read;
a chunked body is cut off at the limit; someone not signed in is read no more than the
sign-in page sends; JSON nested deeper than any screen sends is a 400."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import pytest
from dash import Dash
from flask.testing import FlaskClient

from monitor.db.engine import Database
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

ROLES = ("anonymous", "nurse", "physician", "auditor", "admin")
HUGE = 300 * 1024 * 1024
LIMIT = 1_048_576  # security.max_request_bytes in config.yaml


class Source(io.RawIOBase):
    """A request body of `size` bytes made on demand, counting what the server reads."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking to its end
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = offset + (self.size if whence == io.SEEK_END else 0)
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer)
        n = max(0, min(len(view), self.size - self.position))
        view[:n] = b" " * n
        self.position += n
        self.read_bytes += n
        return n


def client_as(app: Dash, database: Database, role: str) -> FlaskClient:
    client = prepare(app)
    if role != "anonymous":
        sign_in(client, factories.user(database, Role(role)).username)
    return client


def router_body(app: Dash, search: str = "") -> dict[str, object]:
    key = callback_key(app, "_pages_content")
    return body(app, key, {"_pages_location.pathname": "/login", "_pages_location.search": search})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [ENDPOINT, "/auth/login", "/auth/logout", "/auth/stay"])
def test_a_body_over_the_limit_is_refused_unread(
    app: Dash, database: Database, role: str, path: str
) -> None:
    client = client_as(app, database, role)
    source = Source(HUGE)
    response = client.post(
        path,
        input_stream=source,
        content_type="application/json",
    )
    assert response.status_code == 413, response.get_data(as_text=True)[:200]
    assert "at most 1,048,576 bytes" in response.get_data(as_text=True)
    assert source.read_bytes == 0


@pytest.mark.parametrize("role", ["nurse", "physician", "auditor", "admin"])
def test_a_chunked_body_is_cut_off_at_the_limit(app: Dash, database: Database, role: str) -> None:
    """No Content-Length (Transfer-Encoding: chunked): read only up to the limit."""
    client = client_as(app, database, role)
    source = Source(3 * LIMIT)
    response = client.post(
        ENDPOINT,
        input_stream=source,
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert source.read_bytes <= LIMIT + 64 * 1024


def test_someone_not_signed_in_is_read_no_more_than_the_sign_in_page_sends(
    app: Dash, database: Database
) -> None:
    anonymous = client_as(app, database, "anonymous")
    padded = json.dumps(router_body(app, "?next=/" + "x" * 40_000)).encode()
    source = Source(len(padded))
    response = anonymous.post(
        ENDPOINT,
        input_stream=source,
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "Sign in first" in response.get_data(as_text=True)
    assert source.read_bytes == 0
    chunked = Source(len(padded))
    response = anonymous.post(
        ENDPOINT,
        input_stream=chunked,
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 401
    assert chunked.read_bytes <= 16 * 1024 + 64 * 1024
    # the same body from a signed-in nurse is an ordinary (if odd) page request
    nurse = client_as(app, database, "nurse")
    assert nurse.post(ENDPOINT, data=padded, content_type="application/json").status_code == 200


def test_the_sign_in_page_still_works_for_someone_not_signed_in(
    app: Dash, database: Database
) -> None:
    nurse = factories.user(database, Role.NURSE)
    client = prepare(app)
    sign_in(client, nurse.username)  # the page router's callback, then the form
    assert client.get("/auth/me").get_json()["signed_in"] is True


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


@pytest.mark.parametrize("role", ROLES)
def test_deep_nesting_is_refused(app: Dash, database: Database, role: str) -> None:
    client = client_as(app, database, role)
    payload = router_body(app)
    text = json.dumps(payload).replace('"search", "value": ""', '"search", "value": DEEP')
    deep = text.replace("DEEP", nested(200).decode())
    response = client.post(ENDPOINT, data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.get_data(as_text=True)
    shallow = text.replace("DEEP", '"?a=1"')
    assert client.post(ENDPOINT, data=shallow, content_type="application/json").status_code == 200
