"""Clinic time: exports in ISO 8601 with the clinic's offset, the clinic's date, ages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.clinic_time import (
    FIRST_DAY,
    LAST_DAY,
    age_on,
    clinic_iso,
    clinic_today,
    day_end,
    day_start,
    parse_day,
)
from monitor.domain.errors import InvalidEntry

DENVER = ZoneInfo("America/Denver")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # winter (MST, -07:00); microseconds dropped
        (datetime(2026, 11, 25, 16, 28, 0, 123456, tzinfo=UTC), "2026-11-25T09:28:00-07:00"),
        # summer (MDT, -06:00)
        (datetime(2026, 7, 1, 16, 28, 59, 999999, tzinfo=UTC), "2026-07-01T10:28:59-06:00"),
        # the first second after the spring change (02:00 MST is 03:00 MDT)
        (datetime(2026, 3, 8, 9, 0, tzinfo=UTC), "2026-03-08T03:00:00-06:00"),
        (datetime(2026, 3, 8, 8, 59, 59, tzinfo=UTC), "2026-03-08T01:59:59-07:00"),
        # the day before in Denver while UTC is already on the next day
        (datetime(2026, 11, 26, 3, 0, tzinfo=UTC), "2026-11-25T20:00:00-07:00"),
        # another aware zone in, clinic zone out
        (
            datetime(2026, 11, 25, 17, 28, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-25T09:28:00-07:00",
        ),
    ],
)
def test_clinic_iso(moment: datetime, expected: str) -> None:
    text = clinic_iso(moment, DENVER)
    assert text == expected
    assert datetime.fromisoformat(text) == moment.replace(microsecond=0)


def test_clinic_iso_of_nothing_is_empty() -> None:
    assert clinic_iso(None, DENVER) == ""


def test_clinic_iso_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        clinic_iso(datetime(2026, 11, 25, 9, 28), DENVER)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 25, 6, 59, 59, tzinfo=UTC), date(2026, 11, 24)),  # 23:59:59 MST
        (datetime(2026, 11, 25, 7, 0, tzinfo=UTC), date(2026, 11, 25)),  # midnight MST
        (datetime(2026, 7, 1, 5, 59, tzinfo=UTC), date(2026, 6, 30)),  # 23:59 MDT
        (datetime(2026, 7, 1, 6, 0, tzinfo=UTC), date(2026, 7, 1)),
    ],
)
def test_clinic_today(now: datetime, expected: date) -> None:
    assert clinic_today(now, DENVER) == expected


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(1980, 11, 25), date(2026, 11, 24), 45),  # the day before the birthday
        (date(1980, 11, 25), date(2026, 11, 25), 46),  # the birthday itself
        (date(1980, 11, 25), date(2026, 11, 26), 46),
        (date(1980, 12, 31), date(2026, 1, 1), 45),
        (date(2000, 2, 29), date(2026, 2, 28), 25),  # a leap-day birthday in a common year
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
        (date(2026, 11, 25), date(2026, 11, 25), 0),  # born today
    ],
)
def test_age_on(birth: date, today: date, age: int) -> None:
    assert age_on(birth, today) == age


@pytest.mark.parametrize(
    "text", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "2025-02-30", "x", "\udcff"]
)
def test_a_day_outside_the_range_or_impossible_is_refused_at_its_field(text: str) -> None:
    with pytest.raises(InvalidEntry) as refused:
        parse_day(text, "end", "To")
    assert [p.field for p in refused.value.problems] == ["end"]
    assert "enter a date from 1900-01-01 to 2999-12-31" in refused.value.problems[0].message


@pytest.mark.parametrize("zone", [DENVER, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")])
def test_the_first_and_last_day_have_bounds_in_every_zone(zone: ZoneInfo) -> None:
    assert parse_day(FIRST_DAY.isoformat(), "start", "From") == FIRST_DAY
    assert day_start(FIRST_DAY, zone).astimezone(UTC) < day_end(LAST_DAY, zone).astimezone(UTC)
    assert parse_day("", "start", "From") is None
