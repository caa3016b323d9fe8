"""A patient's treatment course: starting, listing, completing and stopping it, changing
its plan, and the gate on opening a session. "A test that tries": every way round the
screening and the consent is tried, and each is refused in words with nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import Course
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, InfusionSession
from monitor.domain.course import NotReady
from monitor.domain.errors import InvalidEntry, in_words
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus, Indication
from monitor.services.actors import Actor
from monitor.services.consent import record_consent, withdraw_consent
from monitor.services.courses import (
    change_course_status,
    change_planned_sessions,
    course_readiness,
    list_courses,
    start_course,
)
from monitor.services.early_end import end_session_early
from monitor.services.errors import Conflict, PermissionDenied
from monitor.services.screening import decide_screening, record_screening
from monitor.services.session_lifecycle import open_session
from tests import factories
from tests.factories import PASSWORD, T0

NOT_SCREENED = "Screening has not been recorded"
AWAITING = "Screening is awaiting a physician's decision"
NO_CONSENT = "Consent has not been recorded"


def count(database: Database, model: Any, *where: Any) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def actions(database: Database, action: str) -> list[AuditEvent]:
    with database.session_scope() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.expunge_all()
        return list(rows)


def start(database: Database, config: Config, pid: int, **changes: Any) -> int:
    nurse, physician = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "config": config,
        "actor": nurse,
        "patient_id": pid,
        "protocol_id": config.default_protocol.id,
        "indication": "ptsd",
        "indication_note": None,
        "planned_sessions": None,
        "start_date": "2026-11-20",
        "physician_id": physician.id,
        "idempotency_key": factories.key(),
        "now": T0,
    } | changes
    return start_course(**args).course_id


def open_for(database: Database, config: Config, pid: int, *, now: Any = T0, chair: int = 0) -> int:
    nurse, _ = factories.course_staff(database)
    return open_session(
        database=database,
        config=config,
        actor=nurse,
        patient_id=pid,
        chair=config.clinic.chairs[chair],
        protocol_id=config.default_protocol.id,
        weight_kg=80,
        idempotency_key=factories.key(),
        now=now,
    ).session_id


def refused(database: Database, config: Config, pid: int, **kwargs: Any) -> tuple[str, ...]:
    """Try to open a session: it must be refused, and nothing stored."""
    before = count(database, InfusionSession)
    with pytest.raises(NotReady) as refusal:
        open_for(database, config, pid, **kwargs)
    assert count(database, InfusionSession) == before
    assert refusal.value.problems and {p.field for p in refusal.value.problems} == {"course"}
    return refusal.value.missing


def screen(
    database: Database, config: Config, course_id: int, *, yes: bool = False, now: Any = T0
) -> int:
    nurse, _ = factories.course_staff(database)
    answers = factories.all_no(config)
    if yes:
        answers[config.screening.checklist[0].code] = ("yes", "Schizophrenia diagnosed 2015")
    return record_screening(
        database=database,
        config=config,
        actor=nurse,
        course_id=course_id,
        answers=answers,
        idempotency_key=factories.key(),
        now=now,
    ).screening_id


def decide(database: Database, config: Config, screening_id: int, decision: str) -> None:
    _, physician = factories.course_staff(database)
    decide_screening(
        database=database,
        config=config,
        actor=physician,
        screening_id=screening_id,
        decision=decision,
        reason="Stable for five years on treatment; psychiatrist agrees",
        password=PASSWORD,
        idempotency_key=factories.key(),
        now=T0,
    )


def consent(database: Database, config: Config, course_id: int, pid: int) -> None:
    factories.consent(database, config, course_id, pid, now=T0)


def withdraw(database: Database, course_id: int) -> None:
    nurse, _ = factories.course_staff(database)
    withdraw_consent(
        database=database,
        actor=nurse,
        course_id=course_id,
        withdrawn_on=T0.date(),
        reason="Patient no longer wishes to continue",
        idempotency_key=factories.key(),
        now=T0,
    )


def status_of(database: Database, course_id: int) -> CourseStatus:
    with database.session_scope() as db:
        row = db.get(Course, course_id)
        assert row is not None
        return CourseStatus(row.status)


# --- the test that tries ------------------------------------------------------------------


def test_no_course_no_session(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    (message,) = refused(database, config, pid)
    assert message.endswith(
        "has no treatment course: start one, then record the screening and consent"
    )


def test_a_course_just_started_names_screening_and_consent(
    database: Database, config: Config
) -> None:
    pid = factories.patient(database, config, ready=False)
    start(database, config, pid)
    assert refused(database, config, pid) == (NOT_SCREENED, NO_CONSENT)


def test_consent_without_screening(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    consent(database, config, course_id, pid)
    assert refused(database, config, pid) == (NOT_SCREENED,)
    assert status_of(database, course_id) is CourseStatus.SCREENING


def test_screening_cleared_without_consent(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    screen(database, config, course_id)
    assert refused(database, config, pid) == (NO_CONSENT,)


def test_a_yes_awaits_the_physician_even_with_consent(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    screening_id = screen(database, config, course_id, yes=True)
    consent(database, config, course_id, pid)
    assert refused(database, config, pid) == (AWAITING,)
    assert status_of(database, course_id) is CourseStatus.SCREENING
    decide(database, config, screening_id, "cleared")
    assert status_of(database, course_id) is CourseStatus.ACTIVE
    assert open_for(database, config, pid) > 0


def test_a_declined_screening_stops_the_course(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    screening_id = screen(database, config, course_id, yes=True)
    consent(database, config, course_id, pid)
    decide(database, config, screening_id, "declined")
    assert status_of(database, course_id) is CourseStatus.STOPPED
    assert refused(database, config, pid) == (
        "This course was stopped: Screening declined: "
        "Stable for five years on treatment; psychiatrist agrees",
    )
    # A new screening of the stopped course cannot reopen it.
    with pytest.raises(Conflict, match="This course is stopped"):
        screen(database, config, course_id)


def test_withdrawn_consent_stops_the_course(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, now=T0)
    first = open_for(database, config, pid)
    _discharge_free(database, config, first, T0 + timedelta(minutes=5))
    withdraw(database, course_id)
    assert status_of(database, course_id) is CourseStatus.STOPPED
    assert refused(database, config, pid, now=T0 + timedelta(hours=1)) == (
        "This course was stopped: Consent withdrawn: Patient no longer wishes to continue",
    )
    with pytest.raises(Conflict, match="This course is stopped"):
        consent(database, config, course_id, pid)


def test_an_expired_screening(database: Database, config: Config) -> None:
    days = config.screening.valid_days
    pid = factories.patient(database, config, ready=False)
    factories.ready_course(database, config, pid, now=T0)
    (message,) = refused(database, config, pid, now=T0 + timedelta(days=days, minutes=1))
    assert message == (
        f"Screening of {T0.date().isoformat()} has expired (older than {days} days): screen again"
    )
    # On the last day it holds, the first session opens, and the course keeps it after.
    first = open_for(database, config, pid, now=T0 + timedelta(days=days))
    _discharge_free(database, config, first, T0 + timedelta(days=days, minutes=1))
    assert open_for(database, config, pid, now=T0 + timedelta(days=days + 10)) > first


def test_a_new_screening_with_a_yes_holds_the_next_session(
    database: Database, config: Config
) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, now=T0)
    first = open_for(database, config, pid)
    _discharge_free(database, config, first, T0 + timedelta(minutes=1))
    screen(database, config, course_id, yes=True, now=T0 + timedelta(days=2))
    assert refused(database, config, pid, now=T0 + timedelta(days=3)) == (AWAITING,)


def test_all_planned_sessions_given_until_the_plan_is_extended(
    database: Database, config: Config
) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, planned=2, now=T0)
    for day in range(2):
        sid = open_for(database, config, pid, now=T0 + timedelta(days=day))
        _discharge_free(database, config, sid, T0 + timedelta(days=day, minutes=1))
    assert refused(database, config, pid, now=T0 + timedelta(days=2)) == (
        "All 2 planned sessions have been given: a physician extends the plan to open another",
    )
    _, physician = factories.course_staff(database)
    change_planned_sessions(
        database=database, actor=physician, course_id=course_id, planned_sessions=3,
        reason="Partial response; one more infusion agreed", now=T0 + timedelta(days=2),
    )  # fmt: skip
    third = open_for(database, config, pid, now=T0 + timedelta(days=2, minutes=5))
    with database.session_scope() as db:
        row = db.get(InfusionSession, third)
        assert row is not None
        assert (row.course_id, row.course_sequence) == (course_id, 3)


def test_a_completed_course_opens_no_session(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, now=T0)
    sid = open_for(database, config, pid)
    nurse, _ = factories.course_staff(database)
    with pytest.raises(Conflict, match="in progress: end it first"):
        change_course_status(database=database, actor=nurse, course_id=course_id,
                             status="completed", reason="", now=T0)  # fmt: skip
    _discharge_free(database, config, sid, T0 + timedelta(minutes=1))
    change_course_status(database=database, actor=nurse, course_id=course_id,
                         status="completed", reason="", now=T0 + timedelta(hours=1))  # fmt: skip
    assert refused(database, config, pid, now=T0 + timedelta(hours=2)) == (
        "This course is completed: start a new course for more sessions",
    )


def test_a_course_recorded_before_courses_opens_no_new_session(
    database: Database, config: Config
) -> None:
    pid = factories.patient(database, config, ready=False)
    with database.session_scope() as db:  # as migration 0012 makes them
        db.add(
            Course(
                patient_id=pid, protocol_id=config.default_protocol.id, indication="other",
                indication_note="Sessions recorded before courses existed", planned_sessions=6,
                start_date=date(2026, 1, 5), status="active", created_at=T0,
                recorded_before_courses=True, idempotency_key=f"migration-0012-patient-{pid}",
            )
        )  # fmt: skip
    (message,) = refused(database, config, pid)
    assert message.startswith("This course was recorded before courses existed")


def test_the_refusal_is_the_bedside_message(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    start(database, config, pid)
    with pytest.raises(InvalidEntry) as refusal:  # a page catches InvalidEntry
        open_for(database, config, pid)
    assert in_words(refusal.value) == f"{NOT_SCREENED}. {NO_CONSENT}."
    assert actions(database, "session.opened") == []


def test_a_ready_course_numbers_its_sessions(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, now=T0)
    assert course_readiness(database=database, config=config, course_id=course_id, now=T0) == (
        course_readiness(database=database, config=config, course_id=course_id, now=T0)
    )
    assert course_readiness(database=database, config=config, course_id=course_id).may_open
    sids = []
    for day in range(3):
        sid = open_for(database, config, pid, now=T0 + timedelta(days=day))
        sids.append(sid)
        _discharge_free(database, config, sid, T0 + timedelta(days=day, minutes=1))
    with database.session_scope() as db:
        numbered = [
            (r.course_id, r.course_sequence)
            for r in (db.get(InfusionSession, s) for s in sids)
            if r
        ]
    assert numbered == [(course_id, 1), (course_id, 2), (course_id, 3)]
    (opened,) = [e for e in actions(database, "session.opened") if e.entity_id == sids[2]]
    assert opened.new_values is not None
    assert opened.new_values["course_id"] == course_id
    assert opened.new_values["course_sequence"] == 3


def _discharge_free(database: Database, config: Config, session_id: int, at: Any) -> None:
    """End a planned session before dosing: the chair and the patient are free again."""
    nurse, _ = factories.course_staff(database)
    end_session_early(database=database, config=config, actor=nurse, session_id=session_id,
                      reason="Patient unwell today", now=at)  # fmt: skip


# --- starting and listing a course ----------------------------------------------------------


def test_a_course_starts_in_screening_with_the_configs_plan(
    database: Database, config: Config
) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    nurse, physician = factories.course_staff(database)
    (row,) = list_courses(database=database, actor=nurse, patient_id=pid)
    assert (row.id, row.status, row.planned, row.given) == (
        course_id, CourseStatus.SCREENING, config.course.planned_sessions, 0,
    )  # fmt: skip
    assert (row.indication, row.start_date, row.physician) == (
        Indication.PTSD, date(2026, 11, 20), physician.full_name,
    )  # fmt: skip
    (audit,) = actions(database, "course.started")
    assert audit.entity_type == "course" and audit.entity_id == course_id
    assert audit.new_values is not None and audit.new_values["status"] == "screening"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"protocol_id": "nope"}, "protocol", "Choose one of the clinic's protocols"),
        ({"indication": "anxiety"}, "indication", "Choose the indication"),
        ({"indication": "other"}, "indication_note", "Say what the course treats"),
        ({"planned_sessions": "0"}, "planned_sessions", "from 1 to 50"),
        ({"start_date": "2026-02-30"}, "start_date", "Start: enter a date"),
        ({"start_date": ""}, "start_date", "Enter the course's start date"),
        ({"patient_id": 99999}, "patient", "Choose a patient"),
        ({"physician_id": "nurse"}, "physician", "Choose the responsible physician"),
    ],
)
def test_a_course_refused_at_its_field(
    database: Database, config: Config, changes: dict[str, Any], field: str, message: str
) -> None:
    pid = factories.patient(database, config, ready=False)
    if changes.get("physician_id") == "nurse":
        changes["physician_id"] = factories.course_staff(database)[0].id
    with pytest.raises(InvalidEntry, match=message) as refusal:
        start(database, config, pid, **changes)
    assert refusal.value.problems[0].field == field
    assert count(database, Course) == 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_only_clinical_staff_start_a_course(database: Database, config: Config, role: Role) -> None:
    pid = factories.patient(database, config, ready=False)
    with pytest.raises(PermissionDenied):
        start(database, config, pid, actor=factories.user(database, role))
    assert count(database, Course) == 0


def test_one_open_course_at_a_time(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    first = start(database, config, pid)
    with pytest.raises(Conflict, match="already has an open course \\(screening\\)"):
        start(database, config, pid)
    nurse, _ = factories.course_staff(database)
    with pytest.raises(InvalidEntry, match="Say why the course is stopped"):
        change_course_status(database=database, actor=nurse, course_id=first, status="stopped",
                             reason="  ")  # fmt: skip
    change_course_status(database=database, actor=nurse, course_id=first, status="stopped",
                         reason="Patient moved away", now=T0)  # fmt: skip
    second = start(database, config, pid)
    rows = list_courses(database=database, actor=nurse, patient_id=pid)
    assert [(r.id, r.status) for r in rows] == [
        (second, CourseStatus.SCREENING), (first, CourseStatus.STOPPED),
    ]  # fmt: skip
    assert rows[1].status_reason == "Patient moved away"
    (change,) = actions(database, "course.status_changed")
    assert (change.old_values, change.new_values, change.reason) == (
        {"status": "screening"}, {"status": "stopped"}, "Patient moved away",
    )  # fmt: skip


def test_starting_twice_with_one_key(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    key = factories.key()
    first = start(database, config, pid, idempotency_key=key)
    assert start(database, config, pid, idempotency_key=key) == first
    with pytest.raises(Conflict, match="already saved with other values"):
        start(database, config, pid, idempotency_key=key, planned_sessions=8)
    assert count(database, Course) == 1


def test_a_status_asked_twice_is_a_duplicate(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    nurse, _ = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "actor": nurse,
        "course_id": course_id,
        "status": "stopped",
        "reason": "Declined by patient",
        "now": T0,
    }
    assert not change_course_status(**args).duplicate
    assert change_course_status(**args).duplicate
    with pytest.raises(InvalidEntry, match="already stopped"):
        change_course_status(**(args | {"reason": "Another reason"}))
    assert len(actions(database, "course.status_changed")) == 1


def test_the_plan_is_never_fewer_than_given(database: Database, config: Config) -> None:
    pid = factories.patient(database, config, ready=False)
    course_id = factories.ready_course(database, config, pid, now=T0)
    sid = open_for(database, config, pid)
    _discharge_free(database, config, sid, T0 + timedelta(minutes=1))
    sid = open_for(database, config, pid, now=T0 + timedelta(days=1))
    nurse, _ = factories.course_staff(database)

    def plan(value: Any, reason: str = "Physician's order") -> int:
        return change_planned_sessions(database=database, actor=nurse, course_id=course_id,
                                       planned_sessions=value, reason=reason, now=T0)  # fmt: skip

    with pytest.raises(InvalidEntry, match="2 sessions have already been given: plan at least 2"):
        plan(1)
    with pytest.raises(InvalidEntry, match="6 sessions are already planned"):
        plan("6")
    with pytest.raises(InvalidEntry, match="Say why the plan changes"):
        plan(8, reason="")
    assert plan(8) == 8
    (audit,) = actions(database, "course.plan_changed")
    assert (audit.old_values, audit.new_values) == (
        {"planned_sessions": 6},
        {"planned_sessions": 8},
    )
    (row,) = list_courses(database=database, actor=nurse, patient_id=pid)
    assert (row.planned, row.given) == (8, 2)


def test_the_auditor_lists_the_admin_does_not(database: Database, config: Config) -> None:
    pid = factories.patient(database, config)
    auditor = factories.user(database, Role.AUDITOR)
    assert [r.status for r in list_courses(database=database, actor=auditor, patient_id=pid)] == [
        CourseStatus.ACTIVE
    ]
    with pytest.raises(PermissionDenied):
        list_courses(database=database, actor=factories.user(database, Role.ADMIN), patient_id=pid)


def test_every_factory_session_is_in_a_ready_course(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with database.session_scope() as db:
        row = db.get(InfusionSession, sid)
        assert row is not None and row.course_sequence == 1
        course = db.get(Course, row.course_id)
        assert course is not None and course.status == CourseStatus.ACTIVE.value


def test_record_consent_is_witnessed_by_staff(database: Database, config: Config) -> None:
    """Only clinical staff witness: an auditor's password is never asked."""
    pid = factories.patient(database, config, ready=False)
    course_id = start(database, config, pid)
    auditor: Actor = factories.user(database, Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        record_consent(database=database, config=config, actor=auditor, course_id=course_id,
                       consented_on="2026-11-20", patient_typed_name="x", password=PASSWORD,
                       idempotency_key=factories.key(), now=T0)  # fmt: skip
