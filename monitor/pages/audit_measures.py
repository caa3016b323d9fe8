"""The quality measures by week or month for a chosen period (definitions in the README)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from dash import Dash, Input, Output, State

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.services import quality
from monitor.ui import audit_view
from monitor.ui.bedside_view import problem
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


def _parse(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _show(_: Any, start: Any, end: Any, period: Any) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    first, last = _parse(start), _parse(end)
    if first is None or last is None or last < first or (last - first).days > MAX_DAYS:
        return problem("Choose a period of up to five years: from a date to a later one."), ""
    zone = rt.config.clinic.zone
    frame = quality.measures(
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=datetime.combine(first, time(), zone),
        end=datetime.combine(last + timedelta(days=1), time(), zone),
        period="week" if period == "week" else "month",
    )
    return audit_view.measure_charts(frame), audit_view.measure_table(frame)


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(A.MEASURE_CHARTS, "children"),
        Output(A.MEASURE_TABLE, "children"),
        Input(A.MEASURE_APPLY, "n_clicks"),
        State(A.MEASURE_START, "value"),
        State(A.MEASURE_END, "value"),
        State(A.PERIOD, "value"),
    )(_show)
