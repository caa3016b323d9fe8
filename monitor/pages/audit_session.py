"""The auditor's read-only review of one session: timeline, readings with their addenda,
excursions, signatures and the complete audit trail; each opening is itself logged."""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask import Flask, Response

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.pages.session import opened_record
from monitor.services import quality
from monitor.ui import session_view
from monitor.web import downloads

PATH = "/audit/session/<session_id>"
NAME = "Session review"
ROLES = ("auditor",)
IN_NAV = False


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.REVIEW)
    record = opened_record(
        session_id,
        lambda sid: quality.review_session(
            database=rt.database,
            actor=actor,
            session_id=sid,
            ketamine_step=rt.config.ketamine.balance_to_ml,
        ),
    )
    if record is None:
        return session_view.missing(session_id)
    return session_view.page(
        record, rt.config.clinic.zone, "", read_only=True, spo2_range=rt.config.chart.spo2_range
    )


def _rems(session_id: int) -> Response:
    return downloads.session_download(
        Action.EXPORT_RECORD, session_id, quality.rems_csv, what="rems.csv", mimetype=downloads.CSV
    )


def register_routes(server: Flask) -> None:
    server.add_url_rule("/session/<int:session_id>/rems.csv", "session_rems", _rems)


def register_callbacks(app: Dash) -> None:
    """Read-only: no callbacks; the REMS summary is a route."""
    register_routes(app.server)
