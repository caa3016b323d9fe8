"""The pre-dose check of a session: what is missing before the infusion may start, and the
physician's clearance of a concern (a baseline BP above the limit, a positive PHQ-9 item
9), with a reason. START asks `missing_before_start` in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.course_models import PreDoseClearance, SafetyFlagAcknowledgement
from monitor.db.engine import Database
from monitor.db.queries.pre_dose import (
    ClearanceRow,
    PreDoseFacts,
    open_self_harm_flags,
    pre_dose_facts,
)
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.pre_dose import Missing, limit_of, missing_before_dosing
from monitor.domain.questionnaires import BEFORE_DOSING  # one rule: questionnaires and clearances
from monitor.domain.reasons import MIN_EXIT_REASON, clean_reason
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import PreDoseConcern, Questionnaire
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import IllegalTransition, NotFound
from monitor.services.idempotency import run_once, same_person, same_session, same_values
from monitor.services.session_lifecycle import load_locked

# The states in which the check applies and a clearance may be given: before dosing.
MIN_REASON = MIN_EXIT_REASON  # more than "ok": a phrase the record's reader follows


@dataclass(frozen=True)
class PreDoseStatus:
    session_id: int
    state: SessionState
    missing: tuple[str, ...]  # each in the words the START refusal uses
    to_clear: tuple[PreDoseConcern, ...]  # what a physician may clear now
    clearances: tuple[ClearanceRow, ...]
    questionnaires_to_take: tuple[Questionnaire, ...]  # a reminder; START does not wait
    course_sequence: int | None
    planned_sessions: int | None

    @property
    def before_dosing(self) -> bool:
        return self.state in BEFORE_DOSING

    @property
    def may_start(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class PreDoseCleared:
    clearance_id: int
    concern: PreDoseConcern
    regarding_id: int
    flags_acknowledged: tuple[int, ...]
    duplicate: bool


def _missing(facts: PreDoseFacts, config: Config) -> tuple[Missing, ...]:
    return missing_before_dosing(
        baseline=facts.baseline,
        limit=limit_of(config.protocol(facts.protocol_id).rems),
        baseline_clearances=facts.baseline_clearances,
        self_harm=facts.self_harm,
        self_harm_clearances=facts.self_harm_clearances,
        required=config.measurement.required_before_dosing,
        taken=facts.taken,
    )


def _facts(db: Session, session_id: int) -> PreDoseFacts:
    facts = pre_dose_facts(db, session_id)
    if facts is None:
        raise NotFound(f"Session {session_id} does not exist")
    return facts


def pre_dose_status(*, database: Database, config: Config, session_id: int) -> PreDoseStatus:
    """Where the session's pre-dose check stands (the caller checks who may see it)."""
    with database.session_scope() as db:
        facts = _facts(db, session_id)
    missing = _missing(facts, config)
    return PreDoseStatus(
        session_id=facts.session_id,
        state=SessionState(facts.state),
        missing=tuple(m.message for m in missing),
        to_clear=tuple(m.concern for m in missing if m.concern is not None),
        clearances=facts.clearances,
        questionnaires_to_take=tuple(q for q in Questionnaire if q.value not in facts.taken),
        course_sequence=facts.course_sequence,
        planned_sessions=facts.planned_sessions,
    )


def missing_before_start(db: Session, config: Config, session_id: int) -> tuple[str, ...]:
    """In the caller's transaction (START's): what is missing, in words; empty if none."""
    return tuple(m.message for m in _missing(_facts(db, session_id), config))


def clear_pre_dose(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    concern: PreDoseConcern | str,
    reason: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> PreDoseCleared:
    """A physician clears one concern with a reason, regarding the record it stands on now
    (the current baseline reading, the latest positive PHQ-9). Clearing self-harm also
    acknowledges the session's open self-harm flag, in the same transaction."""
    ensure_allowed(actor, Action.CLEAR_PRE_DOSE)
    at = now or utcnow()
    if concern not in set(PreDoseConcern):
        raise refuse("concern", "Choose what you clear: the baseline BP or the self-harm answer")
    kind = PreDoseConcern(concern)
    text = clean_reason(reason) or ""
    if sum(ch.isalnum() for ch in text) < MIN_REASON:  # words, not spaces or marks
        raise refuse("reason", "Write why the infusion may start despite this")

    def write(db: Session) -> PreDoseCleared:
        row = load_locked(db, session_id)
        if SessionState(row.state) not in BEFORE_DOSING:
            raise IllegalTransition("The infusion has started: there is nothing to clear")
        open_ = {m.concern: m for m in _missing(_facts(db, session_id), config)}
        if kind not in open_:
            raise refuse("concern", f"Nothing to clear: {kind.label} waits for no clearance")
        regarding = open_[kind].regarding_id
        assert regarding is not None
        clearance = PreDoseClearance(
            session_id=session_id,
            concern=kind.value,
            regarding_id=regarding,
            reason=text,
            cleared_by=actor.id,
            cleared_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            clearance,
            actor=actor,
            action="pre_dose.cleared",
            entity_type="pre_dose_clearance",
            session_id=session_id,
            at=at,
            reason=text,
            new={"concern": kind.value, "regarding_id": regarding, "message": open_[kind].message},
        )
        flags = (
            _acknowledge_flags(db, actor, clearance, at) if kind is PreDoseConcern.SELF_HARM else ()
        )
        return PreDoseCleared(clearance.id, kind, regarding, flags, duplicate=False)

    def replay(db: Session, prior: PreDoseClearance) -> PreDoseCleared:
        same_session(prior.session_id, session_id)
        same_person(prior.cleared_by, actor.id)
        same_values(
            {"concern": prior.concern, "reason": prior.reason},
            {"concern": kind.value, "reason": text},
        )
        acknowledged = db.scalars(
            select(SafetyFlagAcknowledgement.flag_id)
            .where(SafetyFlagAcknowledgement.submission_key.like(f"{_ack_key(prior.id)}%"))
            .order_by(SafetyFlagAcknowledgement.flag_id)
        )
        return PreDoseCleared(
            prior.id,
            PreDoseConcern(prior.concern),
            prior.regarding_id,
            tuple(acknowledged),
            duplicate=True,
        )

    return run_once(database, PreDoseClearance, idempotency_key, write=write, replay=replay)


def _ack_key(clearance_id: int) -> str:
    """The submission key of a flag acknowledged by a clearance: this, then the flag's id."""
    return f"pre-dose-{clearance_id}-"


def _acknowledge_flags(
    db: Session, actor: Actor, clearance: PreDoseClearance, at: datetime
) -> tuple[int, ...]:
    """The session's open self-harm flags, acknowledged by the clearance (its reason the
    note): the physician who clears the answer has reviewed what raised them."""
    flags = open_self_harm_flags(db, clearance.session_id)
    for flag_id in flags:
        add_recorded(
            db,
            SafetyFlagAcknowledgement(
                flag_id=flag_id,
                session_id=clearance.session_id,
                note=clearance.reason,
                acknowledged_by=actor.id,
                acknowledged_at=at,
                submission_key=f"{_ack_key(clearance.id)}{flag_id}",
            ),
            actor=actor,
            action="safety_flag.acknowledged",
            entity_type="safety_flag_acknowledgement",
            session_id=clearance.session_id,
            at=at,
            reason=clearance.reason,
            new={"flag_id": flag_id, "pre_dose_clearance_id": clearance.id},
        )
    return flags
