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
from monitor.web.request_args import choice_id

MAX_TEXT = 100
NO_DAY_PROBLEMS = {
    "start_invalid": False,
    "end_invalid": False,
    "start_problem": "",
    "end_problem": "",
}


def day_problems(error: InvalidEntry) -> dict[str, Any]:
    """The From and To fields marked with what is wrong with each, as the history and the
    measures pages show them (callback outputs `start_invalid` … `end_problem`)."""
    said = {p.field: p.message for p in error.problems}
    return {
        "start_invalid": "start" in said,
        "end_invalid": "end" in said,
        "start_problem": said.get("start", ""),
        "end_problem": said.get("end", ""),
    }


def days(start: Any, end: Any, *, required: bool = False) -> tuple[date | None, date | None]:
    """The From and To days, or InvalidEntry naming every bad one (and, when `required`,
    every missing one): the history's filter and the measures' period read them alike."""
    found: dict[str, date | None] = {}
    problems: list[FieldProblem] = []
    for name, label, value in (("start", "From", start), ("end", "To", end)):
        try:
            found[name] = parse_day(value, name, label)
        except InvalidEntry as refused:
            found[name] = None
            problems += refused.problems
            continue
        if required and found[name] is None:
            problems.append(FieldProblem(name, f"{label}: enter a date"))
    if problems:
        raise InvalidEntry(problems)
    return found["start"], found["end"]


def parse(values: Mapping[str, Any], zone: ZoneInfo) -> HistoryFilter:
    """Form or query values → a filter; dates are whole clinic-local days. A date that is
    not one, or outside the days a filter may name, is InvalidEntry at `start` or `end`."""
    start, end = days(values.get("start"), values.get("end"))
    raw_flags = values.get("flags") or []
    if isinstance(raw_flags, str):
        raw_flags = raw_flags.split(",")
    patient = str(values.get("patient") or "").strip()[:MAX_TEXT] or None
    protocol = str(values.get("protocol") or "").strip()[:64] or None
    return HistoryFilter(
        start=day_start(start, zone) if start else None,
        end=day_end(end, zone) if end else None,
        patient=patient,
        nurse_id=choice_id(values.get("nurse")),
        physician_id=choice_id(values.get("physician")),
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
