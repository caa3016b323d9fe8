"""The auditor's read-only review of one session: timeline, readings with their addenda,
excursions, signatures and the complete audit trail; each opening is itself logged."""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask import Flask, Response

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services import quality
from monitor.services.errors import NotFound
from monitor.ui import session_view

PATH = "/audit/session/<session_id>"
NAME = "Session review"
ROLES = ("auditor",)
IN_NAV = False


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    sid = auth.record_id(session_id)
    if sid is None:
        return session_view.missing(session_id)
    try:
        record = quality.review_session(database=rt.database, actor=actor, session_id=sid)
    except NotFound:
        return session_view.missing(session_id)
    return session_view.page(
        record, rt.config.clinic.zone, "", read_only=True, spo2_range=rt.config.chart.spo2_range
    )


def _rems(session_id: int) -> Response:
    rt = runtime.current()
    actor = auth.require(Action.EXPORT_RECORD)
    if auth.record_id(session_id) is None:
        auth.not_found()
    try:
        text = quality.rems_csv(
            database=rt.database, config=rt.config, actor=actor, session_id=session_id
        )
    except NotFound:
        auth.not_found()
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="session-{session_id}-rems.csv"',
        },
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule("/session/<int:session_id>/rems.csv", "session_rems", _rems)


def register_callbacks(app: Dash) -> None:
    """Read-only: no callbacks; the REMS summary is a route."""
    register_routes(app.server)
