"""One session in full: timeline, readings (with their addenda), excursions and their
acknowledgements, signatures, addenda and the audit trail; its PDF; corrections as addenda.
Opened from the board or the bedside page."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services.addenda import add_addendum
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.session_record import discharge_pdf, session_record
from monitor.ui import session_view
from monitor.ui.bedside_view import notice, problem
from monitor.ui.ids import SessionPage as S

PATH = "/session/<session_id>"
NAME = "Session"
ROLES = ("nurse", "physician")
IN_NAV = False


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_SESSION)
    sid = auth.record_id(session_id)
    if sid is None:
        return session_view.missing(session_id)
    try:
        record = session_record(database=rt.database, actor=actor, session_id=sid)
    except NotFound:
        return session_view.missing(session_id)
    return session_view.page(
        record, rt.config.clinic.zone, uuid4().hex, spo2_range=rt.config.chart.spo2_range
    )


def _add(
    _: int, session_id: Any, reading: Any, field: Any, value: Any, reason: Any, key: Any
) -> tuple[Any, Any]:
    rt = runtime.current()
    actor = auth.require(Action.ADD_ADDENDUM)
    reading_id = auth.int_arg(reading) if reading not in (None, "") else None
    try:
        add_addendum(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=auth.int_arg(session_id),
            reading_id=reading_id,
            field=str(field) if reading_id is not None and field else None,
            corrected_value=str(value or ""),
            reason=str(reason or ""),
            idempotency_key=str(key or ""),
        )
    except Conflict as error:
        return problem(error), uuid4().hex
    except DomainError as error:
        return problem(error), no_update
    return notice("Addendum added: reload to see it in the record."), uuid4().hex


def _pdf(session_id: int) -> Response:
    rt = runtime.current()
    actor = auth.require(Action.EXPORT_RECORD)
    if auth.record_id(session_id) is None:
        auth.not_found()
    try:
        pdf = discharge_pdf(
            database=rt.database, config=rt.config, actor=actor, session_id=session_id
        )
    except NotFound:
        auth.not_found()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="session-{session_id}-record.pdf"',
            "Cache-Control": "no-store",
        },
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule("/session/<int:session_id>/record.pdf", "session_pdf", _pdf)


def register_callbacks(app: Dash) -> None:
    register_routes(app.server)
    app.callback(
        Output(S.ADD_MESSAGE, "children"),
        Output(S.ADDENDUM_KEY, "data"),
        Input(S.ADD_SUBMIT, "n_clicks"),
        State(S.SESSION, "data"),
        State(S.ADD_READING, "value"),
        State(S.ADD_FIELD, "value"),
        State(S.ADD_VALUE, "value"),
        State(S.ADD_REASON, "value"),
        State(S.ADDENDUM_KEY, "data"),
        prevent_initial_call=True,
    )(_add)
