"""Recovery and discharge sign-off: the nurse's assessment, the criteria judged live, the
nurse's signature ("performed") and the physician's ("approved"), then the locked record.

Signatures follow 21 CFR 11.50 (printed name, date and time, meaning) and 11.200 (the
signer re-enters their password at each signing).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config, Protocol
from monitor.db.engine import Database
from monitor.db.models import (
    Acknowledgement,
    Excursion,
    InfusionSession,
    Rating,
    Reading,
    RecoveryAssessment,
    Signature,
)
from monitor.db.types import utcnow
from monitor.domain.approval import OpenAlert, approval_problems, blocking_alerts
from monitor.domain.discharge import (
    Criterion,
    NurseAssessment,
    RecoveryFacts,
    all_met,
    check_assessment,
    evaluate,
)
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionEvent, SessionState
from monitor.domain.vitals import VitalSigns
from monitor.domain.vocabulary import Priority
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import IllegalTransition, NotFound
from monitor.services.idempotency import run_once, same_person, same_request, same_session
from monitor.services.people import confirm_password
from monitor.services.session_lifecycle import load_locked, move
from monitor.services.summaries import refresh_summary


@dataclass(frozen=True)
class SignatureView:
    id: int
    printed_name: str
    role: str
    meaning: str
    signed_at: datetime
    all_criteria_met: bool
    override_reason: str | None
    assessment_id: int | None  # None only for a physician-signed exit (services.exits)


@dataclass(frozen=True)
class RecoveryStatus:
    state: SessionState
    criteria: tuple[Criterion, ...]
    ready: bool
    assessment_id: int | None
    assessment: NurseAssessment | None
    signatures: tuple[SignatureView, ...]
    open_highs: tuple[OpenAlert, ...] = ()  # unacknowledged HIGH excursions: they hold approval

    @property
    def performed(self) -> SignatureView | None:
        """The nurse's signature on the latest assessment, if given."""
        return next(
            (
                s
                for s in self.signatures
                if s.meaning == "performed" and s.assessment_id == self.assessment_id
            ),
            None,
        )

    @property
    def approved(self) -> SignatureView | None:
        return next((s for s in self.signatures if s.meaning == "approved"), None)


def _vitals(row: Reading) -> VitalSigns:
    return VitalSigns(
        row.systolic,
        row.diastolic,
        row.heart_rate,
        row.spo2,
        row.resp_rate,
        row.temperature,
        row.moaas,
    )


def _latest_assessment(db: Session, session_id: int) -> RecoveryAssessment | None:
    return db.scalars(
        select(RecoveryAssessment)
        .where(RecoveryAssessment.session_id == session_id)
        .order_by(RecoveryAssessment.id.desc())
        .limit(1)
    ).first()


def _as_assessment(row: RecoveryAssessment | None) -> NurseAssessment | None:
    if row is None:
        return None
    return NurseAssessment(row.activity, row.respiration, row.consciousness, row.checklist)


def _facts(
    db: Session, session: InfusionSession, now: datetime, assessment: NurseAssessment | None
) -> RecoveryFacts:
    readings = list(
        db.scalars(
            select(Reading)
            .where(Reading.session_id == session.id)
            .order_by(Reading.taken_at, Reading.id)
        )
    )
    baseline = [r for r in readings if r.phase == "baseline"]
    ratings = list(
        db.scalars(
            select(Rating)
            .where(Rating.session_id == session.id)
            .order_by(Rating.taken_at, Rating.id)
        )
    )
    start = session.infusion_started_at
    before = [r for r in ratings if start is None or r.taken_at <= start]
    after = [r for r in ratings if start is not None and r.taken_at > start]
    latest = readings[-1] if readings else None
    return RecoveryFacts(
        now=now,
        dosing_started_at=start,
        baseline=_vitals(baseline[-1]) if baseline else None,
        latest=_vitals(latest) if latest else None,
        latest_at=latest.taken_at if latest else None,
        baseline_cadss=before[-1].total if before else None,
        latest_cadss_after_dosing=after[-1].total if after else None,
        assessment=assessment,
    )


def _criteria(
    db: Session,
    session: InfusionSession,
    protocol: Protocol,
    now: datetime,
    assessment: NurseAssessment | None,
) -> list[Criterion]:
    return evaluate(
        _facts(db, session, now, assessment),
        protocol.discharge,
        min_observation_minutes=protocol.schedule.min_observation_minutes,
        cadss_cutoff=protocol.ratings.cadss_dissociation_cutoff,
    )


def _open_alerts(db: Session, session_id: int) -> list[OpenAlert]:
    """The session's excursions nobody has acknowledged yet, oldest first."""
    acknowledged = select(Acknowledgement.excursion_id).where(
        Acknowledgement.session_id == session_id
    )
    return [
        OpenAlert(x.id, Priority(x.priority), x.message, x.detected_at)
        for x in db.scalars(
            select(Excursion)
            .where(Excursion.session_id == session_id, Excursion.id.not_in(acknowledged))
            .order_by(Excursion.detected_at, Excursion.id)
        )
    ]


