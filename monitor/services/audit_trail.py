"""Check the audit trail's hash chain from the first event to the recorded head, and take
anchors of it to keep outside the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.db import queries
from monitor.db.engine import Database
from monitor.db.models import AuditChainHead
from monitor.db.types import utcnow
from monitor.domain.audit_chain import Anchor, Verdict, anchor_at, verify
from monitor.services.audit import HEAD_ID


def verify_chain(*, database: Database, anchors: Sequence[Anchor] = ()) -> Verdict:
    """Walk every audit event in order; the verdict names the first broken link, the first
    anchor that no longer holds, or a chain that stops short of its recorded head.

    The head is read before the walk: an event committed meanwhile comes after it, so a
    busy clinic is not mistaken for a truncated trail."""
    with database.session_scope() as db:
        head = db.get(AuditChainHead, HEAD_ID)
        head_hash = head.last_hash if head else None
        return verify(queries.audit_links(db), head=head_hash, anchors=anchors)


def take_anchor(*, database: Database, now: datetime | None = None) -> tuple[Verdict, Anchor]:
    """Verify the chain and return an anchor at its last event (only worth keeping if the
    verdict is intact: an anchor of a tampered trail would vouch for it)."""
    verdict = verify_chain(database=database)
    return verdict, anchor_at(verdict.last, verdict.checked, now or utcnow())
