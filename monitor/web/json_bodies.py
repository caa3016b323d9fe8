"""A JSON body is checked once, before anything else reads it: it must parse, nest no deeper
than any screen of this app sends, and hold only text that can be stored (no lone UTF-16
surrogate such as "\\udcff", no NUL: monitor.web.storable_text).
Anything else is a 400 with a message, instead of a 500 deep inside Dash or a service."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from monitor.domain.free_text import unstorable

# Dash callback bodies nest a few levels (body, inputs list, one input, its value: a grid's
# filter model or a list of ids); 64 leaves room for any component tree sent as state.
MAX_DEPTH = 64


class Refused(ValueError):
    """Why the body cannot be used, in words for the person who sent it."""


def bad_json(reason: str) -> Response:
    return Response(f"Malformed request: {reason}.", status=400, mimetype="text/plain")


def check_value(value: Any) -> None:
    """Walk the parsed body without recursion: depth, and text that UTF-8 can hold."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            reason = unstorable(node)
            if reason:
                raise Refused(reason)
        elif isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                raise Refused(f"JSON nested deeper than {MAX_DEPTH} levels")
            if isinstance(node, dict):
                for key, item in node.items():
                    stack.append((key, depth))
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def parse(raw: bytes) -> Any:
    """The body's value, or Refused: not JSON, nested too deep, or unstorable text."""
    try:
        value = json.loads(raw)
    except RecursionError as exc:
        raise Refused(f"JSON nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:  # also invalid UTF-8 (UnicodeDecodeError)
        raise Refused("the body is not valid JSON") from exc
    check_value(value)
    return value


def refuse_bad_json() -> Any:
    """Before the sign-in guard and Dash read a JSON body (after its size was checked)."""
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    raw = request.get_data(cache=True)  # bounded by body_limits; kept for get_json
    if not raw:
        return None
    try:
        parse(raw)
    except Refused as refused:
        return bad_json(str(refused))
    return None
