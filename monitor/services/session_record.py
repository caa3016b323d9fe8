"""One session in full, for the drill-down page: readings, ratings, events, excursions,
their acknowledgements and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.db import queries
from monitor.db.engine import Database
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.errors import NotFound


@dataclass(frozen=True)
class SessionRecord:
    snapshot: queries.SessionSnapshot
    acknowledgements: dict[int, queries.AcknowledgementRow]
    audit: tuple[queries.AuditRow, ...]


def session_record(*, database: Database, actor: Actor, session_id: int) -> SessionRecord:
    ensure_allowed(actor, Action.VIEW_SESSION)
    with database.session_scope() as db:
        snapshot = queries.session_snapshot(db, session_id)
        if snapshot is None:
            raise NotFound(f"Session {session_id} does not exist")
        acks = {a.excursion_id: a for a in queries.acknowledgements_of(db, session_id)}
        audit = tuple(queries.audit_trail(db, session_id))
    return SessionRecord(snapshot, acks, audit)
