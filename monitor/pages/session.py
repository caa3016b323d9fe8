"""One session in full: the timeline, the readings, excursions with their acknowledgements,
and the audit trail. Opened from the board or the bedside page."""

from __future__ import annotations

from typing import Any

from dash import Dash

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services.errors import NotFound
from monitor.services.session_record import session_record
from monitor.ui import session_view

PATH = "/session/<session_id>"
NAME = "Session"
ROLES = ("nurse", "physician")
IN_NAV = False


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.require(Action.VIEW_SESSION)
    if not session_id.isdigit():
        return session_view.missing(session_id)
    try:
        record = session_record(database=rt.database, actor=actor, session_id=int(session_id))
    except NotFound:
        return session_view.missing(session_id)
    return session_view.page(record, rt.config.clinic.zone)


def register_callbacks(app: Dash) -> None:
    """The session page is read-only: no callbacks."""
