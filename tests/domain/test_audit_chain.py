"""The chain rules, table-tested on synthetic links: a walk must hold link by link, reach
the recorded head, and pass through every anchor."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from monitor.domain.audit_chain import (
    GENESIS,
    Anchor,
    AnchorFileError,
    Link,
    anchor_at,
    event_hash,
    parse_anchor,
    parse_anchors,
    verify,
)

AT = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def chain(n: int, first_id: int = 1) -> list[Link]:
    links, prev = [], GENESIS
    for i in range(n):
        fields = {"action": "x", "n": i, "occurred_at": AT}
        h = event_hash(prev, fields)
        links.append(Link(first_id + i, prev, h, fields))
        prev = h
    return links


def relink(links: list[Link]) -> list[Link]:
    """The same events, every hash recomputed: what someone rebuilding the chain writes."""
    out, prev = [], GENESIS
    for link in links:
        h = event_hash(prev, link.fields)
        out.append(Link(link.id, prev, h, link.fields))
        prev = h
    return out


def anchor(links: list[Link], count: int, line: int = 1) -> Anchor:
    return replace(anchor_at(links[count - 1] if count else None, count, AT), line=line)


FIVE = chain(5)


@pytest.mark.parametrize(
    ("links", "head", "anchors", "intact", "reason_has"),
    [
        ([], GENESIS, [], True, None),
        (FIVE, FIVE[-1].hash, [], True, None),
        # a later event, committed after the head was read, may follow it
        (FIVE, FIVE[3].hash, [], True, None),
        (FIVE[:3], FIVE[-1].hash, [], False, "truncated"),
        ([], FIVE[-1].hash, [], False, "emptied"),
        (FIVE, None, [], False, "head is missing"),
        (FIVE, FIVE[-1].hash, [anchor(FIVE, 0), anchor(FIVE, 2), anchor(FIVE, 5)], True, None),
        # a chain rebuilt without event 2: the 2nd event is now event 3
        (relink([FIVE[0], *FIVE[2:]]), "", [anchor(FIVE, 2)], False, "not event 2"),
        # same ids, one event's content changed, rebuilt: the hash at the anchor differs
        (
            relink([FIVE[0], replace(FIVE[1], fields={"action": "forged"}), *FIVE[2:]]),
            "",
            [anchor(FIVE, 4)],
            False,
            "another hash",
        ),
        # shorter than the anchored count
        (FIVE[:3], FIVE[2].hash, [anchor(FIVE, 5, line=4)], False, "line 4"),
    ],
)
def test_verify(
    links: list[Link], head: str | None, anchors: list[Anchor], intact: bool, reason_has: str
) -> None:
    if head == "":
        head = links[-1].hash
    verdict = verify(links, head=head, anchors=anchors)
    assert verdict.intact is intact, verdict.reason
    if not intact:
        assert reason_has in (verdict.reason or "")


def test_rebuilt_chain_is_named_by_its_first_failing_anchor() -> None:
    six = chain(6)
    rebuilt = relink([*six[:2], *six[3:]])  # event 3 removed, the rest re-linked
    anchors = [anchor(six, 5, line=2), anchor(six, 4, line=1)]
    verdict = verify(rebuilt, head=rebuilt[-1].hash, anchors=anchors)
    assert not verdict.intact and "anchor on line 1" in (verdict.reason or "")


def test_an_anchor_round_trips_through_its_line() -> None:
    taken = anchor_at(FIVE[-1], 5, AT)
    back = parse_anchor(taken.to_line(), 7)
    assert back == replace(taken, line=7)
    assert back.event_id == 5 and back.count == 5 and back.hash == FIVE[-1].hash


def test_the_empty_trail_has_an_anchor_too() -> None:
    empty = anchor_at(None, 0, AT)
    assert empty.hash == GENESIS and empty.event_id is None
    assert parse_anchor(empty.to_line(), 1).count == 0


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        "{}",
        '{"event_id": 1, "count": -1, "hash": "' + "a" * 64 + '"}',
        '{"event_id": 1, "count": true, "hash": "' + "a" * 64 + '"}',
        '{"event_id": 1, "count": 1, "hash": "' + "A" * 64 + '"}',
        '{"event_id": 1, "count": 1, "hash": "abc"}',
        '{"event_id": 0, "count": 1, "hash": "' + "a" * 64 + '"}',
        '{"event_id": "1", "count": 1, "hash": "' + "a" * 64 + '"}',
        '{"event_id": 3, "count": 0, "hash": "' + GENESIS + '"}',
        '{"event_id": null, "count": 0, "hash": "' + "a" * 64 + '"}',
    ],
)
def test_malformed_anchor_lines_are_refused_with_their_line(text: str) -> None:
    with pytest.raises(AnchorFileError, match="line 3"):
        parse_anchor(text, 3)


def test_blank_lines_are_skipped_and_lines_numbered_as_in_the_file() -> None:
    lines = ["", anchor_at(FIVE[0], 1, AT).to_line(), "  ", anchor_at(FIVE[1], 2, AT).to_line()]
    assert [a.line for a in parse_anchors(lines)] == [2, 4]
