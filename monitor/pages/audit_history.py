"""The auditor's session history: filters, a server-paged grid, and CSV exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response, request, stream_with_context

from monitor import auth, runtime
from monitor.db.audit_queries import COUNT_CAP
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Action
from monitor.pages import audit_filters
from monitor.services import quality
from monitor.ui import audit_view
from monitor.ui.feedback import describe, problem
from monitor.ui.ids import Audit as A

PATH = "/audit/sessions"
NAME = "Session history"
ROLES = ("auditor",)
IN_NAV = True
MAX_PAGE = 500  # rows in one grid request; the grid asks for blocks of 50
MAX_ROW = auth.MAX_ID  # no history has more sessions than there are session ids


def layout(**_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    staff = quality.staff_choices(database=rt.database, actor=actor)
    protocols = [(p.id, p.name) for p in rt.config.protocols]
    today = utcnow().astimezone(rt.config.clinic.zone).date()
    return audit_view.history_page(staff, protocols, today)


def _apply(
    _: Any,
    start: Any,
    end: Any,
    patient: Any,
    nurse: Any,
    physician: Any,
    protocol: Any,
    flags: Any,
) -> tuple[Any, ...]:
    auth.require(Action.REVIEW)
    values = {
        "start": start,
        "end": end,
        "patient": patient,
        "nurse": nurse,
        "physician": physician,
        "protocol": protocol,
        "flags": [str(f) for f in auth.list_arg(flags)],
    }
    try:
        audit_filters.parse(values, runtime.current().config.clinic.zone)
    except InvalidEntry as error:  # the grid and the links keep the filter they had
        said = {p.field: p.message for p in error.problems}
        return (
            no_update,
            no_update,
            no_update,
            "start" in said,
            "end" in said,
            said.get("start", ""),
            said.get("end", ""),
        )
    query = audit_filters.as_query(values)
    return (
        audit_view.filter_model(query),
        f"/audit/export/sessions.csv?{query}",
        f"/audit/export/readings.csv?{query}",
        False,
        False,
        "",
        "",
    )


def _rows(request_: Any) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    if not isinstance(request_, dict):
        return no_update, no_update
    start, end = _page(request_.get("startRow"), request_.get("endRow"))
    models = request_.get("sortModel")
    sort = models[0] if isinstance(models, list) and models and isinstance(models[0], dict) else {}
    query = audit_view.query_of(request_.get("filterModel"))
    try:
        flt = audit_filters.parse(dict(parse_qsl(query)), rt.config.clinic.zone)
    except InvalidEntry as error:  # only a crafted request gets here: the form refuses it
        return {"rowData": [], "rowCount": 0}, problem(error)
    rows, total = quality.history(
        database=rt.database,
        actor=actor,
        query=flt,
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


def _page(start: Any, end: Any) -> tuple[int, int]:
    """The rows [start, end) the grid asks for: whole numbers from row 0, at most MAX_PAGE
    rows, starting within MAX_ROW. The grid never asks otherwise, so anything else
    (row 2**63, a negative or reversed page, text) is a bad request, not a 500."""
    first = 0 if start is None else start
    if not isinstance(first, int) or isinstance(first, bool):
        auth.bad_request()
    last = first + 50 if end is None else end
    if not isinstance(last, int) or isinstance(last, bool):
        auth.bad_request()
    if not 0 <= first <= MAX_ROW or not first < last <= first + MAX_PAGE:
        auth.bad_request()
    return first, last


def _csv(kind: str) -> Response:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    try:
        flt = audit_filters.parse(request.args, rt.config.clinic.zone)
    except InvalidEntry as error:
        return Response(describe(error), status=400, mimetype="text/plain")
    if kind == "sessions":
        lines = quality.sessions_csv(database=rt.database, config=rt.config, actor=actor, query=flt)
    else:
        lines = quality.readings_csv(database=rt.database, config=rt.config, actor=actor, query=flt)
    stamp = utcnow().astimezone(rt.config.clinic.zone).strftime("%Y%m%dT%H%M%S%z")  # clinic time
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{kind}-{stamp}.csv"',
        },
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule("/audit/export/sessions.csv", "export_sessions", lambda: _csv("sessions"))
    server.add_url_rule("/audit/export/readings.csv", "export_readings", lambda: _csv("readings"))


def register_callbacks(app: Dash) -> None:
    register_routes(app.server)
    app.callback(
        Output(A.GRID, "filterModel"),
        Output(A.EXPORT_SESSIONS, "href"),
        Output(A.EXPORT_READINGS, "href"),
        Output(A.START, "invalid"),
        Output(A.END, "invalid"),
        Output(A.START_PROBLEM, "children"),
        Output(A.END_PROBLEM, "children"),
        Input(A.APPLY, "n_clicks"),
        State(A.START, "value"),
        State(A.END, "value"),
        State(A.PATIENT, "value"),
        State(A.NURSE, "value"),
        State(A.PHYSICIAN, "value"),
        State(A.PROTOCOL, "value"),
        State(A.FLAGS, "value"),
    )(_apply)
    app.callback(
        Output(A.GRID, "getRowsResponse"),
        Output(A.COUNT, "children"),
        Input(A.GRID, "getRowsRequest"),
        prevent_initial_call=True,
    )(_rows)
