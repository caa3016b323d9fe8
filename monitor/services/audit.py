"""The audit entry every write adds in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from monitor.db.models import AuditChainHead, AuditEvent
from monitor.domain.audit_chain import event_hash
from monitor.services.actors import Actor

HEAD_ID = 1


class Stored(Protocol):
    """A new row the database numbers on flush."""

    @property
    def id(self) -> int: ...


StoredRow = TypeVar("StoredRow", bound=Stored)


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
    """Add an audit event to the caller's transaction, chained to the one before it.

    The chain head is locked until the transaction ends, so events are linked in the order
    they commit, whichever worker writes them.
    """
    head = _locked_head(db)
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
        prev_hash=head.last_hash,
    )
    event.hash = event_hash(head.last_hash, event.chained_fields())
    db.add(event)
    db.flush()
    head.last_hash = event.hash
    return event


def add_recorded(
    db: Session,
    row: StoredRow,
    *,
    actor: Actor | None,
    action: str,
    entity_type: str,
    at: datetime,
    session_id: int | None = None,
    reason: str | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> StoredRow:
    """Add a new record and its audit entry to the caller's transaction: the row is flushed
    first so the entry names the id it was given (every write is audited with its own row).
    The other arguments are read before the flush: an entry that needs the new row's id
    elsewhere (a session opened names itself) adds, flushes and audits by hand."""
    db.add(row)
    db.flush()
    add_audit(
        db,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=row.id,
        at=at,
        session_id=session_id,
        reason=reason,
        old=old,
        new=new,
    )
    return row


def _locked_head(db: Session) -> AuditChainHead:
    db.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=AuditChainHead.last_hash)
        .execution_options(synchronize_session=False)
    )
    head = db.get(AuditChainHead, HEAD_ID, populate_existing=True)
    if head is None:
        raise RuntimeError("audit chain head missing: run `monitor db upgrade`")
    return head
