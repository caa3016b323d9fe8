"""Check the audit trail's hash chain from the first event to the last."""

from __future__ import annotations

from monitor.db import queries
from monitor.db.engine import Database
from monitor.domain.audit_chain import Verdict, verify


def verify_chain(*, database: Database) -> Verdict:
    """Walk every audit event in order; the verdict names the first broken link, if any."""
    with database.session_scope() as db:
        return verify(queries.audit_links(db))
