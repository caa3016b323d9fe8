"""The screening before a course's first infusion: the nurse records the checklist, and a
physician signs a decision on any yes or unknown (clear with a reason, or decline the
course, which stops it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.course_models import Course, Screening, ScreeningDecisionRecord
from monitor.db.engine import Database
from monitor.db.repositories import by_idempotency_key
from monitor.db.types import utcnow
from monitor.domain.course import OPEN_STATUSES
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.reasons import required_reason
from monitor.domain.screening import check_answers, needs_decision
from monitor.domain.vocabulary import CourseStatus, ScreeningDecision
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.course_standing import (
    activate_if_ready,
    decision_on,
    latest_screening,
    locked_course,
    set_status,
)
from monitor.services.errors import Conflict, NotFound
from monitor.services.idempotency import check_key, run_once, same_person, same_values
from monitor.services.people import confirm_password


@dataclass(frozen=True)
class ScreeningRecorded:
    screening_id: int
    needs_decision: bool
    duplicate: bool


@dataclass(frozen=True)
class ScreeningDecided:
    decision_id: int
    decision: ScreeningDecision
    course_status: CourseStatus
    duplicate: bool


def ensure_open(course: Course, what: str) -> None:
    """Screening and consent are recorded only on an open (screening or active) course."""
    status = CourseStatus(course.status)
    if status not in OPEN_STATUSES:
        raise Conflict(f"This course is {status.label.lower()}: {what} cannot be recorded on it")


def record_screening(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    course_id: int,
    answers: Mapping[str, tuple[str, str]],
    idempotency_key: str,
    now: datetime | None = None,
) -> ScreeningRecorded:
    """Record the checklist: every item of `config.screening.checklist` answered yes, no or
    unknown; a yes or unknown with a note. All "no": cleared at once (and the course turns
    active if consent is recorded); otherwise it awaits a physician's decision. A new
    screening supersedes the course's last."""
    ensure_allowed(actor, Action.RECORD_SCREENING)
    at = now or utcnow()
    checked = check_answers(config.screening.checklist, answers)
    stored = [{**asdict(a), "answer": a.answer.value} for a in checked]
    needs = needs_decision(a.answer for a in checked)

    def write(db: Session) -> ScreeningRecorded:
        course = locked_course(db, course_id)
        ensure_open(course, "a screening")
        row = Screening(
            course_id=course.id,
            answers=stored,
            needs_decision=needs,
            screened_by=actor.id,
            screened_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="screening.recorded",
            entity_type="screening",
            at=at,
            new={
                "course_id": course.id,
                "answers": {a.code: a.answer.value for a in checked},
                "needs_decision": needs,
            },
        )
        activate_if_ready(db, config, course, actor=actor, at=at)
        return ScreeningRecorded(row.id, needs, duplicate=False)

    def replay(_db: Session, prior: Screening) -> ScreeningRecorded:
        same_person(prior.screened_by, actor.id)
        same_values(
            {"course": prior.course_id, "answers": _answers_of(prior.answers)},
            {"course": course_id, "answers": _answers_of(stored)},
        )
        return ScreeningRecorded(prior.id, prior.needs_decision, duplicate=True)

    return run_once(database, Screening, idempotency_key, write=write, replay=replay)


def _decidable(db: Session, screening_id: int, *, lock: bool) -> tuple[Screening, Course]:
    """The screening and its course, if a physician may decide on it now; refused in words
    otherwise (no such screening, course not open, all "no", decided, superseded)."""
    screening = db.get(Screening, screening_id)
    if screening is None:
        raise NotFound(f"Screening {screening_id} does not exist")
    course = locked_course(db, screening.course_id) if lock else db.get(Course, screening.course_id)
    assert course is not None  # a screening's course is never deleted
    ensure_open(course, "a screening decision")
    if not screening.needs_decision:
        raise Conflict('This screening was all "no": it was cleared without a decision')
    if decision_on(db, screening.id) is not None:
        raise Conflict("A physician has already decided on this screening")
    latest = latest_screening(db, course.id)
    if latest is not None and latest.id != screening.id:
        raise Conflict("A newer screening was recorded for this course: decide on that one")
    return screening, course


def _answers_of(rows: list[dict[str, object]]) -> dict[object, tuple[object, object]]:
    return {r["code"]: (r["answer"], r["note"]) for r in rows}


def decide_screening(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    screening_id: int,
    decision: ScreeningDecision | str,
    reason: str,
    password: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> ScreeningDecided:
    """A physician's signed decision on a screening with a yes or unknown: cleared (the
    course turns active if consent is recorded) or declined (the course stops, with the
    reason). Signed with the physician's own password, re-entered (21 CFR 11.200)."""
    ensure_allowed(actor, Action.DECIDE_SCREENING)
    at = now or utcnow()
    check_key(idempotency_key)
    try:
        chosen = ScreeningDecision(decision)
    except ValueError:
        raise refuse("decision", "Choose: clear the screening, or decline the course") from None
    why = required_reason(reason, "Say why: the reason is part of the signed decision")
    with database.session_scope() as db:  # refused anyway? say so before the password
        if by_idempotency_key(db, ScreeningDecisionRecord, idempotency_key) is None:
            _decidable(db, screening_id, lock=False)
    confirm_password(database=database, config=config, actor=actor, password=password, now=at)

    def write(db: Session) -> ScreeningDecided:
        screening, course = _decidable(db, screening_id, lock=True)
        row = ScreeningDecisionRecord(
            screening_id=screening.id,
            decision=chosen.value,
            reason=why,
            signer_id=actor.id,
            printed_name=actor.full_name,
            role=actor.role.value,
            signed_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="screening.decided",
            entity_type="screening",
            at=at,
            reason=why,
            new={
                "screening_id": screening.id,
                "course_id": course.id,
                "decision": chosen.value,
                "printed_name": actor.full_name,
                "signed_at": at.isoformat(),
            },
        )
        if chosen is ScreeningDecision.DECLINED:
            set_status(
                db,
                course,
                CourseStatus.STOPPED,
                actor=actor,
                at=at,
                reason=f"Screening declined: {why}",
            )
        else:
            activate_if_ready(db, config, course, actor=actor, at=at)
        return ScreeningDecided(row.id, chosen, CourseStatus(course.status), duplicate=False)

    def replay(db: Session, prior: ScreeningDecisionRecord) -> ScreeningDecided:
        same_person(prior.signer_id, actor.id)
        same_values(
            {"screening": prior.screening_id, "decision": prior.decision, "reason": prior.reason},
            {"screening": screening_id, "decision": chosen.value, "reason": why},
        )
        screening = db.get(Screening, prior.screening_id)
        course = db.get(Course, screening.course_id) if screening else None
        status = CourseStatus(course.status) if course else CourseStatus.STOPPED
        return ScreeningDecided(prior.id, chosen, status, duplicate=True)

    return run_once(database, ScreeningDecisionRecord, idempotency_key, write=write, replay=replay)
