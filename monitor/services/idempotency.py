"""Store a submission once, however often it arrives: a double tap or a retry replays the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.db.engine import Database
from monitor.db.repositories import Keyed, by_idempotency_key
from monitor.services.errors import Conflict, FieldProblem, InvalidEntry

Result = TypeVar("Result")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Keys the server makes for its own writes (the stop event of an early end); a client's key
# may never take their shape, or a crafted pause could pass for an end already done.
EARLY_END_KEY_PREFIX = "end-early-"  # + the session id: early_end.END_EARLY_KEY
RESERVED_PREFIXES = (EARLY_END_KEY_PREFIX,)


def check_key(key: str) -> str:
    """Refuse a missing or malformed idempotency key: without one a retry could store twice."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or key.startswith(RESERVED_PREFIXES):
        raise InvalidEntry(
            [
                FieldProblem(
                    "idempotency_key",
                    "The form lost its submission key: reload the page and enter the values again",
                )
            ]
        )
    return key


def run_once(
    database: Database,
    model: type[Keyed],
    key: str,
    *,
    write: Callable[[Session], Result],
    replay: Callable[[Session, Keyed], Result],
) -> Result:
    """Run `write` in one transaction unless a row with this key exists; then `replay` it."""
    check_key(key)
    try:
        with database.session_scope() as db:
            prior = by_idempotency_key(db, model, key)
            if prior is not None:
                return replay(db, prior)
            return write(db)
    except IntegrityError:
        # A concurrent submission with the same key won the race: answer with its row.
        with database.session_scope() as db:
            prior = by_idempotency_key(db, model, key)
            if prior is None:
                raise
            return replay(db, prior)


def same_session(row_session_id: int, session_id: int) -> None:
    """A key belongs to one session; reusing it for another is a client bug, not a retry."""
    if row_session_id != session_id:
        raise Conflict("This submission key was already used for another session")


def same_request(matches: bool) -> None:
    """A key names one request; the same key with other values is refused, never merged."""
    if not matches:
        raise Conflict(
            "This form was already saved with other values: check what is recorded, "
            "then enter the new values again"
        )


def same_values(stored: Mapping[str, object], sent: Mapping[str, object]) -> None:
    """The replay check of every keyed write: each value the request carries, normalised as
    the write stores it (stripped text, parsed numbers), must equal what the first request
    stored under the key; one value different, missing or extra is a Conflict. Name every
    value the request carries, or a changed one is answered "saved" and silently dropped."""
    same_request(dict(stored) == dict(sent))


def same_person(first_by: int, actor_id: int) -> None:
    """A key belongs to the person who first sent it: an entry is stored under the one who
    typed it, so another user's replay of it (a tablet handed over) is refused, not stored."""
    if first_by != actor_id:
        raise Conflict(
            "This entry was first sent by another user: it is kept under their name only. "
            "Nothing was stored for you"
        )
