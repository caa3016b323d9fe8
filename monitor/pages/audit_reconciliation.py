"""The controlled-substance reconciliation (physician and auditor): ketamine drawn, given and
wasted by clinic day and by lot over a period, and its CSV. Read-only: a discrepancy is
resolved on the session's ketamine record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response, request

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import day_end, day_start
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.pages import audit_filters
from monitor.runtime import Runtime
from monitor.services import reconciliation
from monitor.services.actors import Actor
from monitor.ui import reconciliation_view
from monitor.ui.feedback import problem
from monitor.ui.ids import Recon
from monitor.web import downloads

PATH = "/audit/reconciliation"
NAME = "Ketamine reconciliation"
ROLES = ("physician", "auditor")
IN_NAV = True
DEFAULT_DAYS = 30
MAX_DAYS = 366
EXPORT_PATH = "/audit/export/reconciliation.csv"


def layout(**_: Any) -> Any:
    rt = runtime.current()
    auth.require(Action.VIEW_RECONCILIATION)
    today = utcnow().astimezone(rt.config.clinic.zone).date()
    return reconciliation_view.page(today - timedelta(days=DEFAULT_DAYS - 1), today)


def _period(start: Any, end: Any) -> tuple[date, date]:
    """The first and last clinic day asked for, or InvalidEntry at each wrong field."""
    first, last = audit_filters.days(start, end, required=True)
    if first is None or last is None:  # required: InvalidEntry was raised already
        raise InvalidEntry([])
    if last < first or (last - first).days >= MAX_DAYS:
        raise refuse("end", "Choose a period of up to a year: from a date to a later one.")
    return first, last


def _show(*, start: Any, end: Any, **_clicked: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_RECONCILIATION)
    try:
        first, last = _period(start, end)
    except InvalidEntry as error:
        return {"report": problem(error), "export": no_update} | audit_filters.day_problems(error)
    zone = rt.config.clinic.zone
    found = reconciliation.reconciliation(
        database=rt.database,
        config=rt.config,
        actor=actor,
        start=day_start(first, zone),
        end=day_end(last, zone),
    )
    return {
        "report": reconciliation_view.report(found, actor.role),
        "export": reconciliation_view.export_href(first, last),
        **audit_filters.NO_DAY_PROBLEMS,
    }


def _export() -> Response:
    """The reconciliation of ?start=…&end=… (clinic days) as CSV; a period the form would
    refuse is a 400 in the person's words."""

    def lines(rt: Runtime, actor: Actor) -> Any:
        first, last = _period(request.args.get("start"), request.args.get("end"))
        zone = rt.config.clinic.zone
        return reconciliation.reconciliation_csv(
            database=rt.database,
            config=rt.config,
            actor=actor,
            start=day_start(first, zone),
            end=day_end(last, zone),
        )

    def filename(rt: Runtime) -> str:
        stamp = utcnow().astimezone(rt.config.clinic.zone).strftime("%Y%m%dT%H%M%S%z")
        return f"reconciliation-{stamp}.csv"  # clinic time

    return downloads.download(
        Action.VIEW_RECONCILIATION, lines, filename=filename, mimetype=downloads.CSV
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule(EXPORT_PATH, "export_reconciliation", _export)


def register_callbacks(app: Dash) -> None:
    register_routes(app.server)
    app.callback(
        output={
            "report": Output(Recon.REPORT, "children"),
            "export": Output(Recon.EXPORT, "href"),
            "start_invalid": Output(Recon.START, "invalid"),
            "end_invalid": Output(Recon.END, "invalid"),
            "start_problem": Output(Recon.START_PROBLEM, "children"),
            "end_problem": Output(Recon.END_PROBLEM, "children"),
        },
        inputs={"applied": Input(Recon.APPLY, "n_clicks")},
        state={"start": State(Recon.START, "value"), "end": State(Recon.END, "value")},
    )(_show)
