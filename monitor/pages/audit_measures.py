"""The quality measures by week or month for a chosen period (definitions in the README)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, State

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import day_end, day_start
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.pages import audit_filters, audit_intervention_exports
from monitor.services import quality
from monitor.ui import audit_view, course_measures_view, intervention_measures_view
from monitor.ui.feedback import problem
from monitor.ui.ids import Audit

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
    first, last = audit_filters.days(start, end, required=True)
    if first is None or last is None:  # required: InvalidEntry was raised already
        raise InvalidEntry([])
    if last < first or (last - first).days > MAX_DAYS:
        raise refuse("end", "Choose a period of up to five years: from a date to a later one.")
    return first, last


def _show(*, start: Any, end: Any, period: Any, **_clicked: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    try:
        first, last = _period(start, end)
    except InvalidEntry as error:
        cleared = {"charts": problem(error), "table": "", "courses": "", "interventions": ""}
        return cleared | audit_filters.day_problems(error)
    zone = rt.config.clinic.zone
    frame = quality.measures(
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=day_start(first, zone),
        end=day_end(last, zone),
        period="week" if period == "week" else "month",
    )
    courses = quality.course_measures(  # issue 12
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=day_start(first, zone),
        end=day_end(last, zone),
    )
    interventions = quality.intervention_measures(  # issue 13
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=day_start(first, zone),
        end=day_end(last, zone),
    )
    return {
        "charts": audit_view.measure_charts(frame),
        "interventions": intervention_measures_view.intervention_measures(
            interventions,
            exports=[
                (
                    "Adverse events (CSV)",
                    audit_intervention_exports.href("adverse_events", first, last),
                ),
                ("Medications (CSV)", audit_intervention_exports.href("medications", first, last)),
            ],
        ),
        "courses": course_measures_view.course_measures(courses, zone),
        "table": audit_view.measure_table(frame),
        **audit_filters.NO_DAY_PROBLEMS,
    }


def register_callbacks(app: Dash) -> None:
    audit_intervention_exports.register_routes(app.server)
    app.callback(
        output={
            "charts": Output(Audit.MEASURE_CHARTS, "children"),
            "table": Output(Audit.MEASURE_TABLE, "children"),
            "courses": Output(Audit.MEASURE_COURSES, "children"),
            "interventions": Output(Audit.MEASURE_INTERVENTIONS, "children"),
            "start_invalid": Output(Audit.MEASURE_START, "invalid"),
            "end_invalid": Output(Audit.MEASURE_END, "invalid"),
            "start_problem": Output(Audit.MEASURE_START_PROBLEM, "children"),
            "end_problem": Output(Audit.MEASURE_END_PROBLEM, "children"),
        },
        inputs={"applied": Input(Audit.MEASURE_APPLY, "n_clicks")},
        state={
            "start": State(Audit.MEASURE_START, "value"),
            "end": State(Audit.MEASURE_END, "value"),
            "period": State(Audit.PERIOD, "value"),
        },
    )(_show)
