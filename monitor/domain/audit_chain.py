"""The audit trail's hash chain: each event's hash covers its content and the hash before it,
so altering, removing or inserting a past event breaks every link after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's fields, in a canonical JSON form."""
    body = json.dumps(
        {k: _canonical(v) for k, v in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    id: int
    prev_hash: str | None
    hash: str | None
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(links: Iterable[Link]) -> Verdict:
    """Walk the chain in order; report the first event whose link or content does not hold."""
    expected_prev = GENESIS
    checked = 0
    for link in links:
        checked += 1
        if link.prev_hash != expected_prev:
            return Verdict(
                checked,
                link.id,
                "its previous-hash does not match the event before "
                "it (an event was removed, inserted or reordered)",
            )
        if link.hash != event_hash(expected_prev, link.fields):
            return Verdict(checked, link.id, "its content does not match its hash (it was altered)")
        expected_prev = link.hash
    return Verdict(checked, None, None)