def _signatures(db: Session, session_id: int) -> tuple[SignatureView, ...]:
    return tuple(
        SignatureView(
            s.id,
            s.printed_name,
            s.role,
            s.meaning,
            s.signed_at,
            s.all_criteria_met,
            s.override_reason,
            s.assessment_id,
        )
        for s in db.scalars(
            select(Signature).where(Signature.session_id == session_id).order_by(Signature.id)
        )
    )


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
        latest = _latest_assessment(db, session_id)
        assessment = _as_assessment(latest)
        criteria = _criteria(db, session, config.protocol(session.protocol_id), at, assessment)
        return RecoveryStatus(
            SessionState(session.state),
            tuple(criteria),
            all_met(criteria),
            latest.id if latest else None,
            assessment,
            _signatures(db, session_id),
            tuple(blocking_alerts(_open_alerts(db, session_id))),
        )


def _in_recovery(session: InfusionSession) -> None:
    if session.state != SessionState.RECOVERY.value:
        raise IllegalTransition(
            f"The recovery sign-off is for a session in recovery; this one is "
            f"{session.state.replace('_', ' ')}"
        )


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
        _in_recovery(session)
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
        db.add(row)
        db.flush()
        add_audit(
            db,
            actor=actor,
            action="recovery.assessed",
            entity_type="assessment",
            entity_id=row.id,
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

    def replay(db: Session, prior: RecoveryAssessment) -> int:
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


def _check_password(
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
        _in_recovery(session)
    confirm_password(database=database, config=config, actor=actor, password=password, now=now)


def _sign(
    db: Session,
    session: InfusionSession,
    actor: Actor,
    *,
    meaning: str,
    assessment_id: int | None,
    criteria: list[Criterion],
    at: datetime,
    override_reason: str | None,
) -> Signature:
    row = Signature(
        session_id=session.id,
        assessment_id=assessment_id,
        signer_id=actor.id,
        printed_name=actor.full_name,
        role=actor.role.value,
        meaning=meaning,
        signed_at=at,
        criteria=[asdict(c) for c in criteria],
        all_criteria_met=all_met(criteria),
        override_reason=override_reason,
    )
    db.add(row)
    db.flush()
    add_audit(
        db,
        actor=actor,
        action=f"signature.{meaning}",
        entity_type="signature",
        entity_id=row.id,
        session_id=session.id,
        at=at,
        reason=override_reason,
        new={
            "printed_name": actor.full_name,
            "meaning": meaning,
            "signed_at": at.isoformat(),
            "all_criteria_met": row.all_criteria_met,
            "assessment_id": assessment_id,
        },
    )
    return row


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
    _check_password(database, config, actor, password, session_id=session_id, now=now)
    at = now or utcnow()
    with database.session_scope() as db:
        session = load_locked(db, session_id)
        _in_recovery(session)
        latest = _latest_assessment(db, session_id)
        if latest is None:
            raise refuse("assessment", "Record the recovery assessment before signing it")
        prior = db.scalars(
            select(Signature).where(
                Signature.assessment_id == latest.id, Signature.meaning == "performed"
            )
        ).first()
        if prior is not None:
            return prior.id  # already signed: a repeated tap changes nothing
        criteria = _criteria(
            db, session, config.protocol(session.protocol_id), at, _as_assessment(latest)
        )
        signed = _sign(
            db,
            session,
            actor,
            meaning="performed",
            assessment_id=latest.id,
            criteria=criteria,
            at=at,
            override_reason=None,
        )
        refresh_summary(db, config, session.id, at)
        return signed.id


# The override reason's limit: the same as every other text a person writes (and the
# textarea's maxLength), so the signature's row in the PDF stays a reasonable size.
MAX_OVERRIDE_REASON = MAX_FREE_TEXT


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
    reason = (override_reason or "").strip() or None
    if reason is not None and len(reason) > MAX_OVERRIDE_REASON:
        raise refuse(
            "override",
            f"Keep the override reason to {MAX_OVERRIDE_REASON} characters (it has {len(reason)})",
        )
    _check_password(database, config, actor, password, session_id=session_id, now=now)
    at = now or utcnow()
    with database.session_scope() as db:
        session = load_locked(db, session_id)
        _in_recovery(session)
        latest = _latest_assessment(db, session_id)
        signed = latest is not None and (
            db.scalars(
                select(Signature).where(
                    Signature.assessment_id == latest.id, Signature.meaning == "performed"
                )
            ).first()
            is not None
        )
        criteria = _criteria(
            db, session, config.protocol(session.protocol_id), at, _as_assessment(latest)
        )
        problems = approval_problems(
            nurse_signed=signed,
            criteria=criteria,
            override_reason=reason,
            open_alerts=_open_alerts(db, session_id),
            zone=config.clinic.zone,
        )
        if problems:
            raise InvalidEntry(problems)
        assert latest is not None
        unmet = [c for c in criteria if not c.met]
        signature = _sign(
            db,
            session,
            actor,
            meaning="approved",
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
