"""How much of a request body the server reads: nothing above `security.max_request_bytes`
(413), and, from someone not signed in, nothing above what the sign-in page itself ever
sends (401), decided on the Content-Length before a byte is read. A body streamed without
a Content-Length (chunked) is read here, up to the limit and no further, and refused the
same way if it reaches it; later readers get the bytes kept from this one read."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from monitor import auth

# The largest body anyone not signed in has reason to send: the sign-in form, and the page
# router's callback that draws the sign-in page (its URL and query, a few hundred bytes;
# a browser keeps a URL under 8 KB). Tablets left signed out keep polling with small bodies
# too; anything larger answers "sign in first", as every callback would after parsing.
ANONYMOUS_MAX_BYTES = 16 * 1024


def too_large(limit: int) -> Response:
    return Response(
        f"Request too large: this server accepts at most {limit:,} bytes.",
        status=413,
        mimetype="text/plain",
    )


def sign_in_first() -> Response:
    return Response(
        "Sign in first: a request this large is read only from someone signed in.",
        status=401,
        mimetype="text/plain",
    )


def refuse_large_bodies() -> Any:
    """Before any hook reads the body: refuse it on its declared length, and bound a body
    that declares none (werkzeug then stops reading at the limit)."""
    overall: int = current_app.config["MAX_CONTENT_LENGTH"]
    length = request.content_length
    if length is not None and length > overall:
        return too_large(overall)
    anonymous = auth.current_actor() is None and overall > ANONYMOUS_MAX_BYTES
    limit = ANONYMOUS_MAX_BYTES if anonymous else overall
    if anonymous:
        if length is not None and length > limit:
            return sign_in_first()
        request.max_content_length = limit
        g.anonymous_body_limit = True
    streamed = "Transfer-Encoding" in request.headers  # chunked: no Content-Length
    # werkzeug stops reading a chunked body at the limit without saying whether more was
    # coming: a body that fills the limit is taken as one that ran past it.
    if (
        streamed
        and length is None
        and request.environ.get("wsgi.input_terminated")
        and len(request.get_data(cache=True)) >= limit
    ):
        return sign_in_first() if anonymous else too_large(overall)
    return None


def answer_too_large(_error: RequestEntityTooLarge) -> Response:
    """A streamed body that ran past its limit while read (or werkzeug's own check)."""
    if g.get("anonymous_body_limit"):
        return sign_in_first()
    return too_large(current_app.config["MAX_CONTENT_LENGTH"])


def install(server: Flask, max_request_bytes: int) -> None:
    """Call before any other before-request hook is registered: this one must run first."""
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes
    server.before_request(refuse_large_bodies)
    server.register_error_handler(RequestEntityTooLarge, answer_too_large)
