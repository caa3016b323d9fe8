"""The audit entry every write adds in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.db.models import AuditEvent
from monitor.services.actors import Actor


def add_audit(
    db: Session,
    *,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    at: datetime,
    session_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction."""
    event = AuditEvent(
        occurred_at=at,
        actor_id=actor.id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        session_id=session_id,
        old_values=old,
        new_values=new,
        reason=reason,
    )
    db.add(event)
    return event
