"""One session in full: timeline, readings (with their addenda), excursions and their
acknowledgements, signatures, addenda and the audit trail; its PDF; corrections as addenda.
Opened from the board or the bedside page; each opening (page load) and each PDF is logged
as an access (services/record_access.py). While the session is in recovery a physician
co-signs the discharge here (the approval panel shared with the bedside card)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response

from monitor import auth, runtime
from monitor.domain.permissions import Action, is_allowed
from monitor.domain.session_state import SessionState
from monitor.pages.bedside_recovery import register_approval
from monitor.services.addenda import add_addendum
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.session_record import discharge_pdf, session_record
from monitor.ui import recovery_view, session_view
from monitor.ui.feedback import notice, problem
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
    approval = None
    in_recovery = record.snapshot.header.state == SessionState.RECOVERY.value
    if in_recovery and is_allowed(actor.role, Action.DISCHARGE):
        ids, refresh_ms = recovery_view.RECORD, rt.config.app.bedside_refresh_seconds * 1000
        approval = session_view.approval_card(
            recovery_view.approval_panel(ids, refresh_ms, uuid4().hex, with_status=True),
            recovery_view.outcome_toast(ids),
        )
    return session_view.page(
        record,
        rt.config.clinic.zone,
        uuid4().hex,
        approval=approval,
        spo2_range=rt.config.chart.spo2_range,
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
        },
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule("/session/<int:session_id>/record.pdf", "session_pdf", _pdf)


def register_callbacks(app: Dash) -> None:
    register_routes(app.server)
    # The trail filter (here and on the auditor's review, which shows the same record):
    # rows are marked when rendered, so filtering only hides rows in the browser; no
    # callback reads the trail again, so no read of the record escapes the opening's log.
    app.clientside_callback(  # type: ignore[no-untyped-call]
        "(v) => v === 'access' ? 'audit-trail audit-only-access' : 'audit-trail'",
        Output(S.AUDIT_TABLE, "className"),
        Input(S.AUDIT_FILTER, "value"),
    )
    register_approval(app, recovery_view.RECORD, State(S.SESSION, "data"), with_status=True)
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
