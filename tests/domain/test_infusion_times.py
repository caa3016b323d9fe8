"""Pause pairing: a pause opens at "pause", closes at the next "resume"; strays change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from monitor.domain.infusion_times import build_infusion_times, pause_events_by_session
from monitor.domain.schedule import InfusionTimes, Pause

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("events", "pauses"),
    [
        ([], ()),
        ([("pause", at(5)), ("resume", at(8))], (Pause(at(5), at(8)),)),
        ([("pause", at(5))], (Pause(at(5), None),)),  # still paused: open-ended
        ([("resume", at(5))], ()),  # a resume with no pause open
        ([("pause", at(5)), ("pause", at(6)), ("resume", at(8))], (Pause(at(5), at(8)),)),
        ([("pause", at(5)), ("resume", at(8)), ("resume", at(9))], (Pause(at(5), at(8)),)),
        (
            [("pause", at(5)), ("resume", at(8)), ("pause", at(20)), ("resume", at(21))],
            (Pause(at(5), at(8)), Pause(at(20), at(21))),
        ),
        (
            [("pause", at(5)), ("resume", at(8)), ("pause", at(20))],
            (Pause(at(5), at(8)), Pause(at(20), None)),
        ),
        ([("start", at(0)), ("rate_change", at(3)), ("stop", at(40))], ()),  # other kinds ignored
    ],
)
def test_pauses_are_paired(events: list[tuple[str, datetime]], pauses: tuple[Pause, ...]) -> None:
    assert build_infusion_times(at(0), at(40), events) == InfusionTimes(at(0), at(40), pauses)


def test_start_and_stop_pass_through() -> None:
    assert build_infusion_times(None, None, []) == InfusionTimes(None, None, ())


def test_pause_events_are_grouped_by_session_in_order() -> None:
    @dataclass(frozen=True)
    class Event:
        session_id: int
        kind: str
        occurred_at: datetime

    events = [Event(1, "pause", at(5)), Event(2, "pause", at(6)), Event(1, "resume", at(8))]
    grouped = pause_events_by_session(events)
    assert grouped == {1: [("pause", at(5)), ("resume", at(8))], 2: [("pause", at(6))]}
    assert grouped[3] == []  # a session with no pause has none
