"""One session in full: timeline, readings (with their addenda), excursions and their
acknowledgements, signatures, addenda and the audit trail; its PDF; corrections as addenda.
Opened from the board or the bedside page; each opening (page load) and each PDF is logged
as an access (services/record_access.py). While the session is in recovery a physician
co-signs the discharge here (the approval panel shared with the bedside card)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from dash import Dash, Input, Output, State, no_update
from flask import Flask, Response

from monitor import auth, runtime
from monitor.domain.permissions import Action, is_allowed
from monitor.domain.session_state import SessionEvent, SessionState, allows
from monitor.pages.bedside_recovery import register_approval
from monitor.services.addenda import add_addendum
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.session_interventions import rems_serious
from monitor.services.session_record import SessionRecord, discharge_pdf, session_record
from monitor.ui import recovery_view, session_view
from monitor.ui.feedback import notice, problem
from monitor.ui.ids import SessionPage
from monitor.web import downloads, request_args

PATH = "/session/<session_id>"
NAME = "Session"
ROLES = ("nurse", "physician")
IN_NAV = False


def opened_record(
    session_id: str, open_record: Callable[[int], SessionRecord]
) -> SessionRecord | None:
    """The record a page's URL names, opened (and its opening logged) by `open_record`; None
    when the URL's id cannot be a session's or no such session exists, which the page
    shows as "not found" (the clinician's page here, the auditor's review alike)."""
    sid = request_args.record_id(session_id)
    if sid is None:
        return None
    try:
        return open_record(sid)
    except NotFound:
        return None


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_SESSION)
    record = opened_record(
        session_id,
        lambda sid: session_record(
            database=rt.database,
            actor=actor,
            session_id=sid,
            ketamine_step=rt.config.ketamine.balance_to_ml,
        ),
    )
    if record is None:
        return session_view.missing(session_id)
    approval = None
    state = SessionState(record.snapshot.header.state)
    if allows(state, SessionEvent.DISCHARGE) and is_allowed(actor.role, Action.DISCHARGE):
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
        rems_serious=rems_serious(record, rt.config),
    )


def _add(
    *, session_id: Any, reading: Any, field: Any, value: Any, reason: Any, key: Any, **_: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.ADD_ADDENDUM)
    reading_id = request_args.int_arg(reading) if reading not in (None, "") else None
    try:
        add_addendum(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=request_args.int_arg(session_id),
            reading_id=reading_id,
            field=str(field) if reading_id is not None and field else None,
            corrected_value=str(value or ""),
            reason=str(reason or ""),
            idempotency_key=str(key or ""),
        )
    except Conflict as error:
        return {"message": problem(error), "key": uuid4().hex}
    except DomainError as error:
        return {"message": problem(error), "key": no_update}
    return {
        "message": notice("Addendum added: reload to see it in the record."),
        "key": uuid4().hex,
    }


def _pdf(session_id: int) -> Response:
    return downloads.session_download(
        Action.EXPORT_RECORD, session_id, discharge_pdf, what="record.pdf", mimetype=downloads.PDF
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
        Output(SessionPage.AUDIT_TABLE, "className"),
        Input(SessionPage.AUDIT_FILTER, "value"),
    )
    register_approval(
        app, recovery_view.RECORD, State(SessionPage.SESSION, "data"), with_status=True
    )
    app.callback(
        output={
            "message": Output(SessionPage.ADD_MESSAGE, "children"),
            "key": Output(SessionPage.ADDENDUM_KEY, "data"),
        },
        inputs={"submitted": Input(SessionPage.ADD_SUBMIT, "n_clicks")},
        state={
            "session_id": State(SessionPage.SESSION, "data"),
            "reading": State(SessionPage.ADD_READING, "value"),
            "field": State(SessionPage.ADD_FIELD, "value"),
            "value": State(SessionPage.ADD_VALUE, "value"),
            "reason": State(SessionPage.ADD_REASON, "value"),
            "key": State(SessionPage.ADDENDUM_KEY, "data"),
        },
        prevent_initial_call=True,
    )(_add)
