"""Opening a session and running its infusion: the state machine, held by the services."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, InfusionEvent, InfusionSession, Signature
from monitor.domain.permissions import Role
from monitor.domain.session_state import ExitKind, SessionEvent, SessionState
from monitor.services.actors import Actor
from monitor.services.early_end import EndedEarly, end_session_early
from monitor.services.errors import Conflict, IllegalTransition, InvalidEntry, PermissionDenied
from monitor.services.exits import ExitSigned, sign_exit
from monitor.services.pump import record_infusion_event
from monitor.services.session_lifecycle import open_session
from tests import factories
from tests.factories import PASSWORD, T0


def session_row(database: Database, sid: int) -> InfusionSession:
    with database.session_scope() as db:
        row = db.get(InfusionSession, sid)
        assert row is not None
        return row


def test_open_session_computes_dose_and_rate(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, weight=80)
    row = session_row(database, sid)
    assert (row.state, row.dose_mg, row.rate_ml_per_h) == ("planned", 40.0, 60.0)
    with database.session_scope() as db:
        audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "session.opened")).one()
    assert audit.session_id == sid
    assert audit.new_values is not None and audit.new_values["dose_mg"] == 40.0


def test_open_twice_with_one_key_opens_one_session(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    pid = factories.patient(database, config)
    key = factories.key()
    args: dict[str, Any] = dict(
        database=database,
        config=config,
        actor=nurse,
        patient_id=pid,
        chair=config.clinic.chairs[0],
        protocol_id=config.default_protocol.id,
        weight_kg="80",
        idempotency_key=key,
    )
    first = open_session(**args)
    second = open_session(**args)
    assert second.duplicate and second.session_id == first.session_id


def test_a_chair_holds_one_active_session(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    factories.session(database, config, nurse, chair=config.clinic.chairs[0])
    with pytest.raises(Conflict, match="already has a session"):
        factories.session(database, config, nurse, chair=config.clinic.chairs[0])


@pytest.mark.parametrize("weight", ["25", "301", "abc", ""])
def test_implausible_weight_is_refused(database: Database, config: Config, weight: str) -> None:
    nurse = factories.user(database)
    pid = factories.patient(database, config)
    with pytest.raises(InvalidEntry) as refused:
        open_session(
            database=database,
            config=config,
            actor=nurse,
            patient_id=pid,
            chair=config.clinic.chairs[0],
            protocol_id=config.default_protocol.id,
            weight_kg=weight,
            idempotency_key=factories.key(),
        )
    assert refused.value.problems[0].field == "weight"


def test_infusion_cannot_start_without_a_baseline(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with pytest.raises(IllegalTransition, match="baseline"):
        factories.event(database, nurse, sid, SessionEvent.START_INFUSION, T0)


def test_full_infusion_run(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(
        database, nurse, sid, SessionEvent.PAUSE, T0 + timedelta(minutes=12), reason="BP 182/104"
    )
    assert session_row(database, sid).state == "paused"
    factories.event(database, nurse, sid, SessionEvent.RESUME, T0 + timedelta(minutes=20))
    factories.event(
        database,
        nurse,
        sid,
        SessionEvent.RATE_CHANGE,
        T0 + timedelta(minutes=21),
        rate_ml_per_h=45.0,
    )
    # 12 mL, paused 8 min, 1 mL, then 27 min at 45 mL/h: 33.25 of the 40 mL planned, so
    # stopping at the planned time (pause counted) still needs a reason after the lower rate
    factories.event(
        database,
        nurse,
        sid,
        SessionEvent.STOP_INFUSION,
        T0 + timedelta(minutes=48),
        reason="physician: stop at the planned time",
    )
    row = session_row(database, sid)
    assert (row.state, row.rate_ml_per_h) == ("recovery", 45.0)
    assert row.infusion_stopped_at == T0 + timedelta(minutes=48)
    assert (row.delivered_ml, row.delivered_mg) == (33.25, 33.25)
    with database.session_scope() as db:
        kinds = db.scalars(
            select(InfusionEvent.kind)
            .where(InfusionEvent.session_id == sid)
            .order_by(InfusionEvent.id)
        ).all()
    assert kinds == ["start", "pause", "resume", "rate_change", "stop"]


def test_pause_needs_a_reason(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry, match="why"):
        factories.event(database, nurse, sid, SessionEvent.PAUSE, T0 + timedelta(minutes=5))


def test_stopping_before_the_dose_has_run_needs_a_reason(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry, match="early"):
        factories.event(
            database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=25)
        )
    factories.event(
        database,
        nurse,
        sid,
        SessionEvent.STOP_INFUSION,
        T0 + timedelta(minutes=25),
        reason="patient asked to stop",
    )
    assert session_row(database, sid).state == "recovery"


@pytest.mark.parametrize("rate", [None, 0.0, -5.0, 5000.0])
def test_bad_rate_is_refused(database: Database, config: Config, rate: float | None) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry):
        factories.event(
            database,
            nurse,
            sid,
            SessionEvent.RATE_CHANGE,
            T0 + timedelta(minutes=5),
            rate_ml_per_h=rate,
        )


def test_repeated_event_key_records_once(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    for _ in range(2):
        result = record_infusion_event(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            event=SessionEvent.PAUSE,
            idempotency_key=key,
            reason="nausea",
            now=T0 + timedelta(minutes=5),
        )
    assert result.duplicate and result.state is SessionState.PAUSED


def test_auditor_cannot_run_the_pump(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    auditor = factories.user(database, Role.AUDITOR)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(PermissionDenied):
        factories.event(database, auditor, sid, SessionEvent.PAUSE, T0, reason="x")


def _end_early(
    database: Database, config: Config, actor: Actor, sid: int, at: datetime, reason: str
) -> EndedEarly:
    return end_session_early(
        database=database, config=config, actor=actor, session_id=sid, reason=reason, now=at
    )


def test_end_early_while_infusing_stops_the_pump_and_goes_to_recovery(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)  # 40 mg at 60 mL/h, 1 mg/mL
    with pytest.raises(InvalidEntry):
        _end_early(database, config, nurse, sid, T0 + timedelta(minutes=1), "  ")
    at = T0 + timedelta(minutes=7)
    ended = _end_early(database, config, nurse, sid, at, "chest pain")
    assert (ended.state, ended.duplicate) == (SessionState.RECOVERY, False)
    assert ended.delivered_ml == pytest.approx(7.0) and ended.delivered_mg == pytest.approx(7.0)
    row = session_row(database, sid)
    assert (row.state, row.ended_at, row.end_reason) == ("recovery", None, None)
    assert row.infusion_stopped_at == at
    assert row.delivered_ml == pytest.approx(7.0) and row.delivered_mg == pytest.approx(7.0)
    with database.session_scope() as db:
        stop = db.scalars(
            select(InfusionEvent).where(
                InfusionEvent.session_id == sid, InfusionEvent.kind == "stop"
            )
        ).one()
        audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "infusion.stop")).one()
    assert stop.occurred_at == at and stop.reason == "chest pain"
    assert audit.reason == "chest pain"
    assert audit.new_values is not None and audit.new_values["delivered_mg"] == pytest.approx(7.0)
    # a repeated tap changes nothing; readings still go in, as recovery readings
    again = _end_early(database, config, nurse, sid, at + timedelta(seconds=5), "chest pain")
    assert again.duplicate and again.state is SessionState.RECOVERY
    saved = factories.reading(database, config, nurse, sid, at + timedelta(minutes=5))
    assert saved.reading_id > 0


def test_end_early_while_paused_counts_only_running_time(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(database, nurse, sid, SessionEvent.PAUSE, T0 + timedelta(minutes=5), reason="x")
    ended = _end_early(database, config, nurse, sid, T0 + timedelta(minutes=30), "nausea")
    assert ended.state is SessionState.RECOVERY and ended.delivered_ml == pytest.approx(5.0)


def test_end_early_before_dosing_closes_the_session(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    ended = _end_early(database, config, nurse, sid, T0 + timedelta(minutes=2), "declined")
    assert ended.state is SessionState.STOPPED_EARLY and ended.delivered_ml is None
    row = session_row(database, sid)
    assert (row.state, row.end_reason, row.ended_at) == (
        "stopped_early",
        "declined",
        T0 + timedelta(minutes=2),
    )
    assert _end_early(database, config, nurse, sid, T0 + timedelta(minutes=3), "x").duplicate


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN])
def test_nobody_ends_a_session_in_recovery_early(
    database: Database, config: Config, role: Role
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    with pytest.raises(IllegalTransition, match="discharge sign-off"):
        _end_early(
            database, config, factories.user(database, role), sid, T0 + timedelta(minutes=50), "x"
        )
    assert session_row(database, sid).state == "recovery"


def test_stop_stores_the_delivered_dose_after_a_rate_change(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)  # 40 mL planned at 60 mL/h
    factories.event(
        database, nurse, sid, SessionEvent.RATE_CHANGE, T0 + timedelta(minutes=10), rate_ml_per_h=30
    )
    # at the planned 40 minutes only 10 + 15 = 25 mL have run: stopping needs a reason
    with pytest.raises(InvalidEntry, match="planned dose has not run"):
        factories.event(
            database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40)
        )
    # 10 mL, then 30 mL at 30 mL/h: the planned volume has run at 70 minutes
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=70))
    row = session_row(database, sid)
    assert row.delivered_ml == pytest.approx(40.0) and row.delivered_mg == pytest.approx(40.0)


def test_rate_change_audits_old_and_new(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(
        database,
        nurse,
        sid,
        SessionEvent.RATE_CHANGE,
        T0 + timedelta(minutes=3),
        rate_ml_per_h=45.0,
    )
    with database.session_scope() as db:
        audit = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "infusion.rate_change")
        ).one()
    assert audit.old_values == {"rate_ml_per_h": 60.0}
    assert audit.new_values == {"kind": "rate_change", "rate_ml_per_h": 45.0}


def test_same_key_for_another_event_is_refused(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    record_infusion_event(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        event=SessionEvent.PAUSE,
        idempotency_key=key,
        reason="nausea",
        now=T0 + timedelta(minutes=5),
    )
    with pytest.raises(Conflict, match="other values"):
        record_infusion_event(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            event=SessionEvent.STOP_INFUSION,
            idempotency_key=key,
            reason="x",
            now=T0 + timedelta(minutes=6),
        )
    assert session_row(database, sid).state == "paused"


def test_concurrent_starts_store_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0)

    def start(_: int) -> str:
        try:
            factories.event(
                database, nurse, sid, SessionEvent.START_INFUSION, T0 + timedelta(minutes=1)
            )
            return "started"
        except IllegalTransition:
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(start, range(6)))
    assert sorted(outcomes) == ["refused"] * 5 + ["started"]
    with database.session_scope() as db:
        starts = db.scalar(
            select(func.count())
            .select_from(InfusionEvent)
            .where(InfusionEvent.session_id == sid, InfusionEvent.kind == "start")
        )
    assert starts == 1


def test_concurrent_opens_of_one_chair_open_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    patients = [factories.patient(database, config) for _ in range(6)]

    def seat(patient_id: int) -> str:
        try:
            open_session(
                database=database,
                config=config,
                actor=nurse,
                patient_id=patient_id,
                chair=config.clinic.chairs[0],
                protocol_id=config.default_protocol.id,
                weight_kg=80,
                idempotency_key=factories.key(),
            )
            return "opened"
        except Conflict:
            return "refused"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(seat, patients))
    assert sorted(outcomes) == ["opened"] + ["refused"] * 5
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(InfusionSession)) == 1


def _in_recovery(database: Database, config: Config, nurse: Actor) -> int:
    sid = factories.infusing(database, config, nurse)
    _end_early(database, config, nurse, sid, T0 + timedelta(minutes=12), "BP 190/110")
    return sid


def _sign_exit(
    database: Database, config: Config, actor: Actor, sid: int, **changes: str
) -> ExitSigned:
    args = {"kind": "transfer", "reason": "to the ED for chest pain", "password": PASSWORD}
    args.update(changes)
    return sign_exit(
        database=database,
        config=config,
        actor=actor,
        session_id=sid,
        now=T0 + timedelta(minutes=30),
        **args,
    )


def test_physician_signs_a_transfer_out_of_recovery(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = _in_recovery(database, config, nurse)
    signed = _sign_exit(database, config, physician, sid)
    assert (signed.kind, signed.state) == (ExitKind.TRANSFER, SessionState.STOPPED_EARLY)
    row = session_row(database, sid)
    assert (row.state, row.exit_kind, row.end_reason) == (
        "stopped_early",
        "transfer",
        "to the ED for chest pain",
    )
    assert row.ended_at == T0 + timedelta(minutes=30)
    with database.session_scope() as db:
        signature = db.get(Signature, signed.signature_id)
        assert signature is not None
        assert (signature.meaning, signature.signer_id, signature.assessment_id) == (
            "exit",
            physician.id,
            None,
        )
        assert signature.printed_name == physician.full_name and signature.criteria
        actions = set(
            db.scalars(select(AuditEvent.action).where(AuditEvent.session_id == sid)).all()
        )
    assert {"signature.exit", "session.exit_signed"} <= actions
    # the record is closed: no more readings, no second exit
    with pytest.raises(IllegalTransition):
        factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=31))
    with pytest.raises(IllegalTransition):
        _sign_exit(database, config, physician, sid)


def test_signed_exit_refusals(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = _in_recovery(database, config, nurse)
    with pytest.raises(PermissionDenied):
        _sign_exit(database, config, nurse, sid)
    with pytest.raises(InvalidEntry, match="Password not recognised"):
        _sign_exit(database, config, physician, sid, password="wrong")
    with pytest.raises(InvalidEntry, match="why"):
        _sign_exit(database, config, physician, sid, reason=" ")
    with pytest.raises(InvalidEntry, match="transfer or against"):
        _sign_exit(database, config, physician, sid, kind="home")
    assert session_row(database, sid).state == "recovery"
    infusing = factories.infusing(database, config, nurse, chair=config.clinic.chairs[1])
    with pytest.raises(IllegalTransition, match="in recovery"):
        _sign_exit(database, config, physician, infusing)
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Signature)) == 0
    signed = _sign_exit(database, config, physician, sid, kind="against_medical_advice")
    assert session_row(database, sid).exit_kind == "against_medical_advice" and signed.signature_id
