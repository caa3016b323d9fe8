"""The course read model and its logged view: sessions k of N, each scale's totals, the
screening with its signed decision, the consent with its witness and withdrawal, the
follow-up date; each opening is a `course.viewed` audit entry; roles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.services.course_record import new_course_choices, view_course
from monitor.services.errors import NotFound, PermissionDenied
from tests import course_data, factories
from tests.factories import T0


def three_sessions(database: Database, config: Config) -> tuple[int, list[int]]:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)
    sids = []
    for k, (phq9, pcl5) in enumerate([(20, 60), (14, 44), (9, 29)], start=1):
        at = T0 + timedelta(days=2 * (k - 1))
        sid = course_data.session(database, config, nurse, pid, cid, k, at=at)
        course_data.score(database, nurse, sid, "phq9", phq9, at=at + timedelta(minutes=1))
        course_data.score(database, nurse, sid, "pcl5", pcl5, at=at + timedelta(minutes=2))
        sids.append(sid)
    return cid, sids


def test_a_course_with_three_sessions(database: Database, config: Config) -> None:
    cid, sids = three_sessions(database, config)
    auditor = factories.user(database, Role.AUDITOR)
    view = view_course(database=database, config=config, actor=auditor, course_id=cid, now=T0)
    record = view.record
    assert [s.session_id for s in record.sessions] == sids
    assert [s.sequence for s in record.sessions] == [1, 2, 3]
    assert record.header.planned_sessions == 6 and record.given == 3
    assert [(s.questionnaire, s.total) for s in record.scores] == [
        ("phq9", 20),
        ("pcl5", 60),
        ("phq9", 14),
        ("pcl5", 44),
        ("phq9", 9),
        ("pcl5", 29),
    ]
    assert (view.phq9.first, view.phq9.latest, view.phq9.response) == (20, 9, True)
    assert not view.phq9.remission  # 9 is not below 5
    assert view.pcl5.response and view.pcl5.remission  # 60 → 29: 52 %, below 33
    last = (T0 + timedelta(days=4)).astimezone(config.clinic.zone).date()
    assert view.last_session_on == last
    assert view.follow_up_due == last + timedelta(days=config.course.follow_up_days)


def test_a_repeated_questionnaire_replaces_the_earlier_on_the_chart(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)
    sid = course_data.session(database, config, nurse, pid, cid, 1, at=T0)
    course_data.score(database, nurse, sid, "phq9", 12, at=T0 + timedelta(minutes=1))
    course_data.score(database, nurse, sid, "phq9", 15, at=T0 + timedelta(minutes=5))
    view = view_course(database=database, config=config, actor=nurse, course_id=cid, now=T0)
    assert [s.total for s in view.record.scores] == [15]


def test_screening_decision_and_consent_with_their_signatures(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    cid = course_data.course(database, config, pid, physician=physician)
    code = config.screening.checklist[0].code
    screened = course_data.screening(database, config, cid, nurse, at=T0, yes=(code,))
    course_data.decision(
        database, screened, physician, at=T0 + timedelta(hours=1), decision="cleared"
    )
    consent = course_data.consent(database, config, cid, nurse, at=T0 + timedelta(hours=2))
    course_data.withdrawal(database, consent, nurse, at=T0 + timedelta(days=3))
    view = view_course(database=database, config=config, actor=physician, course_id=cid, now=T0)
    (screening,) = view.record.screenings
    assert screening.needs_decision and screening.screened_by == nurse.full_name
    assert [a.answer for a in screening.answers][0] == "yes"
    assert len(screening.answers) == len(config.screening.checklist)
    assert screening.answers[0].source == config.screening.checklist[0].source
    assert (screening.decision, screening.decided_by, screening.decided_role) == (
        "cleared",
        physician.full_name,
        "physician",
    )
    (consent_row,) = view.record.consents
    assert consent_row.form_version == config.consent.form_version
    assert consent_row.witness_printed_name == nurse.full_name
    assert consent_row.withdrawn_on == (T0 + timedelta(days=3)).date()
    assert consent_row.withdrawal_recorded_by == nurse.full_name
    assert view.record.sessions == () and view.follow_up_due is None


def test_every_opening_is_logged(database: Database, config: Config) -> None:
    cid, _ = three_sessions(database, config)
    auditor = factories.user(database, Role.AUDITOR)
    for _ in range(2):
        view_course(database=database, config=config, actor=auditor, course_id=cid, now=T0)
    with database.session_scope() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.action == "course.viewed")).all()
        assert [(e.entity_type, e.entity_id, e.actor_id) for e in events] == [
            ("course", cid, auditor.id)
        ] * 2
        assert events[0].new_values == {"by_role": "auditor", "what": "screen"}


def test_who_may_see_a_course(database: Database, config: Config) -> None:
    cid, _ = three_sessions(database, config)
    admin = factories.user(database, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        view_course(database=database, config=config, actor=admin, course_id=cid)
    nurse = factories.user(database, Role.NURSE)
    with pytest.raises(NotFound):
        view_course(database=database, config=config, actor=nurse, course_id=cid + 1000)
    with database.session_scope() as db:
        assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "course.viewed")).all()


def test_the_start_form_offers_active_physicians(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid = factories.patient(database, config, ready=False)
    choices = new_course_choices(
        database=database, config=config, actor=nurse, patient_id=pid, now=T0
    )
    assert choices.patient.id == pid
    assert (physician.id, physician.full_name) in choices.physicians
    assert choices.planned_sessions == config.course.planned_sessions
    assert choices.today == date(2026, 11, 20)
    assert choices.protocols[0][0] == config.default_protocol.id
    auditor = factories.user(database, Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        new_course_choices(database=database, config=config, actor=auditor, patient_id=pid)
    with database.session_scope() as db:
        viewed = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient.viewed")).all()
        assert [(e.entity_type, e.entity_id) for e in viewed] == [("patient", pid)]
