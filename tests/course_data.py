"""Courses for the course page's and the quality measures' tests: a course with a
screening, its decision, a consent, sessions and questionnaire totals.

Until the courses and questionnaires services are on main these rows are stored through the
ORM in one transaction each (a real database, the tables and triggers of migration 0012);
the tests read them back only through the read model and the services under test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import update

from monitor.config import Config
from monitor.db.course_models import (
    Consent,
    ConsentWithdrawal,
    Course,
    Screening,
    ScreeningDecisionRecord,
)
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.domain.vocabulary import CourseStatus, Indication
from monitor.services.actors import Actor
from monitor.services.questionnaires import QuestionnaireSaved, record_questionnaire
from monitor.services.session_lifecycle import open_session
from tests import factories
from tests.factories import T0, key

START = T0.date()


def course(
    database: Database,
    config: Config,
    patient_id: int,
    *,
    physician: Actor | None,
    indication: Indication = Indication.PTSD,
    status: CourseStatus = CourseStatus.ACTIVE,
    planned: int = 6,
    start: date = START,
    before_courses: bool = False,
) -> int:
    with database.session_scope() as db:
        row = Course(
            patient_id=patient_id,
            protocol_id=config.default_protocol.id,
            indication=indication.value,
            indication_note=None,
            planned_sessions=planned,
            start_date=start,
            physician_id=physician.id if physician else None,
            status=status.value,
            created_by=physician.id if physician else None,
            created_at=T0 - timedelta(days=10),
            recorded_before_courses=before_courses,
            idempotency_key=key(),
        )
        db.add(row)
        db.flush()
        return row.id


def screening(
    database: Database,
    config: Config,
    course_id: int,
    nurse: Actor,
    *,
    at: datetime,
    yes: tuple[str, ...] = (),
) -> int:
    answers = [
        {
            "code": item.code,
            "label": item.label,
            "source": item.source,
            "answer": "yes" if item.code in yes else "no",
            "note": "history noted" if item.code in yes else "",
        }
        for item in config.screening.checklist
    ]
    with database.session_scope() as db:
        row = Screening(
            course_id=course_id,
            answers=answers,
            needs_decision=bool(yes),
            screened_by=nurse.id,
            screened_at=at,
            idempotency_key=key(),
        )
        db.add(row)
        db.flush()
        return row.id


def decision(
    database: Database, screening_id: int, physician: Actor, *, at: datetime, decision: str
) -> None:
    with database.session_scope() as db:
        db.add(
            ScreeningDecisionRecord(
                screening_id=screening_id,
                decision=decision,
                reason="Reviewed with the patient",
                signer_id=physician.id,
                printed_name=physician.full_name,
                role=physician.role.value,
                signed_at=at,
                idempotency_key=key(),
            )
        )


def consent(
    database: Database, config: Config, course_id: int, witness: Actor, *, at: datetime
) -> int:
    with database.session_scope() as db:
        row = Consent(
            course_id=course_id,
            form_title=config.consent.form_title,
            form_version=config.consent.form_version,
            consented_on=at.date(),
            patient_typed_name="Pat Example",
            witness_id=witness.id,
            witness_printed_name=witness.full_name,
            witness_role=witness.role.value,
            signed_at=at,
            idempotency_key=key(),
        )
        db.add(row)
        db.flush()
        return row.id


def withdrawal(database: Database, consent_id: int, nurse: Actor, *, at: datetime) -> None:
    with database.session_scope() as db:
        db.add(
            ConsentWithdrawal(
                consent_id=consent_id,
                withdrawn_on=at.date(),
                reason="Moving away",
                recorded_by=nurse.id,
                recorded_at=at,
                idempotency_key=key(),
            )
        )


def open_now(
    database: Database, config: Config, nurse: Actor, patient_id: int, *, at: datetime
) -> int:
    """Open the patient's next session through the real gate (session_lifecycle)."""
    return open_session(
        database=database,
        config=config,
        actor=nurse,
        patient_id=patient_id,
        chair=config.clinic.chairs[0],
        protocol_id=config.default_protocol.id,
        weight_kg=80,
        idempotency_key=key(),
        now=at,
    ).session_id


