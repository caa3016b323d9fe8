"""The nurse's recovery assessment: the Aldrete items the nurse scores and the checklist the
nurse confirms. Each new assessment supersedes the earlier; the nurse then signs the latest
(sign_off.py), and the criteria are judged from it (recovery_criteria.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import RecoveryAssessment
from monitor.db.types import utcnow
from monitor.domain.discharge import NurseAssessment, check_assessment
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.idempotency import run_once, same_person, same_request, same_session
from monitor.services.recovery_criteria import ensure_in_recovery
from monitor.services.session_lifecycle import load_locked


def record_assessment(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    activity: int,
    respiration: int,
    consciousness: int,
    confirmed: Collection[str],
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Store the nurse's recovery assessment (it supersedes any earlier one).

    `confirmed` names the checklist items confirmed; every other item of the protocol's
    checklist is recorded as not confirmed.
    """
    ensure_allowed(actor, Action.ASSESS_RECOVERY)
    at = now or utcnow()
    ticked = set(confirmed)

    def write(db: Session) -> int:
        session = load_locked(db, session_id)
        ensure_in_recovery(session)
        items = config.protocol(session.protocol_id).discharge.checklist
        unknown = sorted(ticked - set(items))
        if unknown:
            raise refuse("checklist", f"Not on this protocol's checklist: {', '.join(unknown)}")
        checklist: dict[str, bool] = {str(item): item in ticked for item in items}
        check_assessment(NurseAssessment(activity, respiration, consciousness, checklist), items)
        row = RecoveryAssessment(
            session_id=session.id,
            activity=activity,
            respiration=respiration,
            consciousness=consciousness,
            checklist=dict(checklist),
            assessed_by=actor.id,
            assessed_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="recovery.assessed",
            entity_type="assessment",
            session_id=session.id,
            at=at,
            new={
                "activity": activity,
                "respiration": respiration,
                "consciousness": consciousness,
                "checklist": dict(checklist),
            },
        )
        return row.id

    def replay(_db: Session, prior: RecoveryAssessment) -> int:
        same_session(prior.session_id, session_id)
        same_person(prior.assessed_by, actor.id)
        same_request(
            (
                prior.activity,
                prior.respiration,
                prior.consciousness,
                {k for k, v in prior.checklist.items() if v},
            )
            == (activity, respiration, consciousness, ticked)
        )
        return prior.id

    return run_once(database, RecoveryAssessment, idempotency_key, write=write, replay=replay)
