"""Text a request may carry: what UTF-8 and both databases can hold. A lone UTF-16 surrogate
("\\udcff", which JSON and URLs can spell) cannot be encoded, and PostgreSQL refuses a NUL
character in any text; either would fail deep inside a service as a 500, so a request
holding one is refused at the door with a 400 that says why."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from monitor.domain.free_text import unstorable


def refuse_unstorable_fields() -> Any:
    """The query string and a submitted form (the sign-in form) hold only storable text."""
    fields = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += list(request.form.items(multi=True))
    for name, value in fields:
        reason = unstorable(name) or unstorable(value)
        if reason:
            return Response(f"Malformed request: {reason}.", status=400, mimetype="text/plain")
    return None
