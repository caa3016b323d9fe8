"""What the record holds from before dosing (issue 12): the questionnaires taken (PHQ-9,
PCL-5: every item and the total the domain computed), the physician's pre-dose clearances
and the safety flags an answer raised, each with its acknowledgement if there is one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from monitor.db.course_models import (
    PreDoseClearance,
    QuestionnaireResponse,
    SafetyFlag,
    SafetyFlagAcknowledgement,
)
from monitor.db.models import User
from monitor.db.queries.rows import build_all, columns


@dataclass(frozen=True)
class QuestionnaireRow:
    id: int
    questionnaire: str
    version: str
    items: dict[str, int]
    total: int
    respondent: str
    taken_at: datetime
    entered_by: str


@dataclass(frozen=True)
class ClearanceRow:
    id: int
    concern: str
    regarding_id: int
    reason: str
    cleared_by: str
    cleared_at: datetime


@dataclass(frozen=True)
class SafetyFlagRow:
    id: int
    kind: str
    priority: str
    message: str
    response_id: int
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str | None


@dataclass(frozen=True)
class BeforeDose:
    questionnaires: tuple[QuestionnaireRow, ...] = ()
    clearances: tuple[ClearanceRow, ...] = ()
    safety_flags: tuple[SafetyFlagRow, ...] = ()


def questionnaires_of(db: Session, session_id: int) -> list[QuestionnaireRow]:
    return build_all(
        QuestionnaireRow,
        db.execute(
            select(*columns(QuestionnaireRow, QuestionnaireResponse, entered_by=User.full_name))
            .join(User, User.id == QuestionnaireResponse.entered_by)
            .where(QuestionnaireResponse.session_id == session_id)
            .order_by(QuestionnaireResponse.taken_at, QuestionnaireResponse.id)
        ),
    )


def clearances_of(db: Session, session_id: int) -> list[ClearanceRow]:
    return build_all(
        ClearanceRow,
        db.execute(
            select(*columns(ClearanceRow, PreDoseClearance, cleared_by=User.full_name))
            .join(User, User.id == PreDoseClearance.cleared_by)
            .where(PreDoseClearance.session_id == session_id)
            .order_by(PreDoseClearance.cleared_at, PreDoseClearance.id)
        ),
    )


def safety_flags_of(db: Session, session_id: int) -> list[SafetyFlagRow]:
    physician = aliased(User)
    chosen = columns(
        SafetyFlagRow,
        SafetyFlag,
        acknowledged_at=SafetyFlagAcknowledgement.acknowledged_at,
        acknowledged_by=physician.full_name,
        note=SafetyFlagAcknowledgement.note,
    )
    return build_all(
        SafetyFlagRow,
        db.execute(
            select(*chosen)
            .outerjoin(
                SafetyFlagAcknowledgement, SafetyFlagAcknowledgement.flag_id == SafetyFlag.id
            )
            .outerjoin(physician, physician.id == SafetyFlagAcknowledgement.acknowledged_by)
            .where(SafetyFlag.session_id == session_id)
            .order_by(SafetyFlag.raised_at, SafetyFlag.id)
        ),
    )


def before_dose(db: Session, session_id: int) -> BeforeDose:
    """The session's questionnaires, clearances and safety flags, each in time order."""
    return BeforeDose(
        questionnaires=tuple(questionnaires_of(db, session_id)),
        clearances=tuple(clearances_of(db, session_id)),
        safety_flags=tuple(safety_flags_of(db, session_id)),
    )
