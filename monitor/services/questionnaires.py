"""Record a PHQ-9 or a PCL-5 taken before dosing: every item's answer stored, the total from
the domain, and for a PHQ-9 item 9 above 0 a high-priority safety flag in the same
transaction, each audited, once per submission key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlag
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.clock import check_not_before_opening, check_not_in_future
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.questionnaire_items import FORMS
from monitor.domain.questionnaires import (
    QuestionnaireScore,
    check_before_dosing,
    score,
    severity,
)
from monitor.domain.session_state import SessionState
from monitor.domain.vocabulary import Priority, Questionnaire, Respondent, SafetyFlagKind
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.idempotency import run_once, same_person, same_session, same_values
from monitor.services.session_lifecycle import load_locked
from monitor.services.summaries import refresh_summary

Result = TypeVar("Result")


@dataclass(frozen=True)
class QuestionnaireSaved:
    response_id: int
    total: int
    flag_id: int | None
    duplicate: bool
    questionnaire: str = ""
    severity: str = ""
    flag_message: str | None = None


@dataclass(frozen=True)
class ResponseSummary:
    """A questionnaire as a screen shows it: which, when, by whom it was answered, the total."""

    response_id: int
    session_id: int
    questionnaire: str
    version: str
    total: int
    severity: str
    respondent: str
    taken_at: datetime
    items: dict[int, int]


def respondent_of(value: Respondent | str) -> Respondent:
    try:
        return Respondent(value)
    except ValueError:
        raise refuse("respondent", "Say who answered: the nurse or the patient") from None


def store_response(
    db: Session,
    *,
    config: Config,
    actor: Actor,
    session_id: int,
    scored: QuestionnaireScore,
    respondent: Respondent,
    key: str,
    taken: datetime,
    at: datetime,
) -> QuestionnaireSaved:
    """The response and any flag it raises, in the caller's transaction (patient mode ends
    the sign-in in the same one)."""
    session = load_locked(db, session_id)
    check_before_dosing(SessionState(session.state))
    check_not_before_opening(taken, session.opened_at, skew=config.readings.clock_skew)
    form = scored.form
    row = QuestionnaireResponse(
        session_id=session.id,
        questionnaire=form.code.value,
        version=form.version,
        items={str(number): answer for number, answer in scored.items.items()},
        total=scored.total,
        respondent=respondent.value,
        taken_at=taken,
        entered_by=actor.id,
        entered_at=at,
        idempotency_key=key,
    )
    add_recorded(
        db,
        row,
        actor=actor,
        action="questionnaire.recorded",
        entity_type="questionnaire_response",
        session_id=session.id,
        at=at,
        new={
            "questionnaire": row.questionnaire,
            "version": row.version,
            "items": row.items,
            "total": row.total,
            "severity": scored.severity,
            "respondent": row.respondent,
            "taken_at": taken.isoformat(),
        },
    )
    flag_id, message = None, scored.safety_message()
    if message is not None:
        flag = SafetyFlag(
            session_id=session.id,
            kind=SafetyFlagKind.SELF_HARM.value,
            priority=Priority.HIGH.value,
            message=message,
            response_id=row.id,
            raised_at=at,
        )
        add_recorded(
            db,
            flag,
            actor=actor,
            action="safety_flag.raised",
            entity_type="safety_flag",
            session_id=session.id,
            at=at,
            new={
                "kind": flag.kind,
                "priority": flag.priority,
                "response_id": row.id,
                "message": message,
            },
        )
        flag_id = flag.id
    refresh_summary(db, config, session.id, at)
    return QuestionnaireSaved(
        row.id, row.total, flag_id, False, row.questionnaire, scored.severity, message
    )


def replay_response(
    db: Session,
    prior: QuestionnaireResponse,
    *,
    actor: Actor,
    session_id: int,
    scored: QuestionnaireScore,
    respondent: Respondent,
    taken_at: datetime | None,
) -> QuestionnaireSaved:
    """The same submission again answers with what it stored; other values are a Conflict."""
    same_session(prior.session_id, session_id)
    same_person(prior.entered_by, actor.id)
    same_values(
        {
            "questionnaire": prior.questionnaire,
            "items": prior.items,
            "respondent": prior.respondent,
            "taken_at": prior.taken_at if taken_at is not None else None,
        },
        {
            "questionnaire": scored.form.code.value,
            "items": {str(n): v for n, v in scored.items.items()},
            "respondent": respondent.value,
            "taken_at": taken_at,
        },
    )
    flag = db.scalars(select(SafetyFlag).where(SafetyFlag.response_id == prior.id)).first()
    return QuestionnaireSaved(
        prior.id,
        prior.total,
        flag.id if flag else None,
        True,
        prior.questionnaire,
        scored.severity,
        flag.message if flag else None,
    )


def record_questionnaire(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    questionnaire: Questionnaire | str,
    items: Mapping[int | str, int | str],
    respondent: Respondent | str,
    idempotency_key: str,
    taken_at: datetime | None = None,
    now: datetime | None = None,
) -> QuestionnaireSaved:
    """Store one questionnaire, scored, with the flag its answers raise; a repeated key
    returns the first. Taken before dosing only (planned, or baseline recorded)."""
    ensure_allowed(actor, Action.RECORD_QUESTIONNAIRE)
    scored = score(questionnaire, items)
    who = respondent_of(respondent)
    at = now or utcnow()
    taken = taken_at or at
    if taken.tzinfo is None:
        raise refuse("taken_at", "The time it was taken has no time zone")
    check_not_in_future(taken, at, skew=config.readings.clock_skew)
    return run_once(
        database,
        QuestionnaireResponse,
        idempotency_key,
        write=lambda db: store_response(
            db,
            config=config,
            actor=actor,
            session_id=session_id,
            scored=scored,
            respondent=who,
            key=idempotency_key,
            taken=taken,
            at=at,
        ),
        replay=lambda db, prior: replay_response(
            db,
            prior,
            actor=actor,
            session_id=session_id,
            scored=scored,
            respondent=who,
            taken_at=taken_at,
        ),
    )


def _summary(row: QuestionnaireResponse) -> ResponseSummary:
    form = FORMS.get(Questionnaire(row.questionnaire))
    band = severity(form, row.total) if form and 0 <= row.total <= form.total_max else ""
    return ResponseSummary(
        row.id,
        row.session_id,
        row.questionnaire,
        row.version,
        row.total,
        band,
        row.respondent,
        row.taken_at,
        {int(number): int(answer) for number, answer in row.items.items()},
    )


def latest_responses(source: Database | Session, session_id: int) -> tuple[ResponseSummary, ...]:
    """The latest PHQ-9 and PCL-5 of a session (each if taken), for the bedside, the board and
    the record: a read in the caller's transaction, or a short one of its own."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return latest_responses(db, session_id)
    rows = source.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.session_id == session_id)
        .order_by(QuestionnaireResponse.entered_at.desc(), QuestionnaireResponse.id.desc())
    )
    latest: dict[str, QuestionnaireResponse] = {}
    for row in rows:
        latest.setdefault(row.questionnaire, row)
    order = [q.value for q in Questionnaire]
    return tuple(_summary(latest[q]) for q in order if q in latest)
