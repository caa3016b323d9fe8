"""The fields of the ketamine record at their edges: lot, expiry, volumes, a waste against
what is left, times, and the physician's reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.domain.errors import InvalidEntry
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.ketamine_entries import (
    LOT_MAX_CHARS,
    MAX_DRAW_ML,
    check_expiry,
    check_time,
    check_volume,
    check_waste,
    clean_lot,
    clock_on_today,
    left_in_draw,
    resolution_reason,
)

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SKEW = timedelta(minutes=2)


def field_of(error: pytest.ExceptionInfo[InvalidEntry]) -> str:
    return error.value.problems[0].field


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  AB123 ", "AB123"),
        ("x" * LOT_MAX_CHARS, "x" * LOT_MAX_CHARS),
        ("KX-2291", "KX-2291"),
        ("L.2024.11", "L.2024.11"),
        ("24/117", "24/117"),
        ("LOT 4471 B", "LOT 4471 B"),
        ("7", "7"),
        ("abc-9", "abc-9"),
    ],
)
def test_a_lot_as_printed_on_a_vial_is_stored_trimmed(typed: str, stored: str) -> None:
    assert clean_lot(typed) == stored


EMPTY = "Enter the lot number printed on the vial"
LONG = f"A lot number has at most {LOT_MAX_CHARS} characters"
AS_PRINTED = (
    "Type the lot number as printed on the vial: letters, digits, dashes, dots, slashes "
    "and spaces, beginning with a letter or a digit"
)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", EMPTY),
        ("   ", EMPTY),
        (None, EMPTY),
        ("x" * (LOT_MAX_CHARS + 1), LONG),
        ("AB\n12", AS_PRINTED),
        ("AB\t12", AS_PRINTED),
        ("AB\u200b12", AS_PRINTED),
        ("A\x00", AS_PRINTED),
        ("\udcff", AS_PRINTED),
        ("=1+1", AS_PRINTED),
        ("<b>", AS_PRINTED),
        ("LOT#12", AS_PRINTED),
        ("LOT_12", AS_PRINTED),
        ("-12", AS_PRINTED),
        ("+12", AS_PRINTED),
        ("@A1", AS_PRINTED),
        ("/A1", AS_PRINTED),
        ("\uff2b\uff38", AS_PRINTED),  # full-width KX
        ("\u041a\u0425-1", AS_PRINTED),  # Cyrillic letters that look like KX
        ("A\u00a01", AS_PRINTED),  # a no-break space
    ],
)
def test_a_lot_not_as_printed_is_refused_at_its_field(typed: str | None, message: str) -> None:
    with pytest.raises(InvalidEntry) as error:
        clean_lot(typed)
    assert field_of(error) == "lot"
    assert error.value.problems[0].message == message


def test_a_lot_expiring_today_may_be_drawn_one_expired_yesterday_not() -> None:
    today = date(2026, 11, 20)
    assert check_expiry(today, today) == today
    for bad in (today - timedelta(days=1), None):
        with pytest.raises(InvalidEntry) as error:
            check_expiry(bad, today)
        assert field_of(error) == "expiry"


@pytest.mark.parametrize("volume", [0.01, 1.0, MAX_DRAW_ML, 0.1 + 0.2])
def test_a_volume_within_a_vial_to_the_step(volume: float) -> None:
    assert check_volume("volume_ml", volume, step=0.01) == volume


@pytest.mark.parametrize(
    "volume", [0.0, -0.01, None, float("nan"), float("inf"), MAX_DRAW_ML + 0.01, 0.005, 1.234]
)
def test_a_volume_out_of_bounds_or_finer_than_the_step_is_refused(volume: float | None) -> None:
    with pytest.raises(InvalidEntry) as error:
        check_volume("volume_ml", volume, step=0.01)
    assert field_of(error) == "volume_ml"


@pytest.mark.parametrize(
    ("volume", "message"),
    [
        (MAX_DRAW_ML + 0.01, "At most 50 mL: check the decimal point"),
        (500.0, "At most 50 mL: check the decimal point"),
        (1e308, "At most 50 mL: check the decimal point"),
        (0.005, "Enter the volume to 0.01 mL"),
        (0.0, "Enter the volume in mL, above 0"),
        (-3.0, "Enter the volume in mL, above 0"),
        (None, "Enter the volume in mL, above 0"),
    ],
)
def test_each_refused_volume_says_why(volume: float | None, message: str) -> None:
    """The messages the card's volume fields must let through (the browser no longer
    blanks a value past a `max` or off a `step`: tests/pages/test_ketamine_callbacks.py)."""
    with pytest.raises(InvalidEntry) as error:
        check_volume("volume_ml", volume, step=0.01)
    assert error.value.problems[0].message == message


def test_a_waste_may_take_what_is_left_not_a_step_more() -> None:
    left = left_in_draw(2.0, [0.5, 0.3])
    assert left == pytest.approx(1.2)
    assert check_waste(1.2, left, 0.01) == 1.2
    with pytest.raises(InvalidEntry) as error:
        check_waste(1.21, left, 0.01)
    assert "1.20 mL is left" in error.value.problems[0].message
    assert left_in_draw(1.0, [1.5]) == 0.0


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        (NOW + SKEW, True),
        (NOW + SKEW + timedelta(seconds=1), False),
        (NOW - timedelta(hours=1) - SKEW, True),
        (NOW - timedelta(hours=1) - SKEW - timedelta(seconds=1), False),
        (datetime(2026, 11, 20, 15, 0), False),  # no zone
    ],
)
def test_a_time_between_the_opening_and_now(at: datetime, ok: bool) -> None:
    opened = NOW - timedelta(hours=1)
    if ok:
        assert check_time("wasted_at", at, now=NOW, opened_at=opened, skew=SKEW) == at
    else:
        with pytest.raises(InvalidEntry) as error:
            check_time("wasted_at", at, now=NOW, opened_at=opened, skew=SKEW)
        assert field_of(error) == "wasted_at"


def test_a_resolution_says_why_in_at_least_the_minimum() -> None:
    assert resolution_reason("  spilt  ", minimum=5) == "spilt"
    for bad in ("spil", "", None, "x" * (MAX_FREE_TEXT + 1), "spilt\x00"):
        with pytest.raises(InvalidEntry) as error:
            resolution_reason(bad, minimum=5)
        assert field_of(error) == "reason"


@pytest.mark.parametrize(
    ("typed", "local_now", "expected"),
    [
        # just after midnight, a waste at 23:50 was last night's, not tonight's
        ("23:50", datetime(2026, 11, 21, 0, 5), datetime(2026, 11, 20, 23, 50)),
        ("00:02", datetime(2026, 11, 21, 0, 5), datetime(2026, 11, 21, 0, 2)),
        # just before midnight, 00:01 is in a few minutes (refused later as the future)
        ("00:01", datetime(2026, 11, 20, 23, 58), datetime(2026, 11, 21, 0, 1)),
        ("14:05", datetime(2026, 11, 20, 14, 30), datetime(2026, 11, 20, 14, 5)),
    ],
)
def test_a_typed_time_is_the_one_nearest_to_now(
    typed: str, local_now: datetime, expected: datetime
) -> None:
    zone = ZoneInfo("America/Denver")
    now = local_now.replace(tzinfo=zone)
    got = clock_on_today(typed, now=now, zone=zone, field="wasted_at")
    assert got == expected.replace(tzinfo=zone)


@pytest.mark.parametrize("typed", ["25:00", "noon", "14h05", "12:60"])
def test_a_time_that_cannot_be_read_is_refused_at_its_field(typed: str) -> None:
    zone = ZoneInfo("America/Denver")
    with pytest.raises(InvalidEntry) as refused:
        clock_on_today(
            typed, now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC), zone=zone, field="wasted_at"
        )
    assert refused.value.problems[0].field == "wasted_at"
