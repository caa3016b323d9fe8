"""Times as the clinic reads them: stored UTC shown in the clinic's zone (`clinic.time_zone`).

Every time that leaves the app (screens, messages, CSV exports) goes through here, so a
clinic in Denver never sees a UTC time, and an export is unambiguous on its own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.errors import refuse

# The days a filter may name. Outside them a day's bounds in another zone, or the day after,
# leave what datetime and the databases can hold (9999-12-31 + 1 day overflows); no record
# of this clinic is that old or that far ahead.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def clinic_iso(moment: datetime | None, zone: ZoneInfo) -> str:
    """ISO 8601 in the clinic's zone, to the second, with its UTC offset
    (2026-11-25T09:28:00-07:00); empty for no time."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: times are stored as aware UTC")
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def clinic_today(now: datetime, zone: ZoneInfo) -> date:
    """The calendar date at the clinic at `now` (not the server's date)."""
    return now.astimezone(zone).date()


def age_on(birth: date, today: date) -> int:
    """Whole years of age on `today`; the birthday itself counts (a 29 February birthday
    turns over on 1 March in common years)."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def parse_day(value: object, field: str, label: str) -> date | None:
    """A calendar day as typed (YYYY-MM-DD), None when empty; an impossible day or one
    outside FIRST_DAY..LAST_DAY is InvalidEntry at `field`, never an exception."""
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(str(value)) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise refuse(
            field, f"{label}: enter a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        )
    return day


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the clinic starting `day` (aware)."""
    return datetime.combine(day, time(), zone)


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the clinic ending `day`: the exclusive end of a whole-day range."""
    return datetime.combine(day + timedelta(days=1), time(), zone)
