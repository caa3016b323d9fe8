"""The recovery sign-off's electronic signatures: the nurse signs the latest assessment
("performed"), the physician co-signs the discharge ("approved"); a signed exit
(exits.py) signs the same way. Each signature carries the printed name, the time and its
meaning (21 CFR 11.50) and the criteria as they stood; the signer re-enters their password
at each signing (21 CFR 11.200)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession, RecoveryAssessment, Signature
from monitor.db.types import utcnow
from monitor.domain.approval import approval_problems
from monitor.domain.discharge import Criterion, all_met
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.override import clean_override_reason
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionEvent
from monitor.domain.vocabulary import SignatureMeaning
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit, add_recorded
from monitor.services.errors import NotFound
from monitor.services.people import confirm_password
from monitor.services.recovery_criteria import (
    as_assessment,
    criteria_now,
    ensure_in_recovery,
    latest_assessment,
    open_alerts,
)
from monitor.services.session_lifecycle import load_locked, move
from monitor.services.summaries import refresh_summary


def check_signing_password(
    database: Database,
    config: Config,
    actor: Actor,
    password: str,
    *,
    session_id: int,
    now: datetime | None,
) -> None:
    """21 CFR 11.200: each signing is made with the signer's own password, re-entered.

    The session is checked first, so a request refused anyway (no such session, not in
    recovery) gets the same answer with a wrong or a right password; the password is then
    verified under the sign-in throttle (people.confirm_password)."""
    with database.session_scope() as db:
        session = db.get(InfusionSession, session_id)
        if session is None:
            raise NotFound(f"Session {session_id} does not exist")
        ensure_in_recovery(session)
    confirm_password(database=database, config=config, actor=actor, password=password, now=now)


def sign(
    db: Session,
    session: InfusionSession,
    actor: Actor,
    *,
    meaning: SignatureMeaning,
    assessment_id: int | None,
    criteria: list[Criterion],
    at: datetime,
    override_reason: str | None,
) -> Signature:
    """Store one signature with the criteria as they stood, and its audit entry."""
    row = Signature(
        session_id=session.id,
        assessment_id=assessment_id,
        signer_id=actor.id,
        printed_name=actor.full_name,
        role=actor.role.value,
        meaning=meaning.value,
        signed_at=at,
        criteria=[asdict(c) for c in criteria],
        all_criteria_met=all_met(criteria),
        override_reason=override_reason,
    )
    return add_recorded(
        db,
        row,
        actor=actor,
        action=f"signature.{meaning.value}",
        entity_type="signature",
        session_id=session.id,
        at=at,
        reason=override_reason,
        new={
            "printed_name": actor.full_name,
            "meaning": meaning.value,
            "signed_at": at.isoformat(),
            "all_criteria_met": row.all_criteria_met,
            "assessment_id": assessment_id,
        },
    )


def _locked_in_recovery(
    db: Session, session_id: int
) -> tuple[InfusionSession, RecoveryAssessment | None]:
    """The session, locked and in recovery, with the nurse's latest assessment."""
    session = load_locked(db, session_id)
    ensure_in_recovery(session)
    return session, latest_assessment(db, session_id)


def _performed(db: Session, assessment_id: int) -> Signature | None:
    """The nurse's signature on this assessment, if given."""
    return db.scalars(
        select(Signature).where(
            Signature.assessment_id == assessment_id,
            Signature.meaning == SignatureMeaning.PERFORMED.value,
        )
    ).first()


def sign_performed(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    password: str,
    now: datetime | None = None,
) -> int:
    """The nurse signs the latest assessment as performed (whatever the criteria show)."""
    ensure_allowed(actor, Action.SIGN_PERFORMED)
    check_signing_password(database, config, actor, password, session_id=session_id, now=now)
    at = now or utcnow()
    with database.session_scope() as db:
        session, latest = _locked_in_recovery(db, session_id)
        if latest is None:
            raise refuse("assessment", "Record the recovery assessment before signing it")
        prior = _performed(db, latest.id)
        if prior is not None:
            return prior.id  # already signed: a repeated tap changes nothing
        criteria = criteria_now(db, session, config, at, as_assessment(latest))
        signed = sign(
            db,
            session,
            actor,
            meaning=SignatureMeaning.PERFORMED,
            assessment_id=latest.id,
            criteria=criteria,
            at=at,
            override_reason=None,
        )
        refresh_summary(db, config, session.id, at)
        return signed.id


def approve_discharge(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    password: str,
    override_reason: str | None = None,
    now: datetime | None = None,
) -> int:
    """The physician co-signs the discharge; refused while a HIGH alert of the session is
    unacknowledged (whatever the override says), and while a criterion is unmet unless they
    override with a written reason. The session is then discharged and its record locked."""
    ensure_allowed(actor, Action.DISCHARGE)
    reason = clean_override_reason(override_reason)
    check_signing_password(database, config, actor, password, session_id=session_id, now=now)
    at = now or utcnow()
    with database.session_scope() as db:
        session, latest = _locked_in_recovery(db, session_id)
        criteria = criteria_now(db, session, config, at, as_assessment(latest))
        problems = approval_problems(
            nurse_signed=latest is not None and _performed(db, latest.id) is not None,
            criteria=criteria,
            override_reason=reason,
            open_alerts=open_alerts(db, session_id),
            zone=config.clinic.zone,
            min_reason=config.sign_off.override_reason_min_chars,
        )
        if problems:
            raise InvalidEntry(problems)
        assert latest is not None
        unmet = [c for c in criteria if not c.met]
        signature = sign(
            db,
            session,
            actor,
            meaning=SignatureMeaning.APPROVED,
            assessment_id=latest.id,
            criteria=criteria,
            at=at,
            override_reason=reason if unmet else None,
        )
        if unmet:
            add_audit(
                db,
                actor=actor,
                action="discharge.override",
                entity_type="signature",
                entity_id=signature.id,
                session_id=session.id,
                at=at,
                reason=reason,
                new={"unmet": [c.code for c in unmet], "flagged_for_audit": True},
            )
        move(db, session, SessionEvent.DISCHARGE, actor=actor, at=at)
        session.ended_at = at
        refresh_summary(db, config, session.id, at)
        return signature.id
