"""The recovery sign-off as it stands: every discharge criterion judged now, the nurse's
latest assessment, the signatures given and the HIGH alerts that hold the approval.

The writes are elsewhere: the assessment in recovery_assessment.py, the signatures in
sign_off.py, a signed exit in exits.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.db.queries import SignatureRow, signatures_of
from monitor.db.types import utcnow
from monitor.domain.approval import OpenAlert, blocking_alerts
from monitor.domain.discharge import Criterion, NurseAssessment, all_met
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import SignatureMeaning
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.errors import NotFound
from monitor.services.recovery_criteria import (
    as_assessment,
    criteria_now,
    latest_assessment,
    open_alerts,
)


@dataclass(frozen=True)
class RecoveryStatus:
    state: SessionState
    criteria: tuple[Criterion, ...]
    ready: bool
    assessment_id: int | None
    assessment: NurseAssessment | None
    signatures: tuple[SignatureRow, ...]
    open_highs: tuple[OpenAlert, ...] = ()  # unacknowledged HIGH excursions: they hold approval

    @property
    def performed(self) -> SignatureRow | None:
        """The nurse's signature on the latest assessment, if given."""
        return next(
            (
                s
                for s in self.signatures
                if s.meaning == SignatureMeaning.PERFORMED and s.assessment_id == self.assessment_id
            ),
            None,
        )

    @property
    def approved(self) -> SignatureRow | None:
        return next((s for s in self.signatures if s.meaning == SignatureMeaning.APPROVED), None)


def recovery_status(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
) -> RecoveryStatus:
    """Every criterion as it stands now, the latest assessment and the signatures."""
    ensure_allowed(actor, Action.VIEW_SESSION)
    at = now or utcnow()
    with database.session_scope() as db:
        session = db.get(InfusionSession, session_id)
        if session is None:
            raise NotFound(f"Session {session_id} does not exist")
        latest = latest_assessment(db, session_id)
        assessment = as_assessment(latest)
        criteria = criteria_now(db, session, config, at, assessment)
        return RecoveryStatus(
            SessionState(session.state),
            tuple(criteria),
            all_met(criteria),
            latest.id if latest else None,
            assessment,
            tuple(signatures_of(db, session_id)),
            tuple(blocking_alerts(open_alerts(db, session_id))),
        )
