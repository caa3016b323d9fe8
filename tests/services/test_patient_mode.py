"""Patient mode through its service: the nurse's own sign-in shows only this session's
questionnaires; the patient's answers are stored under the nurse as respondent patient, and
the last one ends the sign-in in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlag
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, SignInSession
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.services.errors import Conflict, IllegalTransition, InvalidEntry, NotFound
from monitor.services.patient_mode import (
    PatientModeSubmitted,
    patient_mode_state,
    start_patient_mode,
    submit_patient_questionnaire,
)
from monitor.services.sign_in_sessions import Ended, Open, open_sign_in, resume
from tests import factories
from tests.factories import T0

PHQ9: dict[int | str, int | str] = dict.fromkeys(range(1, 10), 1)  # item 9 positive
PCL5: dict[int | str, int | str] = dict.fromkeys(range(1, 21), 0)


def signed_in(database: Database, config: Config, actor: Actor) -> tuple[str, int]:
    token = open_sign_in(
        database=database, config=config, actor=actor, remote_addr=None, user_agent=None, now=T0
    )
    state = resume(database=database, config=config, token=token, now=T0)
    assert isinstance(state, Open)
    return token, state.session_id


def submit(
    database: Database,
    config: Config,
    nurse: Actor,
    sign_in: int,
    form: str,
    items: dict[int | str, int | str],
    at_minutes: int = 1,
) -> PatientModeSubmitted:
    return submit_patient_questionnaire(
        database=database,
        config=config,
        actor=nurse,
        sign_in_id=sign_in,
        questionnaire=form,
        items=items,
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=at_minutes),
    )


def test_both_questionnaires_then_the_sign_in_ends(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    token, sign_in = signed_in(database, config, nurse)
    started = start_patient_mode(
        database=database,
        actor=nurse,
        sign_in_id=sign_in,
        session_id=sid,
        questionnaires=("phq9", "pcl5"),
        now=T0,
    )
    assert started.pending == ("phq9", "pcl5")
    first = submit(database, config, nurse, sign_in, "phq9", PHQ9)
    assert (first.next, first.ended) == ("pcl5", False)
    assert first.flag_id is not None and first.total == 9
    state = patient_mode_state(database=database, sign_in_id=sign_in)
    assert state is not None and state.pending == ("pcl5",)
    with pytest.raises(Conflict, match="not asked for now"):
        submit(database, config, nurse, sign_in, "phq9", PHQ9)
    last = submit(database, config, nurse, sign_in, "pcl5", PCL5, at_minutes=2)
    assert (last.next, last.ended) == (None, True)
    assert (
        resume(database=database, config=config, token=token, now=T0 + timedelta(minutes=3))
        is Ended.REVOKED
    )
    with database.session_scope() as db:
        row = db.get_one(SignInSession, sign_in)
        assert row.revoked_reason == "patient_mode_done"
        responses = list(db.scalars(select(QuestionnaireResponse)))
        assert {(r.respondent, r.entered_by) for r in responses} == {("patient", nurse.id)}
        assert db.scalars(select(SafetyFlag)).one().priority == "high"
        actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert "patient_mode.started" in actions and actions[-2:] == [
        "patient_mode.finished",
        "auth.signed_out",
    ]


def test_nothing_submitted_after_the_sign_in_ended(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    _, sign_in = signed_in(database, config, nurse)
    start_patient_mode(
        database=database,
        actor=nurse,
        sign_in_id=sign_in,
        session_id=sid,
        questionnaires=("phq9",),
        now=T0,
    )
    assert submit(database, config, nurse, sign_in, "phq9", PHQ9).ended
    with pytest.raises(Conflict, match="ended"):
        submit(database, config, nurse, sign_in, "phq9", PHQ9, at_minutes=2)


def test_a_refused_answer_keeps_the_tablet_in_patient_mode(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    _, sign_in = signed_in(database, config, nurse)
    start_patient_mode(
        database=database,
        actor=nurse,
        sign_in_id=sign_in,
        session_id=sid,
        questionnaires=("phq9",),
        now=T0,
    )
    with pytest.raises(InvalidEntry):
        submit(database, config, nurse, sign_in, "phq9", {1: 0, 2: "x"})
    state = patient_mode_state(database=database, sign_in_id=sign_in)
    assert state is not None and state.pending == ("phq9",) and not state.ended


def test_only_ones_own_open_sign_in_before_dosing(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    other = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=5))
    _, sign_in = signed_in(database, config, nurse)
    with pytest.raises(NotFound):
        start_patient_mode(
            database=database,
            actor=other,
            sign_in_id=sign_in,
            session_id=sid,
            questionnaires=("phq9",),
            now=T0,
        )
    for bad in ((), ("phq9", "phq9"), ("gad7",)):
        with pytest.raises(InvalidEntry):
            start_patient_mode(
                database=database,
                actor=nurse,
                sign_in_id=sign_in,
                session_id=sid,
                questionnaires=bad,
                now=T0,
            )
    dosing = factories.infusing(database, config, nurse, chair=config.clinic.chairs[1])
    with pytest.raises(IllegalTransition):
        start_patient_mode(
            database=database,
            actor=nurse,
            sign_in_id=sign_in,
            session_id=dosing,
            questionnaires=("phq9",),
            now=T0,
        )
    assert patient_mode_state(database=database, sign_in_id=sign_in) is None
    with pytest.raises(Conflict, match="not on"):
        submit(database, config, nurse, sign_in, "phq9", PHQ9)
