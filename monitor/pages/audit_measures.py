"""The quality measures by week or month for a chosen period (definitions in the README)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, State

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import day_end, day_start, parse_day
from monitor.domain.errors import FieldProblem, InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.services import quality
from monitor.ui import audit_view
from monitor.ui.feedback import problem
from monitor.ui.ids import Audit as A

PATH = "/audit/measures"
NAME = "Quality measures"
ROLES = ("auditor",)
IN_NAV = True
MAX_DAYS = 5 * 366


def layout(**_: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.REVIEW)
    today = utcnow().astimezone(rt.config.clinic.zone).date()
    return audit_view.measures_page(today - timedelta(days=365), today)


def _period(start: Any, end: Any) -> tuple[date, date]:
    """The first and last day asked for, or InvalidEntry naming each field that is wrong."""
    problems: list[FieldProblem] = []
    days: dict[str, date | None] = {}
    for name, label, value in (("start", "From", start), ("end", "To", end)):
        try:
            days[name] = parse_day(value, name, label)
        except InvalidEntry as refused:
            days[name], problems = None, problems + refused.problems
            continue
        if days[name] is None:
            problems.append(FieldProblem(name, f"{label}: enter a date"))
    first, last = days["start"], days["end"]
    if problems or first is None or last is None:
        raise InvalidEntry(problems)
    if last < first or (last - first).days > MAX_DAYS:
        raise refuse("end", "Choose a period of up to five years: from a date to a later one.")
    return first, last


def _show(_: Any, start: Any, end: Any, period: Any) -> tuple[Any, ...]:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    try:
        first, last = _period(start, end)
    except InvalidEntry as error:
        said = {p.field: p.message for p in error.problems}
        return (
            problem(error),
            "",
            "start" in said,
            "end" in said,
            said.get("start", ""),
            said.get("end", ""),
        )
    zone = rt.config.clinic.zone
    frame = quality.measures(
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=day_start(first, zone),
        end=day_end(last, zone),
        period="week" if period == "week" else "month",
    )
    return (
        audit_view.measure_charts(frame),
        audit_view.measure_table(frame),
        False,
        False,
        "",
        "",
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(A.MEASURE_CHARTS, "children"),
        Output(A.MEASURE_TABLE, "children"),
        Output(A.MEASURE_START, "invalid"),
        Output(A.MEASURE_END, "invalid"),
        Output(A.MEASURE_START_PROBLEM, "children"),
        Output(A.MEASURE_END_PROBLEM, "children"),
        Input(A.MEASURE_APPLY, "n_clicks"),
        State(A.MEASURE_START, "value"),
        State(A.MEASURE_END, "value"),
        State(A.PERIOD, "value"),
    )(_show)
