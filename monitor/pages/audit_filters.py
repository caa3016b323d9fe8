"""The history filter as the auditor's form and the export links carry it: parsed strictly,
so a crafted query string is refused or ignored, never trusted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from monitor.db.audit_queries import FLAGS, HistoryFilter
from monitor.domain.clinic_time import day_end, day_start, parse_day
from monitor.domain.errors import FieldProblem, InvalidEntry

MAX_TEXT = 100


def _int(value: Any) -> int | None:
    text = str(value) if value not in (None, "") else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _days(values: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """The From and To days, or InvalidEntry naming every bad one."""
    days: list[date | None] = []
    problems: list[FieldProblem] = []
    for name, label in (("start", "From"), ("end", "To")):
        try:
            days.append(parse_day(values.get(name), name, label))
        except InvalidEntry as refused:
            days.append(None)
            problems += refused.problems
    if problems:
        raise InvalidEntry(problems)
    return days[0], days[1]


def parse(values: Mapping[str, Any], zone: ZoneInfo) -> HistoryFilter:
    """Form or query values → a filter; dates are whole clinic-local days. A date that is
    not one, or outside the days a filter may name, is InvalidEntry at `start` or `end`."""
    start, end = _days(values)
    raw_flags = values.get("flags") or []
    if isinstance(raw_flags, str):
        raw_flags = raw_flags.split(",")
    patient = str(values.get("patient") or "").strip()[:MAX_TEXT] or None
    protocol = str(values.get("protocol") or "").strip()[:64] or None
    return HistoryFilter(
        start=day_start(start, zone) if start else None,
        end=day_end(end, zone) if end else None,
        patient=patient,
        nurse_id=_int(values.get("nurse")),
        physician_id=_int(values.get("physician")),
        protocol_id=protocol,
        flags=frozenset(f for f in raw_flags if f in FLAGS),
    )


def as_query(values: Mapping[str, Any]) -> str:
    """The same filter as a query string, for the export links."""
    flags = values.get("flags") or []
    pairs = {
        k: values.get(k)
        for k in ("start", "end", "patient", "nurse", "physician", "protocol")
        if values.get(k)
    }
    if flags:
        pairs["flags"] = ",".join(flags)
    return urlencode(pairs)
