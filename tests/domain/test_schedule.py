"""The reading schedule: due times, overdue after grace, slot outcomes, pauses and CADSS times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import Config, Protocol, Schedule, load_config
from monitor.domain.schedule import (
    DueState,
    InfusionTimes,
    Pause,
    SlotOutcome,
    cadss_timepoint,
    expected_infusion_end,
    next_cadss,
    next_due,
    paused_time,
    slot_outcomes,
    slots,
)

T0 = datetime(2025, 3, 4, 16, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
CONFIG = load_config(environ={})


def at(minute: float) -> datetime:
    """A moment `minute` minutes after the infusion started."""
    return T0 + timedelta(minutes=minute)


def running(*pauses: Pause) -> InfusionTimes:
    return InfusionTimes(started_at=T0, stopped_at=None, pauses=pauses)


def stopped(minute: float, *pauses: Pause) -> InfusionTimes:
    return InfusionTimes(started_at=T0, stopped_at=at(minute), pauses=pauses)


NOT_STARTED = InfusionTimes(started_at=None, stopped_at=None)


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    config: Config = load_config(environ={})
    return config.default_protocol


@pytest.fixture(scope="module")
def schedule(protocol: Protocol) -> Schedule:
    return protocol.schedule


def due_minutes(times: InfusionTimes, schedule: Schedule, until: float) -> list[tuple[float, str]]:
    return [
        ((slot.due_at - T0) / timedelta(minutes=1), slot.phase)
        for slot in slots(times, schedule, at(until))
    ]


def test_defaults_match_clinical_md(protocol: Protocol) -> None:
    schedule = protocol.schedule
    assert schedule.infusion_interval_minutes == 10
    assert schedule.recovery_interval_minutes == 15
    assert schedule.grace_minutes == 3
    assert schedule.min_observation_minutes == 120
    assert protocol.infusion_minutes == 40
    assert protocol.ratings.cadss_at_minutes == [0, 40, 120, 240]


# --- slots -----------------------------------------------------------------------------


def test_no_slots_before_the_infusion_starts(schedule: Schedule) -> None:
    assert list(slots(NOT_STARTED, schedule, at(500))) == []


def test_due_every_10_minutes_during_infusion(schedule: Schedule) -> None:
    assert due_minutes(running(), schedule, until=45) == [
        (10, "infusion"),
        (20, "infusion"),
        (30, "infusion"),
        (40, "infusion"),
    ]


def test_slot_at_until_is_included(schedule: Schedule) -> None:
    assert due_minutes(running(), schedule, until=20)[-1] == (20, "infusion")
    assert due_minutes(running(), schedule, until=19.99)[-1] == (10, "infusion")


def test_infusion_still_running_past_40_stays_on_the_10_minute_grid(schedule: Schedule) -> None:
    assert [m for m, _ in due_minutes(running(), schedule, until=60)] == [10, 20, 30, 40, 50, 60]


def test_40_minute_slot_kept_when_stopped_at_40_then_recovery_every_15(
    schedule: Schedule,
) -> None:
    assert due_minutes(stopped(40), schedule, until=100) == [
        (10, "infusion"),
        (20, "infusion"),
        (30, "infusion"),
        (40, "infusion"),
        (55, "recovery"),
        (70, "recovery"),
        (85, "recovery"),
        (100, "recovery"),
    ]


def test_recovery_counts_from_the_stop_not_the_grid(schedule: Schedule) -> None:
    assert due_minutes(stopped(37), schedule, until=70) == [
        (10, "infusion"),
        (20, "infusion"),
        (30, "infusion"),
        (40, "infusion"),
        (52, "recovery"),
        (67, "recovery"),
    ]


def test_the_40_minute_slot_is_kept_when_the_pump_stops_just_before(
    schedule: Schedule,
) -> None:
    times = InfusionTimes(started_at=T0, stopped_at=at(40) - SECOND)
    assert [m for m, _ in due_minutes(times, schedule, until=40)] == [10, 20, 30, 40]


def test_after_an_early_stop_recovery_counts_from_the_stop(schedule: Schedule) -> None:
    times = InfusionTimes(started_at=T0, stopped_at=at(25))
    assert due_minutes(times, schedule, until=60) == [
        (10, "infusion"),
        (20, "infusion"),
        (40, "recovery"),
        (55, "recovery"),
    ]


def test_a_grid_time_well_after_the_stop_is_not_due(schedule: Schedule) -> None:
    times = InfusionTimes(started_at=T0, stopped_at=at(40) + timedelta(seconds=30))
    assert [m for m, _ in due_minutes(times, schedule, until=60)] == [10, 20, 30, 40, 55.5]


def test_pause_does_not_stretch_the_grid(schedule: Schedule) -> None:
    paused = running(Pause(at(15), at(25)))
    assert due_minutes(paused, schedule, until=50) == due_minutes(running(), schedule, until=50)
    assert [m for m, _ in due_minutes(paused, schedule, until=50)] == [10, 20, 30, 40, 50]


# --- pauses and the expected end -------------------------------------------------------


def test_paused_time_sums_closed_pauses() -> None:
    times = running(Pause(at(10), at(15)), Pause(at(20), at(22.5)))
    assert paused_time(times, now=at(60)) == timedelta(minutes=7.5)


def test_open_pause_counts_up_to_now() -> None:
    times = running(Pause(at(10), at(15)), Pause(at(30), None))
    assert paused_time(times, now=at(34)) == timedelta(minutes=9)


def test_open_pause_counts_up_to_the_stop() -> None:
    times = stopped(45, Pause(at(30), None))
    assert paused_time(times, now=at(90)) == timedelta(minutes=15)


def test_no_pauses_no_paused_time() -> None:
    assert paused_time(running(), now=at(30)) == timedelta()


def test_expected_end_none_before_start() -> None:
    assert expected_infusion_end(NOT_STARTED, 40, now=T0) is None


def test_expected_end_without_pauses() -> None:
    assert expected_infusion_end(running(), 40, now=at(5)) == at(40)


def test_pauses_push_the_expected_end() -> None:
    times = running(Pause(at(15), at(25)))
    assert expected_infusion_end(times, 40, now=at(30)) == at(50)


def test_open_pause_keeps_pushing_the_expected_end() -> None:
    times = running(Pause(at(20), None))
    assert expected_infusion_end(times, 40, now=at(26)) == at(46)
    assert expected_infusion_end(times, 40, now=at(31)) == at(51)


def test_expected_end_is_the_stop_once_stopped() -> None:
    assert expected_infusion_end(stopped(33, Pause(at(10), at(20))), 40, now=at(60)) == at(33)


# --- next_due --------------------------------------------------------------------------


def test_before_start_a_baseline_reading_is_due(schedule: Schedule) -> None:
    status = next_due(NOT_STARTED, schedule, [], now=T0)
    assert status.state is DueState.BASELINE
    assert status.due_at is None
    assert status.phase == "baseline"
    assert status.seconds_until_due is None
    assert status.overdue_seconds == 0


def test_first_due_ten_minutes_after_start(schedule: Schedule) -> None:
    status = next_due(running(), schedule, [], now=at(4))
    assert (status.state, status.due_at, status.phase) == (DueState.UPCOMING, at(10), "infusion")
    assert status.seconds_until_due == 6 * 60
    assert status.overdue_seconds == 0


@pytest.mark.parametrize(
    ("now", "state"),
    [
        pytest.param(at(10), DueState.UPCOMING, id="at-due"),
        pytest.param(at(13) - SECOND, DueState.UPCOMING, id="inside-grace"),
        pytest.param(at(13), DueState.UPCOMING, id="at-grace"),
        pytest.param(at(13) + SECOND, DueState.OVERDUE, id="one-second-after-grace"),
    ],
)
def test_overdue_exactly_after_grace(schedule: Schedule, now: datetime, state: DueState) -> None:
    status = next_due(running(), schedule, [], now=now)
    assert status.due_at == at(10)
    assert status.state is state


def test_overdue_seconds_count_from_due_time(schedule: Schedule) -> None:
    status = next_due(running(), schedule, [], now=at(13) + SECOND)
    assert status.seconds_until_due == -181
    assert status.overdue_seconds == 181


@pytest.mark.parametrize(
    ("reading", "due"),
    [
        pytest.param(10, 20, id="on-time"),
        pytest.param(13, 20, id="at-grace"),
        pytest.param(14, 20, id="late-moves-to-following-slot"),
        pytest.param(7, 20, id="early-at-due-minus-grace"),
        pytest.param(18, 30, id="early-for-the-next-slot"),
    ],
)
def test_reading_covers_slots(schedule: Schedule, reading: float, due: float) -> None:
    status = next_due(running(), schedule, [at(reading)], now=at(reading))
    assert status.due_at == at(due)


@pytest.mark.parametrize(
    "reading",
    [pytest.param(at(7) - SECOND, id="one-second-before-due-minus-grace"), pytest.param(at(2))],
)
def test_reading_too_early_does_not_cover_the_slot(schedule: Schedule, reading: datetime) -> None:
    status = next_due(running(), schedule, [reading], now=at(8))
    assert status.due_at == at(10)
    assert status.state is DueState.UPCOMING


def test_baseline_reading_before_start_covers_nothing(schedule: Schedule) -> None:
    status = next_due(running(), schedule, [at(-20), at(-5)], now=at(1))
    assert status.due_at == at(10)


def test_oldest_uncovered_slot_is_next_when_several_are_missed(schedule: Schedule) -> None:
    status = next_due(running(), schedule, [], now=at(35))
    assert (status.due_at, status.state) == (at(10), DueState.OVERDUE)


def test_a_reading_covers_earlier_missed_slots(schedule: Schedule) -> None:
    status = next_due(running(), schedule, [at(34)], now=at(35))
    assert (status.due_at, status.state) == (at(40), DueState.UPCOMING)


def test_40_minute_reading_still_due_after_stop_at_40(schedule: Schedule) -> None:
    readings = [at(10), at(20), at(30)]
    status = next_due(stopped(40), schedule, readings, now=at(41))
    assert (status.due_at, status.phase) == (at(40), "infusion")


def test_after_40_minute_reading_next_due_in_recovery(schedule: Schedule) -> None:
    readings = [at(10), at(20), at(30), at(40)]
    status = next_due(stopped(40), schedule, readings, now=at(41))
    assert (status.due_at, status.phase, status.state) == (at(55), "recovery", DueState.UPCOMING)


def test_recovery_overdue_after_grace(schedule: Schedule) -> None:
    readings = [at(40), at(55)]
    assert next_due(stopped(40), schedule, readings, now=at(73)).state is DueState.UPCOMING
    overdue = next_due(stopped(40), schedule, readings, now=at(73) + SECOND)
    assert (overdue.due_at, overdue.state) == (at(70), DueState.OVERDUE)


def test_readings_stay_due_on_the_wall_clock_while_paused(schedule: Schedule) -> None:
    times = running(Pause(at(15), None))
    status = next_due(times, schedule, [at(10)], now=at(24))
    assert (status.due_at, status.phase, status.state) == (at(20), "infusion", DueState.OVERDUE)


def test_zero_grace(schedule: Schedule) -> None:
    strict = schedule.model_copy(update={"grace_minutes": 0})
    assert next_due(running(), strict, [], now=at(10)).state is DueState.UPCOMING
    assert next_due(running(), strict, [], now=at(10) + SECOND).state is DueState.OVERDUE
    assert next_due(running(), strict, [at(10) - SECOND], now=at(10)).due_at == at(10)


# --- slot_outcomes ---------------------------------------------------------------------


def outcomes(
    times: InfusionTimes, schedule: Schedule, readings: list[datetime], now: datetime
) -> list[tuple[float, SlotOutcome]]:
    return [
        ((slot.due_at - T0) / timedelta(minutes=1), outcome)
        for slot, outcome in slot_outcomes(times, schedule, readings, now)
    ]


def test_slot_outcomes_on_time_late_missed_pending(schedule: Schedule) -> None:
    assert outcomes(running(), schedule, [at(10), at(24)], now=at(45)) == [
        (10, SlotOutcome.ON_TIME),
        (20, SlotOutcome.LATE),
        (30, SlotOutcome.MISSED),
        (40, SlotOutcome.PENDING),
    ]


@pytest.mark.parametrize(
    ("reading", "outcome"),
    [
        pytest.param(at(7), SlotOutcome.ON_TIME, id="at-due-minus-grace"),
        pytest.param(at(13), SlotOutcome.ON_TIME, id="at-due-plus-grace"),
        pytest.param(at(13) + SECOND, SlotOutcome.LATE, id="one-second-after-grace"),
        pytest.param(at(17) - SECOND, SlotOutcome.LATE, id="just-before-next-window"),
        pytest.param(at(7) - SECOND, SlotOutcome.MISSED, id="too-early"),
        pytest.param(at(17), SlotOutcome.MISSED, id="counts-for-the-next-slot"),
    ],
)
def test_first_slot_outcome_edges(
    schedule: Schedule, reading: datetime, outcome: SlotOutcome
) -> None:
    result = outcomes(running(), schedule, [reading], now=at(25))
    assert result[0] == (10, outcome)


def test_slot_due_within_grace_of_now_is_pending(schedule: Schedule) -> None:
    assert outcomes(running(), schedule, [], now=at(7)) == [(10, SlotOutcome.PENDING)]
    assert outcomes(running(), schedule, [], now=at(7) - SECOND) == []


def test_missed_once_the_next_window_opens(schedule: Schedule) -> None:
    assert outcomes(running(), schedule, [], now=at(17) - SECOND)[0] == (10, SlotOutcome.PENDING)
    assert outcomes(running(), schedule, [], now=at(17))[0] == (10, SlotOutcome.MISSED)


def test_slot_outcomes_through_recovery(schedule: Schedule) -> None:
    readings = [at(40), at(55), at(71)]
    assert outcomes(stopped(40), schedule, readings, now=at(75)) == [
        (10, SlotOutcome.MISSED),
        (20, SlotOutcome.MISSED),
        (30, SlotOutcome.MISSED),
        (40, SlotOutcome.ON_TIME),
        (55, SlotOutcome.ON_TIME),
        (70, SlotOutcome.ON_TIME),
    ]


def test_no_slot_outcomes_before_start(schedule: Schedule) -> None:
    assert slot_outcomes(NOT_STARTED, schedule, [T0], now=at(60)) == []


# --- CADSS time points -----------------------------------------------------------------

CADSS_AT = [0, 40, 120, 240]


def test_cadss_baseline_due_before_start() -> None:
    due = next_cadss(NOT_STARTED, CADSS_AT, 3, [], now=at(-10))
    assert due is not None
    assert (due.at_minutes, due.due_at, due.state) == (0, None, "due")


def test_cadss_40_upcoming_after_baseline_rated_before_start() -> None:
    due = next_cadss(NOT_STARTED, CADSS_AT, 3, [at(-10)], now=at(-5))
    assert due is not None
    assert (due.at_minutes, due.due_at, due.state) == (40, None, "upcoming")


def test_infusion_started_without_baseline_rating_asks_for_40_next() -> None:
    due = next_cadss(running(), CADSS_AT, 3, [], now=at(5))
    assert due is not None
    assert (due.at_minutes, due.due_at, due.state) == (40, at(40), "upcoming")


@pytest.mark.parametrize(
    ("now", "state"),
    [
        pytest.param(at(37) - SECOND, "upcoming", id="before-window"),
        pytest.param(at(37), "due", id="window-opens"),
        pytest.param(at(40), "due", id="at-time-point"),
        pytest.param(at(43), "due", id="at-grace"),
        pytest.param(at(43) + SECOND, "overdue", id="one-second-after-grace"),
    ],
)
def test_cadss_40_due_window(now: datetime, state: str) -> None:
    due = next_cadss(running(), CADSS_AT, 3, [at(-10)], now=now)
    assert due is not None
    assert (due.at_minutes, due.due_at, due.state) == (40, at(40), state)


@pytest.mark.parametrize(
    ("ratings", "point"),
    [
        pytest.param([at(-10), at(37) - SECOND], 40, id="too-early-for-40"),
        pytest.param([at(-10), at(37)], 120, id="at-window-open-for-40"),
        pytest.param([at(-10), at(41)], 120, id="40-rated"),
        pytest.param([at(-10), at(41), at(118)], 240, id="120-rated"),
    ],
)
def test_cadss_rating_covers_its_time_point(ratings: list[datetime], point: float) -> None:
    due = next_cadss(stopped(40), CADSS_AT, 3, ratings, now=at(60))
    assert due is not None
    assert due.at_minutes == point
    assert due.due_at == at(point)


def test_cadss_all_rated_returns_none() -> None:
    ratings = [at(-10), at(40), at(120), at(240)]
    assert next_cadss(stopped(40), CADSS_AT, 3, ratings, now=at(250)) is None


def test_cadss_120_overdue() -> None:
    due = next_cadss(stopped(40), CADSS_AT, 3, [at(-10), at(40)], now=at(124))
    assert due is not None
    assert (due.at_minutes, due.state) == (120, "overdue")


def test_cadss_time_points_follow_config(protocol: Protocol) -> None:
    points = protocol.ratings.cadss_at_minutes
    grace = protocol.schedule.grace_minutes
    due = next_cadss(running(), points, grace, [at(-5)], now=at(1))
    assert due is not None
    assert due.due_at == at(points[1])


# --- property: next_due never returns a covered slot ----------------------------------

minute_offsets = st.floats(min_value=-15, max_value=300, allow_nan=False).map(lambda m: round(m, 2))


@st.composite
def situations(draw: st.DrawFn) -> tuple[InfusionTimes, list[datetime], datetime]:
    stop = draw(
        st.one_of(st.none(), st.floats(min_value=1, max_value=90).map(lambda m: round(m, 2)))
    )
    pauses: list[Pause] = []
    if draw(st.booleans()):
        begin = draw(st.floats(min_value=0.5, max_value=60).map(lambda m: round(m, 2)))
        length = draw(st.one_of(st.none(), st.floats(min_value=0.1, max_value=30)))
        pauses.append(Pause(at(begin), None if length is None else at(begin + length)))
    now_minute = draw(st.floats(min_value=0, max_value=300).map(lambda m: round(m, 2)))
    if stop is not None:
        now_minute = max(now_minute, stop)
    readings = [at(m) for m in draw(st.lists(minute_offsets, max_size=12)) if m <= now_minute]
    times = InfusionTimes(
        started_at=T0, stopped_at=None if stop is None else at(stop), pauses=tuple(pauses)
    )
    return times, readings, at(now_minute)


@given(situations())
def test_next_due_is_never_a_slot_a_reading_covers(
    situation: tuple[InfusionTimes, list[datetime], datetime],
) -> None:
    times, readings, now = situation
    schedule = CONFIG.default_protocol.schedule
    grace = timedelta(minutes=schedule.grace_minutes)
    status = next_due(times, schedule, readings, now)
    assert status.due_at is not None
    for reading in readings:
        assert not (status.due_at - grace <= reading), (
            f"reading at {reading - T0} covers due {status.due_at - T0}"
        )
    # It is a real slot of the grid, and the state agrees with the clock.
    assert status.due_at in {s.due_at for s in slots(times, schedule, status.due_at)}
    assert (status.state is DueState.OVERDUE) == (now > status.due_at + grace)
    # No earlier slot is left uncovered.
    latest = max((r for r in readings if r >= T0 - grace), default=None)
    for slot in slots(times, schedule, status.due_at - SECOND):
        assert latest is not None and slot.due_at - grace <= latest


# --- which CADSS time point a rating answers -------------------------------------------


@pytest.mark.parametrize(
    ("minute", "expected"),
    [
        (None, 0.0),
        (5, None),
        (36.9, None),
        (37, 40),
        (60, 40),
        (117, 120),
        (300, 240),
    ],
)
def test_cadss_timepoint(minute: float | None, expected: float | None) -> None:
    started = None if minute is None else T0
    taken = T0 + timedelta(minutes=minute or 0) if minute is not None else T0
    assert cadss_timepoint(started, [0, 40, 120, 240], 3, taken) == expected


def test_cadss_timepoint_without_a_baseline_point() -> None:
    assert cadss_timepoint(None, [40, 120], 3, T0) is None
