"""Nothing that can carry a patient's or a user's data is kept by a browser's or a proxy's
cache: every response says `Cache-Control: no-store`, except the app's static files (its
own assets and Dash's scripts and styles), which hold no data and stay cacheable. A page,
a callback's answer, the layout (it names the signed-in user), a PDF, a CSV, a redirect
and an error are all no-store."""

from __future__ import annotations

from flask import Response, request

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")


def is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


def forbid_caching(response: Response) -> Response:
    if not is_static(request.path):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
    return response
