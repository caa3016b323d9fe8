"""What the questionnaire screens show before anything is entered: whose session it is,
whether it still takes a questionnaire, and the totals already taken. Opening the nurse's
entry screen shows the patient's name and earlier answers, so it is logged as an access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from monitor.db.engine import Database
from monitor.db.models import InfusionSession, Patient
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.domain.questionnaires import BEFORE_DOSING
from monitor.domain.session_state import SessionState
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.errors import NotFound
from monitor.services.questionnaires import ResponseSummary, latest_responses
from monitor.services.record_access import log_opening


@dataclass(frozen=True)
class QuestionnaireContext:
    session_id: int
    patient_name: str
    mrn: str
    chair: str
    state: str
    before_dosing: bool
    latest: tuple[ResponseSummary, ...]


def questionnaire_context(
    *, database: Database, actor: Actor, session_id: int, now: datetime | None = None
) -> QuestionnaireContext:
    """The session the nurse enters a questionnaire for (NotFound if none), logged."""
    ensure_allowed(actor, Action.RECORD_QUESTIONNAIRE)
    at = now or utcnow()
    with database.session_scope() as db:
        session = db.get(InfusionSession, session_id)
        if session is None:
            raise NotFound(f"Session {session_id} does not exist")
        patient = db.get_one(Patient, session.patient_id)
        log_opening(
            db,
            actor=actor,
            session_id=session.id,
            what="bedside",
            at=at,
            detail={"screen": "questionnaire"},
        )
        return QuestionnaireContext(
            session.id,
            f"{patient.family_name}, {patient.given_name}",
            patient.mrn,
            session.chair,
            session.state,
            SessionState(session.state) in BEFORE_DOSING,
            latest_responses(db, session.id),
        )
