"""The course quality measures on known data: a first session opened without cleared
screening or consent is caught (and the migrated courses are counted apart), clearances by
concern, self-harm flags and the time to a physician's review, response and remission by
indication; the auditor's alone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus, Indication, PreDoseConcern, Questionnaire
from monitor.services import quality
from monitor.services.actors import Actor
from monitor.services.consent import withdraw_consent
from monitor.services.errors import DomainError, PermissionDenied
from monitor.services.pre_dose import clear_pre_dose
from monitor.services.safety_flags import acknowledge_safety_flag
from monitor.services.screening import decide_screening, record_screening
from tests import course_data, factories
from tests.factories import PASSWORD, T0, key

START, END = T0 - timedelta(days=30), T0 + timedelta(days=30)


def measures(database: Database, config: Config) -> quality.CourseMeasures:
    auditor = factories.user(database, Role.AUDITOR)
    return quality.course_measures(
        database=database, config=config, actor=auditor, start=START, end=END
    )


def test_a_course_opened_before_its_screening_was_cleared_is_counted(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)  # cleared and consented
    course_data.session(database, config, nurse, pid, cid, 1, at=T0)
    assert measures(database, config).opened_without == ()
    # a second patient's first session opened while the screening awaited a decision
    late = factories.patient(database, config, ready=False)
    bad = course_data.course(database, config, late, physician=physician)
    code = config.screening.checklist[0].code
    screened = course_data.screening(
        database, config, bad, nurse, at=T0 - timedelta(days=1), yes=(code,)
    )
    course_data.consent(database, config, bad, nurse, at=T0 - timedelta(days=1))
    sid = course_data.session_outside_gate(
        database, config, nurse, late, bad, at=T0 + timedelta(hours=1)
    )
    course_data.decision(
        database, screened, physician, at=T0 + timedelta(hours=2), decision="cleared"
    )
    # and a third with no consent at all
    third = factories.patient(database, config, ready=False)
    unconsented = course_data.course(database, config, third, physician=physician)
    course_data.screening(database, config, unconsented, nurse, at=T0)
    course_data.session_outside_gate(
        database, config, nurse, third, unconsented, at=T0 + timedelta(hours=3)
    )
    m = measures(database, config)
    assert m.first_sessions == 3
    assert [(w.course_id, w.session_id, w.missing) for w in m.opened_without] == [
        (bad, sid, ("screening",)),
        (unconsented, m.opened_without[1].session_id, ("consent",)),
    ]
    assert m.recorded_before_courses == 0


def test_courses_recorded_before_courses_are_counted_apart(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    pid = factories.patient(database, config, ready=False)
    old = course_data.course(
        database, config, pid, physician=None, status=CourseStatus.COMPLETED, before_courses=True
    )
    course_data.session_outside_gate(database, config, nurse, pid, old, at=T0)
    m = measures(database, config)
    assert (m.first_sessions, m.opened_without, m.recorded_before_courses) == (0, (), 1)


def _flag(database: Database, config: Config, nurse: Actor, minutes: float | None) -> None:
    """A PHQ-9 with item 9 above 0 (the service raises the flag), reviewed by a physician
    `minutes` later — by acknowledging it, then clearing the self-harm concern before
    dosing — or left open."""
    physician = factories.user(database, Role.PHYSICIAN)
    pid, cid = course_data.ready(database, config, nurse, physician)
    sid = course_data.session(database, config, nurse, pid, cid, 1, at=T0)
    saved = course_data.score(database, nurse, sid, "phq9", 12, at=T0, item9=1)
    assert saved.flag_id is not None
    if minutes is None:
        return
    acknowledge_safety_flag(
        database=database,
        actor=physician,
        flag_id=saved.flag_id,
        note="Spoke with the patient",
        submission_key=key(),
        now=T0 + timedelta(minutes=minutes),
    )
    clear_pre_dose(
        database=database,
        config=config,
        actor=physician,
        session_id=sid,
        concern=PreDoseConcern.SELF_HARM,
        reason="No plan or intent; safety plan reviewed",
        idempotency_key=key(),
        now=T0 + timedelta(minutes=20),
    )


def test_flags_and_time_to_review_and_clearances(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    for minutes in (4, 10, None):
        _flag(database, config, nurse, minutes)
    m = measures(database, config)
    assert (m.flags.raised, m.flags.reviewed, m.flags.open) == (3, 2, 1)
    assert m.flags.median_minutes == pytest.approx(7)
    assert m.flags.p90_minutes == pytest.approx(9.4)
    assert m.clearances == {PreDoseConcern.BASELINE_BP: 0, PreDoseConcern.SELF_HARM: 2}


def test_response_and_remission_by_indication(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    cases = [
        (Indication.PTSD, "pcl5", (60, 45, 29)),  # response and remission
        (Indication.PTSD, "pcl5", (60, 50, 40)),  # neither
        (Indication.DEPRESSION, "phq9", (20, 12, 10)),  # response, not remission
        (Indication.DEPRESSION, "phq9", (14,)),  # one total: not counted
    ]
    for indication, scale, totals in cases:
        pid, cid = course_data.ready(database, config, nurse, physician, indication=indication)
        for k, total in enumerate(totals, start=1):
            at = T0 + timedelta(days=k)
            sid = course_data.session(database, config, nurse, pid, cid, k, at=at)
            course_data.score(database, nurse, sid, scale, total, at=at)
    m = measures(database, config)
    got = {
        (o.indication, o.questionnaire): (o.courses, o.responses, o.remissions) for o in m.outcomes
    }
    assert got == {
        (Indication.PTSD, Questionnaire.PCL5): (2, 1, 1),
        (Indication.DEPRESSION, Questionnaire.PHQ9): (1, 1, 0),
    }
    ptsd = next(o for o in m.outcomes if o.indication is Indication.PTSD)
    assert (ptsd.response_rate, ptsd.remission_rate) == (0.5, 0.5)


def test_an_empty_period(database: Database, config: Config) -> None:
    m = measures(database, config)
    assert (m.first_sessions, m.opened_without, m.outcomes) == (0, (), ())
    assert (m.flags.raised, m.flags.median_minutes, m.flags.p90_minutes) == (0, None, None)


def test_only_the_auditor(database: Database, config: Config) -> None:
    for role in (Role.NURSE, Role.PHYSICIAN, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            quality.course_measures(
                database=database,
                config=config,
                actor=factories.user(database, role),
                start=START,
                end=END,
            )


def test_every_way_round_the_gate_is_refused_and_the_measure_stays_zero(
    database: Database, config: Config
) -> None:
    """A test that tries: through the real services, open a first session without a course,
    before screening, while it awaits a decision, after a decline, without consent, after a
    withdrawal, on an expired screening. Each is refused, and the measure counts none."""
    nurse = factories.user(database, Role.NURSE)
    physician = factories.user(database, Role.PHYSICIAN)
    day = timedelta(days=1)

    def try_to_open(patient_id: int, at: datetime = T0) -> None:
        with pytest.raises(DomainError):
            course_data.open_now(database, config, nurse, patient_id, at=at)

    def screened(pid: int, cid: int, answers: dict[str, tuple[str, str]], at: datetime) -> int:
        return record_screening(
            database=database,
            config=config,
            actor=nurse,
            course_id=cid,
            answers=answers,
            idempotency_key=key(),
            now=at,
        ).screening_id

    def decided(screening_id: int, decision: str, at: datetime) -> None:
        decide_screening(
            database=database,
            config=config,
            actor=physician,
            screening_id=screening_id,
            decision=decision,
            reason="Reviewed with the patient",
            password=PASSWORD,
            idempotency_key=key(),
            now=at,
        )

    first = config.screening.checklist[0].code
    a_yes = factories.all_no(config) | {first: ("yes", "In 2015, none since")}
    earlier = T0 - 2 * day

    no_course = factories.patient(database, config, ready=False)
    try_to_open(no_course)

    unscreened = factories.patient(database, config, ready=False)
    factories.course(database, config, unscreened, now=earlier)
    try_to_open(unscreened)

    awaiting = factories.patient(database, config, ready=False)
    cid = factories.course(database, config, awaiting, now=earlier)
    screened(awaiting, cid, a_yes, earlier)
    factories.consent(database, config, cid, awaiting, now=earlier)
    try_to_open(awaiting)

    declined = factories.patient(database, config, ready=False)
    cid = factories.course(database, config, declined, now=earlier)
    decided(screened(declined, cid, a_yes, earlier), "declined", earlier)
    try_to_open(declined)

    unconsented = factories.patient(database, config, ready=False)
    cid = factories.course(database, config, unconsented, now=earlier)
    decided(screened(unconsented, cid, a_yes, earlier), "cleared", earlier)
    try_to_open(unconsented)

    withdrawn = factories.patient(database, config, ready=False)
    cid = factories.ready_course(database, config, withdrawn, now=earlier)
    withdraw_consent(
        database=database,
        actor=nurse,
        course_id=cid,
        withdrawn_on=earlier.astimezone(config.clinic.zone).date(),
        reason="Changed their mind",
        idempotency_key=key(),
        now=earlier,
    )
    try_to_open(withdrawn)

    expired = factories.patient(database, config, ready=False)
    long_ago = T0 - (config.screening.valid_days + 1) * day
    factories.ready_course(database, config, expired, now=long_ago)
    try_to_open(expired)

    ready = factories.patient(database, config, ready=False)
    factories.ready_course(database, config, ready, now=earlier)
    course_data.open_now(database, config, nurse, ready, at=T0)  # the one that may open

    m = measures(database, config)
    assert (m.first_sessions, m.opened_without) == (1, ())
