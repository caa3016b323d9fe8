"""Times as the clinic reads them: stored UTC shown in the clinic's zone (`clinic.time_zone`).

Every time that leaves the app (screens, messages, CSV exports) goes through here, so a
clinic in Denver never sees a UTC time, and an export is unambiguous on its own.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


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
