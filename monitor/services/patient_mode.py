"""Patient mode: the nurse hands the tablet to the patient, who sees only the questionnaires
of this session. The answers are stored under the nurse signed in (respondent: patient);
the last one ends that sign-in, so the tablet returns to a locked screen and the nurse
signs in again before anything else can be seen.

Which questionnaires were asked for is kept in the `patient_mode.started` audit entry of the
sign-in (the sign-in row holds only the session); those still to answer are the ones with
no patient response stored under this sign-in's user since then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, SignInSession
from monitor.db.types import utcnow
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.questionnaires import check_before_dosing, score
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import Questionnaire, Respondent
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.errors import Conflict, NotFound
from monitor.services.idempotency import run_once
from monitor.services.questionnaires import (
    replay_response,
    store_response,
)
from monitor.services.session_lifecycle import load_locked

STARTED = "patient_mode.started"
FINISHED = "patient_mode.finished"
DONE_REASON = "patient_mode_done"  # sign_in_sessions.revoked_reason


@dataclass(frozen=True)
class PatientModeState:
    """A sign-in in patient mode: its session, the questionnaires asked for, those left."""

    sign_in_id: int
    session_id: int
    asked: tuple[Questionnaire, ...]
    pending: tuple[Questionnaire, ...]
    ended: bool


@dataclass(frozen=True)
class PatientModeSubmitted:
    """The patient's answers stored (what the nurse would see, for a test or a log), and
    what the tablet shows next."""

    response_id: int
    total: int
    flag_id: int | None
    next: Questionnaire | None  # the next questionnaire to show, or None: the tablet locks
    ended: bool
    duplicate: bool = False


def _asked(questionnaires: Sequence[str]) -> tuple[Questionnaire, ...]:
    try:
        asked = tuple(Questionnaire(q) for q in questionnaires)
    except ValueError:
        raise refuse("questionnaires", "Choose the PHQ-9, the PCL-5 or both") from None
    if not asked or len(set(asked)) != len(asked):
        raise refuse("questionnaires", "Choose the PHQ-9, the PCL-5 or both")
    return asked


def _own_open_sign_in(db: Session, sign_in_id: int, actor: Actor, at: datetime) -> SignInSession:
    row = db.get(SignInSession, sign_in_id, with_for_update=True)
    if row is None or row.user_id != actor.id:
        raise NotFound("This sign-in is not yours")
    if row.revoked_at is not None or at >= row.expires_at:
        raise Conflict("This sign-in has ended: sign in again")
    return row


def start_patient_mode(
    *,
    database: Database,
    actor: Actor,
    sign_in_id: int,
    session_id: int,
    questionnaires: tuple[str, ...],
    now: datetime | None = None,
) -> PatientModeState:
    """Turn the nurse's own sign-in into patient mode for this session's questionnaires,
    taken before dosing."""
    ensure_allowed(actor, Action.RECORD_QUESTIONNAIRE)
    asked = _asked(questionnaires)
    at = now or utcnow()
    with database.session_scope() as db:
        row = _own_open_sign_in(db, sign_in_id, actor, at)
        session = load_locked(db, session_id)
        check_before_dosing(SessionState(session.state))
        row.patient_mode_session_id = session.id
        add_audit(
            db,
            actor=actor,
            action=STARTED,
            entity_type="sign_in_session",
            entity_id=row.id,
            session_id=session.id,
            at=at,
            new={"questionnaires": [q.value for q in asked]},
        )
    return PatientModeState(sign_in_id, session_id, asked, asked, ended=False)


def _state(db: Session, row: SignInSession) -> PatientModeState | None:
    if row.patient_mode_session_id is None:
        return None
    started = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == STARTED,
            AuditEvent.entity_type == "sign_in_session",
            AuditEvent.entity_id == row.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    asked = _asked((started.new_values or {}).get("questionnaires", ())) if started else ()
    done = set()
    if started is not None:
        done = set(
            db.scalars(
                select(QuestionnaireResponse.questionnaire).where(
                    QuestionnaireResponse.session_id == row.patient_mode_session_id,
                    QuestionnaireResponse.respondent == Respondent.PATIENT.value,
                    QuestionnaireResponse.entered_by == row.user_id,
                    QuestionnaireResponse.entered_at >= started.occurred_at,
                )
            )
        )
    pending = tuple(q for q in asked if q.value not in done)
    return PatientModeState(
        row.id, row.patient_mode_session_id, asked, pending, row.revoked_at is not None
    )


def patient_mode_state(*, database: Database, sign_in_id: int) -> PatientModeState | None:
    """What the patient-mode screen shows for this sign-in; None when it is not in patient
    mode."""
    with database.session_scope() as db:
        row = db.get(SignInSession, sign_in_id)
        return None if row is None else _state(db, row)


def submit_patient_questionnaire(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    sign_in_id: int,
    questionnaire: Questionnaire | str,
    items: Mapping[int | str, int | str],
    idempotency_key: str,
    now: datetime | None = None,
) -> PatientModeSubmitted:
    """Store the patient's answers under the nurse signed in; the last questionnaire asked
    for ends the sign-in (reason `patient_mode_done`) in the same transaction."""
    ensure_allowed(actor, Action.RECORD_QUESTIONNAIRE)
    scored = score(questionnaire, items)
    at = now or utcnow()

    def write(db: Session) -> PatientModeSubmitted:
        row = _own_open_sign_in(db, sign_in_id, actor, at)
        state = _state(db, row)
        if state is None:
            raise Conflict("Patient mode is not on for this sign-in")
        if scored.form.code not in state.pending:
            raise Conflict(f"The {scored.form.version} is not asked for now")
        saved = store_response(
            db,
            config=config,
            actor=actor,
            session_id=state.session_id,
            scored=scored,
            respondent=Respondent.PATIENT,
            key=idempotency_key,
            taken=at,
            at=at,
        )
        left = tuple(q for q in state.pending if q is not scored.form.code)
        if not left:
            _end(db, row, actor, at)
        return PatientModeSubmitted(
            saved.response_id, saved.total, saved.flag_id, left[0] if left else None, not left
        )

    def replay(db: Session, prior: QuestionnaireResponse) -> PatientModeSubmitted:
        row = db.get(SignInSession, sign_in_id)
        if row is None or row.patient_mode_session_id is None:
            raise Conflict("Patient mode is not on for this sign-in")
        saved = replay_response(
            db,
            prior,
            actor=actor,
            session_id=row.patient_mode_session_id,
            scored=scored,
            respondent=Respondent.PATIENT,
            taken_at=None,
        )
        state = _state(db, row)
        left = state.pending if state else ()
        return PatientModeSubmitted(
            saved.response_id,
            saved.total,
            saved.flag_id,
            left[0] if left else None,
            row.revoked_at is not None,
            duplicate=True,
        )

    return run_once(database, QuestionnaireResponse, idempotency_key, write=write, replay=replay)


def _end(db: Session, row: SignInSession, actor: Actor, at: datetime) -> None:
    """The patient is done: this sign-in ends, so the tablet locks until a nurse signs in."""
    row.revoked_at = at
    row.revoked_reason = DONE_REASON
    add_audit(
        db,
        actor=actor,
        action=FINISHED,
        entity_type="sign_in_session",
        entity_id=row.id,
        session_id=row.patient_mode_session_id,
        at=at,
        new={"signed_out": True},
    )
    add_audit(
        db,
        actor=actor,
        action="auth.signed_out",
        entity_type="sign_in_session",
        entity_id=row.id,
        at=at,
        new={"reason": DONE_REASON},
    )
