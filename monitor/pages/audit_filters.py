"""The history filter as the auditor's form and the export links carry it: parsed strictly,
so a crafted query string is refused or ignored, never trusted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from monitor.db.audit_queries import FLAGS, HistoryFilter

MAX_TEXT = 100


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    text = str(value) if value not in (None, "") else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def parse(values: Mapping[str, Any], zone: ZoneInfo) -> HistoryFilter:
    """Form or query values → a filter; dates are whole clinic-local days."""
    start, end = _date(values.get("start")), _date(values.get("end"))
    raw_flags = values.get("flags") or []
    if isinstance(raw_flags, str):
        raw_flags = raw_flags.split(",")
    patient = str(values.get("patient") or "").strip()[:MAX_TEXT] or None
    protocol = str(values.get("protocol") or "").strip()[:64] or None
    return HistoryFilter(
        start=datetime.combine(start, time(), zone) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(), zone) if end else None,
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
