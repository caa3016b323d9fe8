"""The auditor's session history: filters, a server-paged grid, and CSV exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response, request

from monitor import auth, runtime
from monitor.db.audit_queries import COUNT_CAP
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Action
from monitor.pages import audit_filters
from monitor.runtime import Runtime
from monitor.services import quality
from monitor.services.actors import Actor
from monitor.ui import audit_view
from monitor.ui.feedback import problem
from monitor.ui.ids import Audit
from monitor.web import downloads, request_args

PATH = "/audit/sessions"
NAME = "Session history"
ROLES = ("auditor",)
IN_NAV = True
GRID_BLOCK = 50  # the rows the grid asks for at a time
MAX_PAGE = 500  # rows in one grid request
MAX_ROW = request_args.MAX_ID  # no history has more sessions than there are session ids


def layout(**_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    staff = quality.staff_choices(database=rt.database, actor=actor)
    protocols = [(p.id, p.name) for p in rt.config.protocols]
    today = utcnow().astimezone(rt.config.clinic.zone).date()
    return audit_view.history_page(staff, protocols, today)


def _apply(
    *,
    start: Any,
    end: Any,
    patient: Any,
    nurse: Any,
    physician: Any,
    protocol: Any,
    flags: Any,
    **_clicked: Any,
) -> dict[str, Any]:
    auth.require(Action.REVIEW)
    values = {
        "start": start,
        "end": end,
        "patient": patient,
        "nurse": nurse,
        "physician": physician,
        "protocol": protocol,
        "flags": [str(f) for f in request_args.list_arg(flags)],
    }
    try:
        audit_filters.parse(values, runtime.current().config.clinic.zone)
    except InvalidEntry as error:  # the grid and the links keep the filter they had
        kept = {"filter_model": no_update, "sessions_link": no_update, "readings_link": no_update}
        return kept | audit_filters.day_problems(error)
    query = audit_filters.as_query(values)
    return {
        "filter_model": audit_view.filter_model(query),
        "sessions_link": f"/audit/export/sessions.csv?{query}",
        "readings_link": f"/audit/export/readings.csv?{query}",
        **audit_filters.NO_DAY_PROBLEMS,
    }


def _rows(request_: Any) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    if not isinstance(request_, dict):
        return no_update, no_update
    start, end = request_args.row_window(
        request_.get("startRow"),
        request_.get("endRow"),
        block=GRID_BLOCK,
        most=MAX_PAGE,
        last_row=MAX_ROW,
    )
    models = request_.get("sortModel")
    sort = models[0] if isinstance(models, list) and models and isinstance(models[0], dict) else {}
    query = audit_view.query_of(request_.get("filterModel"))
    try:
        chosen = audit_filters.parse(dict(parse_qsl(query)), rt.config.clinic.zone)
    except InvalidEntry as error:  # only a crafted request gets here: the form refuses it
        return {"rowData": [], "rowCount": 0}, problem(error)
    rows, total = quality.history(
        database=rt.database,
        config=rt.config,
        actor=actor,
        query=chosen,
        sort=str(sort.get("colId") or "opened_at"),
        descending=sort.get("sort", "desc") != "asc",
        offset=start,
        limit=end - start,
    )
    # The grid learns where the list ends: from the count, or from a short last page.
    known = total if total is not None else (start + len(rows) if len(rows) < end - start else -1)
    words = (
        f"{total:,} sessions match"
        if total is not None
        else f"more than {COUNT_CAP:,} sessions match"
    )
    return (
        {"rowData": audit_view.grid_rows(rows, rt.config.clinic.zone), "rowCount": known},
        words,
    )


def _export(kind: str) -> Response:
    """The matching sessions (`kind` "sessions") or their readings as CSV; a filter the
    form would refuse is a 400 in the auditor's words."""

    def lines(rt: Runtime, actor: Actor) -> Iterator[str]:
        chosen = audit_filters.parse(request.args, rt.config.clinic.zone)
        export = quality.sessions_csv if kind == "sessions" else quality.readings_csv
        return export(database=rt.database, config=rt.config, actor=actor, query=chosen)

    def filename(rt: Runtime) -> str:
        stamp = utcnow().astimezone(rt.config.clinic.zone).strftime("%Y%m%dT%H%M%S%z")
        return f"{kind}-{stamp}.csv"  # clinic time

    return downloads.download(Action.REVIEW, lines, filename=filename, mimetype=downloads.CSV)


def register_routes(server: Flask) -> None:
    server.add_url_rule(
        "/audit/export/sessions.csv", "export_sessions", lambda: _export("sessions")
    )
    server.add_url_rule(
        "/audit/export/readings.csv", "export_readings", lambda: _export("readings")
    )


def register_callbacks(app: Dash) -> None:
    register_routes(app.server)
    app.callback(
        output={
            "filter_model": Output(Audit.GRID, "filterModel"),
            "sessions_link": Output(Audit.EXPORT_SESSIONS, "href"),
            "readings_link": Output(Audit.EXPORT_READINGS, "href"),
            "start_invalid": Output(Audit.START, "invalid"),
            "end_invalid": Output(Audit.END, "invalid"),
            "start_problem": Output(Audit.START_PROBLEM, "children"),
            "end_problem": Output(Audit.END_PROBLEM, "children"),
        },
        inputs={"applied": Input(Audit.APPLY, "n_clicks")},
        state={
            "start": State(Audit.START, "value"),
            "end": State(Audit.END, "value"),
            "patient": State(Audit.PATIENT, "value"),
            "nurse": State(Audit.NURSE, "value"),
            "physician": State(Audit.PHYSICIAN, "value"),
            "protocol": State(Audit.PROTOCOL, "value"),
            "flags": State(Audit.FLAGS, "value"),
        },
    )(_apply)
    app.callback(
        Output(Audit.GRID, "getRowsResponse"),
        Output(Audit.COUNT, "children"),
        Input(Audit.GRID, "getRowsRequest"),
        prevent_initial_call=True,
    )(_rows)