def session(
    database: Database,
    config: Config,
    nurse: Actor,
    patient_id: int,
    course_id: int,
    sequence: int,
    *,
    at: datetime,
) -> int:
    """A session of the course, opened at `at` through the real gate and left planned (so
    questionnaires can be taken before dosing); the session before it is ended first, so
    the chair is free. `sequence` is what the gate must have numbered it."""
    with database.session_scope() as db:
        db.execute(
            update(InfusionSession)
            .where(InfusionSession.state == "planned")
            .values(state="stopped_early")
        )
    sid = open_now(database, config, nurse, patient_id, at=at)
    with database.session_scope() as db:
        row = db.get(InfusionSession, sid)
        assert row is not None and (row.course_id, row.course_sequence) == (course_id, sequence)
    return sid


def session_outside_gate(
    database: Database,
    config: Config,
    nurse: Actor,
    patient_id: int,
    course_id: int,
    *,
    at: datetime,
) -> int:
    """A first session in a course that was NOT ready, as a broken gate would have let it
    open: opened under a ready course of the same patient, then moved into `course_id`
    (the quality measure must catch it)."""
    with database.session_scope() as db:
        status = db.get(Course, course_id).status  # type: ignore[union-attr]
        db.execute(update(Course).where(Course.id == course_id).values(status="stopped"))
    helper = course(database, config, patient_id, physician=None)
    screening(database, config, helper, nurse, at=at - timedelta(days=1))
    consent(database, config, helper, nurse, at=at - timedelta(days=1))
    sid = session(database, config, nurse, patient_id, helper, 1, at=at)
    with database.session_scope() as db:
        db.execute(update(Course).where(Course.id == helper).values(status="stopped"))
        db.execute(update(Course).where(Course.id == course_id).values(status=status))
        db.execute(
            update(InfusionSession)
            .where(InfusionSession.id == sid)
            .values(course_id=course_id, course_sequence=1)
        )
    return sid


def items_for(questionnaire: str, total: int, item9: int = 0) -> dict[int | str, int | str]:
    """Item answers that add up to `total` (PHQ-9 item 9 only as asked: it raises a flag)."""
    count, top = (9, 3) if questionnaire == "phq9" else (20, 4)
    answers: dict[int | str, int | str] = {}
    left = total - item9
    for n in range(1, count + 1):
        answers[n] = item9 if questionnaire == "phq9" and n == 9 else min(top, left)
        left -= 0 if questionnaire == "phq9" and n == 9 else int(answers[n])
    assert left == 0, f"{total} does not fit {questionnaire}"
    return answers


def score(
    database: Database,
    nurse: Actor,
    session_id: int,
    questionnaire: str,
    total: int,
    *,
    at: datetime,
    item9: int = 0,
) -> QuestionnaireSaved:
    """A questionnaire taken before dosing, through the real service (scored there)."""
    return record_questionnaire(
        database=database,
        config=factories.CONFIG,
        actor=nurse,
        session_id=session_id,
        questionnaire=questionnaire,
        items=items_for(questionnaire, total, item9),
        respondent="nurse",
        idempotency_key=key(),
        taken_at=at,
        now=at,
    )


def ready(
    database: Database, config: Config, nurse: Actor, physician: Actor, **course_kw: object
) -> tuple[int, int]:
    """A patient with an active course, screened (all "no") and consented: (patient, course)."""
    pid = factories.patient(database, config, ready=False)
    cid = course(database, config, pid, physician=physician, **course_kw)  # type: ignore[arg-type]
    screening(database, config, cid, nurse, at=T0 - timedelta(days=5))
    consent(database, config, cid, nurse, at=T0 - timedelta(days=5))
    return pid, cid
