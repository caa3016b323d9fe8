"""No state change from another site. Every POST, PUT, PATCH or DELETE (callbacks, sign-in,
sign-out, "stay signed in") must come from this app's own pages, as the browser tells:
`Sec-Fetch-Site` must be `same-origin` (or `none`: the person typed it), and `Origin`, when
sent, must name the host the browser asked for. Either one saying otherwise is a 403.

A request carrying neither header is let through: every browser this app supports sends
`Origin` on a cross-site POST (and `Sec-Fetch-Site` over HTTPS), so such a request does not
come from a page another site runs in the victim's browser; it is a script or a test client
with its own credentials, which a cross-site check cannot and need not stop.

Only the host is compared, not the scheme: behind a TLS proxy the app sees http while the
browser's Origin says https. The proxy must pass the browser's Host header through
(nginx: `proxy_set_header Host $http_host;`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_SITE_FETCH = frozenset({"same-origin", "none"})


def refused(why: str) -> Response:
    return Response(f"Refused: {why}. Use this app's own pages.", status=403, mimetype="text/plain")


def _origin_host(origin: str) -> str | None:
    """`host[:port]` of an Origin header, or None for `null` and anything not http(s)."""
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        return None
    return parts.netloc.lower()


def refuse_cross_site() -> Any:
    """Before anything else acts on a state-changing request."""
    if request.method in SAFE_METHODS:
        return None
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site.lower() not in SAME_SITE_FETCH:
        return refused(f"a request from another site ({fetch_site})")
    origin = request.headers.get("Origin")
    if origin is not None and _origin_host(origin) != request.host.lower():
        return refused("a request from another origin")
    return None
