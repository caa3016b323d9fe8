"""The audit trail's hash chain: each event's hash covers its content and the hash before it,
so altering, removing or inserting a past event breaks every link after it.

The chain has no key: whoever can write the database can also recompute it. Two checks
close what the links alone cannot see. The walk must reach the recorded chain head, so
events removed from the end (or all of them) are found. And anchors, the head's hash and
position copied out of the database from time to time, must still hold: the event that was
the `count`-th has the same id and hash, so a chain rebuilt after a deletion is found too."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

GENESIS = "0" * 64
HASH = re.compile(r"[0-9a-f]{64}")


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


class AnchorFileError(ValueError):
    """An anchor line that cannot be read: the check cannot be trusted, so it does not run."""


@dataclass(frozen=True)
class Anchor:
    """A point the chain passed through when it was taken: the `count`-th event is
    `event_id` and has `hash` (count 0: the empty chain, whose hash is GENESIS)."""

    event_id: int | None
    count: int
    hash: str
    occurred_at: str | None = None
    taken_at: str | None = None
    line: int = 0  # where it was read from, to name it; not written out

    def to_line(self) -> str:
        """One JSON line, for an append-only file kept away from the database."""
        return json.dumps(
            {
                "event_id": self.event_id,
                "count": self.count,
                "hash": self.hash,
                "occurred_at": self.occurred_at,
                "taken_at": self.taken_at,
            },
            separators=(", ", ": "),
        )

    def describe(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "the empty trail"
        taken = f", taken {self.taken_at}" if self.taken_at else ""
        return f"anchor on line {self.line} ({where}, {self.count:,} events{taken})"


def anchor_at(link: Link | None, count: int, taken_at: datetime) -> Anchor:
    """The anchor for a chain whose last verified link is `link`, `count` events long."""
    occurred = link.fields.get("occurred_at") if link else None
    return Anchor(
        event_id=link.id if link else None,
        count=count,
        hash=(link.hash or "") if link else GENESIS,
        occurred_at=_canonical(occurred) if isinstance(occurred, datetime) else None,
        taken_at=_canonical(taken_at),
    )


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_anchor(text: str, line: int) -> Anchor:
    """One line of an anchor file; AnchorFileError names the line and what is wrong."""
    try:
        data = json.loads(text)
    except ValueError:
        raise AnchorFileError(f"line {line}: not a JSON object") from None
    if not isinstance(data, dict):
        raise AnchorFileError(f"line {line}: not a JSON object")
    event_id, count, hash_ = data.get("event_id"), data.get("count"), data.get("hash")
    if not _whole(count) or count < 0:
        raise AnchorFileError(f"line {line}: count must be a whole number of events, 0 or more")
    if not isinstance(hash_, str) or not HASH.fullmatch(hash_):
        raise AnchorFileError(f"line {line}: hash must be 64 lowercase hexadecimal digits")
    if count == 0:
        if event_id is not None or hash_ != GENESIS:
            raise AnchorFileError(f"line {line}: an anchor of 0 events has no event_id")
    elif not _whole(event_id) or event_id < 1:
        raise AnchorFileError(f"line {line}: event_id must be a positive whole number")
    texts = {k: data.get(k) for k in ("occurred_at", "taken_at")}
    return Anchor(
        event_id=event_id,
        count=count,
        hash=hash_,
        occurred_at=str(texts["occurred_at"]) if texts["occurred_at"] is not None else None,
        taken_at=str(texts["taken_at"]) if texts["taken_at"] is not None else None,
        line=line,
    )


def parse_anchors(lines: Iterable[str]) -> list[Anchor]:
    """Every non-blank line of an anchor file, in file order."""
    return [parse_anchor(text, n) for n, text in enumerate(lines, start=1) if text.strip()]


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None
    reason: str | None
    anchors_held: int = 0
    last: Link | None = None

    @property
    def intact(self) -> bool:
        return self.reason is None


def _anchor_problem(anchor: Anchor, link: Link) -> str | None:
    if link.id != anchor.event_id:
        return (
            f"{anchor.describe()} no longer holds: event {link.id} is now event number "
            f"{anchor.count:,}, not event {anchor.event_id} (events before it were removed "
            "or inserted and the chain rebuilt)"
        )
    if link.hash != anchor.hash:
        return (
            f"{anchor.describe()} no longer holds: event {link.id} now has another hash "
            "(the chain up to it was rewritten)"
        )
    return None


def verify(links: Iterable[Link], *, head: str | None, anchors: Sequence[Anchor] = ()) -> Verdict:
    """Walk the chain in order; report the first event whose link or content does not hold,
    then the first anchor the chain no longer passes through, then a chain that never
    reaches the recorded head (`head`, read before the walk: events committed after it
    may follow it)."""
    pending = sorted(anchors, key=lambda a: a.count)
    held = 0
    while pending and pending[0].count == 0:  # the empty chain starts every chain
        pending.pop(0)
        held += 1
    expected_prev = GENESIS
    reached_head = head == GENESIS
    checked = 0
    last: Link | None = None
    for link in links:
        checked += 1
        if link.prev_hash != expected_prev:
            return Verdict(
                checked,
                link.id,
                "its previous-hash does not match the event before "
                "it (an event was removed, inserted or reordered)",
                held,
                last,
            )
        if link.hash != event_hash(expected_prev, link.fields):
            return Verdict(
                checked, link.id, "its content does not match its hash (it was altered)", held, last
            )
        while pending and pending[0].count == checked:
            problem = _anchor_problem(pending.pop(0), link)
            if problem:
                return Verdict(checked, link.id, problem, held, last)
            held += 1
        reached_head = reached_head or link.hash == head
        expected_prev = link.hash
        last = link
    where = last.id if last else None
    if pending:
        return Verdict(
            checked,
            where,
            f"{pending[0].describe()} no longer holds: the trail now has only "
            f"{checked:,} events (events were removed)",
            held,
            last,
        )
    if head is None:
        return Verdict(checked, where, "the chain head is missing from the database", held, last)
    if not reached_head:
        return Verdict(
            checked,
            where,
            "the chain does not reach its recorded head: events at the end were removed "
            "(the trail was truncated or emptied)",
            held,
            last,
        )
    return Verdict(checked, None, None, held, last)
