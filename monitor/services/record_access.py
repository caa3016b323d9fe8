"""Log who opened which session's record, and how, in the caller's transaction; the one
function every screen and export that shows a patient's record calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.domain.record_access import EXPORTS, RECORD_EXPORTED, RECORD_VIEWED, What
from monitor.services.actors import Actor
from monitor.services.audit import add_audit


def log_opening(
    db: Session,
    *,
    actor: Actor,
    session_id: int,
    what: What,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """One access entry: `record.viewed` for a screen (the record, the bedside chart),
    `record.exported` for the PDF (a copy that leaves the system), each with the viewer's
    role and what they opened."""
    add_audit(
        db,
        actor=actor,
        action=RECORD_EXPORTED if what in EXPORTS else RECORD_VIEWED,
        entity_type="session",
        entity_id=session_id,
        session_id=session_id,
        at=at,
        new={"by_role": actor.role.value, "what": what, **(detail or {})},
    )
