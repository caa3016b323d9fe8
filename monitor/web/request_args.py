"""One parser for what a request carries: record ids in a URL, ids and lists sent by a
page's callbacks, the grid's row window, whole numbers in a query string.

The pages never send a malformed value, so one is a crafted request: it ends with a 4xx
(400 bad request; 404 when a URL names a record that cannot exist), never a 500 from a
conversion deep in a service."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort

MAX_ID = 2**31 - 1  # the largest id a table holds (a 32-bit integer key)
DIGITS_IN_AN_ID = 11  # more digits than any id can have: refused before int() reads them
DIGITS_IN_A_CHOICE = 9  # a staff member chosen in a filter


def not_found() -> NoReturn:
    """End the request with 404: the record asked for does not exist."""
    abort(404)


def bad_request() -> NoReturn:
    """End the request with 400: the page would never send this."""
    abort(400)


def _id_text(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= DIGITS_IN_AN_ID


def record_id(value: object) -> int | None:
    """A record id from a URL, or None when it cannot be one (so: not found)."""
    text = str(value)
    if _id_text(text) and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def int_arg(value: object) -> int:
    """A record id sent by the page; anything else is a malformed request (400), not a 500."""
    if isinstance(value, bool):
        bad_request()
    if isinstance(value, str) and _id_text(value):
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:  # a database id
        return value
    bad_request()


def list_arg(value: object) -> list[Any]:
    """A list the page sends (pattern-matching values); anything else is a bad request."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    bad_request()


def choice_id(value: Any) -> int | None:
    """A staff member's id chosen in a form or a query string, or None when there is none
    or it is not one (a filter then ignores it rather than refusing the page)."""
    text = str(value) if value not in (None, "") else ""
    return (
        int(text) if text.isascii() and text.isdigit() and len(text) <= DIGITS_IN_A_CHOICE else None
    )


def _whole(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        bad_request()
    return value


def row_window(start: Any, end: Any, *, block: int, most: int, last_row: int) -> tuple[int, int]:
    """The rows [start, end) a server-paged grid asks for: whole numbers from row 0, at most
    `most` rows, starting within `last_row` (a missing end: one `block`). The grid never
    asks otherwise, so anything else (row 2**63, a negative or reversed page, text) is a
    bad request, not a 500."""
    first = 0 if start is None else _whole(start)
    final = first + block if end is None else _whole(end)
    if not 0 <= first <= last_row or not first < final <= first + most:
        bad_request()
    return first, final
