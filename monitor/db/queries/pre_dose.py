"""The pre-dose read model: what the pre-dose check of one session needs (its current
baseline, its PHQ-9 answers on item 9, the clearances given, the questionnaires taken, the
open self-harm flags) and where the session stands in its course (session k of N)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db.course_models import (
    Course,
    PreDoseClearance,
    QuestionnaireResponse,
    SafetyFlag,
    SafetyFlagAcknowledgement,
)
from monitor.db.models import InfusionSession, Reading, User
from monitor.domain.pre_dose import SELF_HARM_ITEM, Baseline, BaselineCleared, SelfHarmAnswer
from monitor.domain.vocabulary import Phase, PreDoseConcern, Questionnaire, SafetyFlagKind


@dataclass(frozen=True)
class ClearanceRow:
    """A clearance given, as the bedside and the record show it."""

    id: int
    concern: str
    regarding_id: int
    reason: str
    cleared_by: str
    cleared_at: datetime


@dataclass(frozen=True)
class PreDoseFacts:
    session_id: int
    state: str
    protocol_id: str
    baseline: Baseline | None
    baseline_clearances: tuple[BaselineCleared, ...]
    self_harm: SelfHarmAnswer | None
    self_harm_clearances: tuple[int, ...]
    clearances: tuple[ClearanceRow, ...]
    taken: frozenset[str]  # the questionnaires answered this session
    open_self_harm_flags: tuple[int, ...]
    course_sequence: int | None
    planned_sessions: int | None


def pre_dose_facts(db: Session, session_id: int) -> PreDoseFacts | None:
    """The session's pre-dose facts, or None if there is no such session."""
    found = db.execute(
        select(InfusionSession, Course.planned_sessions)
        .outerjoin(Course, Course.id == InfusionSession.course_id)
        .where(InfusionSession.id == session_id)
    ).first()
    if found is None:
        return None
    session, planned = found
    latest = db.scalars(
        select(Reading)
        .where(Reading.session_id == session_id, Reading.phase == Phase.BASELINE.value)
        .order_by(Reading.taken_at.desc(), Reading.id.desc())
        .limit(1)
    ).first()
    clearances = _clearances(db, session_id)
    return PreDoseFacts(
        session_id=session.id,
        state=session.state,
        protocol_id=session.protocol_id,
        baseline=Baseline(latest.id, latest.systolic, latest.diastolic) if latest else None,
        baseline_clearances=_baselines_cleared(db, clearances),
        self_harm=_latest_positive_item_9(db, session_id),
        self_harm_clearances=tuple(
            c.regarding_id for c in clearances if c.concern == PreDoseConcern.SELF_HARM
        ),
        clearances=clearances,
        taken=frozenset(
            db.scalars(
                select(QuestionnaireResponse.questionnaire)
                .where(QuestionnaireResponse.session_id == session_id)
                .distinct()
            )
        ),
        open_self_harm_flags=open_self_harm_flags(db, session_id),
        course_sequence=session.course_sequence,
        planned_sessions=planned,
    )


def _clearances(db: Session, session_id: int) -> tuple[ClearanceRow, ...]:
    rows = db.execute(
        select(PreDoseClearance, User.full_name)
        .join(User, User.id == PreDoseClearance.cleared_by)
        .where(PreDoseClearance.session_id == session_id)
        .order_by(PreDoseClearance.cleared_at, PreDoseClearance.id)
    ).all()
    return tuple(
        ClearanceRow(c.id, c.concern, c.regarding_id, c.reason, name, c.cleared_at)
        for c, name in rows
    )


def _baselines_cleared(
    db: Session, clearances: tuple[ClearanceRow, ...]
) -> tuple[BaselineCleared, ...]:
    ids = [c.regarding_id for c in clearances if c.concern == PreDoseConcern.BASELINE_BP]
    if not ids:
        return ()
    readings = db.scalars(select(Reading).where(Reading.id.in_(ids))).all()
    return tuple(BaselineCleared(r.id, r.systolic, r.diastolic) for r in readings)


def _latest_positive_item_9(db: Session, session_id: int) -> SelfHarmAnswer | None:
    """The latest PHQ-9 of the session whose item 9 was answered above 0: a later PHQ-9
    answered 0 does not take a positive answer back."""
    responses = db.scalars(
        select(QuestionnaireResponse)
        .where(
            QuestionnaireResponse.session_id == session_id,
            QuestionnaireResponse.questionnaire == Questionnaire.PHQ9.value,
        )
        .order_by(QuestionnaireResponse.taken_at.desc(), QuestionnaireResponse.id.desc())
    ).all()
    for response in responses:
        score = int((response.items or {}).get(str(SELF_HARM_ITEM), 0))
        if score > 0:
            return SelfHarmAnswer(response.id, score)
    return None


def open_self_harm_flags(db: Session, session_id: int) -> tuple[int, ...]:
    """The session's self-harm flags no physician has acknowledged yet."""
    acknowledged = select(SafetyFlagAcknowledgement.flag_id)
    return tuple(
        db.scalars(
            select(SafetyFlag.id)
            .where(
                SafetyFlag.session_id == session_id,
                SafetyFlag.kind == SafetyFlagKind.SELF_HARM.value,
                SafetyFlag.id.not_in(acknowledged),
            )
            .order_by(SafetyFlag.id)
        )
    )
