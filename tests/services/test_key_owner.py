"""A submission key belongs to the person who first sent it: the same key sent again by
someone else (a queued entry replayed after another user signed in on the tablet) is
refused with a Conflict, and nothing more is stored. The first person's retry still replays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import (
    Acknowledgement,
    Addendum,
    AuditEvent,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Rating,
    Reading,
    RecoveryAssessment,
)
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.addenda import add_addendum
from monitor.services.errors import Conflict
from monitor.services.pump import record_infusion_event
from monitor.services.ratings import record_rating
from monitor.services.readings import record_reading
from monitor.services.recovery_assessment import record_assessment
from monitor.services.session_lifecycle import open_session
from tests import factories
from tests.factories import T0
from tests.services.test_recovery import READY, recovered

Write = Callable[[Actor], Any]


def count(database: Database, model: type) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def refused_for_another(
    database: Database, model: type, first: Actor, second: Actor, write: Write
) -> None:
    """`first` stores once (a retry replays); `second` with the same key is refused."""
    write(first)
    stored, audited = count(database, model), count(database, AuditEvent)
    again = write(first)  # the same person's retry replays what was stored
    assert getattr(again, "duplicate", True) is True
    with pytest.raises(Conflict, match="another user"):
        write(second)
    assert count(database, model) == stored
    assert count(database, AuditEvent) == audited


def test_reading(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    sid = factories.infusing(database, config, a)
    key = factories.key()

    def write(actor: Actor) -> Any:
        return record_reading(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            vitals=factories.vitals(systolic=142),
            idempotency_key=key,
            taken_at=T0 + timedelta(minutes=10),
            now=T0 + timedelta(minutes=10),
        )

    refused_for_another(database, Reading, a, b, write)
    with database.session_scope() as db:
        row = db.scalars(select(Reading).where(Reading.idempotency_key == key)).one()
        assert row.entered_by == a.id


def test_cadss_rating(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    sid = factories.infusing(database, config, a)
    key = factories.key()

    def write(actor: Actor) -> Any:
        return record_rating(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            answers={1: 0, 2: 1, 6: 0, 7: 0, 15: 1, 22: 0},
            idempotency_key=key,
            now=T0 + timedelta(minutes=41),
        )

    refused_for_another(database, Rating, a, b, write)


def test_infusion_event(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    sid = factories.infusing(database, config, a)
    key = factories.key()

    def write(actor: Actor) -> Any:
        return record_infusion_event(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            event=SessionEvent.PAUSE,
            idempotency_key=key,
            reason="patient asked",
            now=T0 + timedelta(minutes=5),
        )

    refused_for_another(database, InfusionEvent, a, b, write)


def test_open_session(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    pid = factories.patient(database, config)
    key = factories.key()

    def write(actor: Actor) -> Any:
        return open_session(
            database=database,
            config=config,
            actor=actor,
            patient_id=pid,
            chair=config.clinic.chairs[0],
            protocol_id=config.default_protocol.id,
            weight_kg=80.0,
            idempotency_key=key,
            now=T0,
        )

    refused_for_another(database, InfusionSession, a, b, write)


def test_recovery_assessment(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    sid = recovered(database, config, a)
    key = factories.key()

    def write(actor: Actor) -> Any:
        return record_assessment(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            activity=2,
            respiration=2,
            consciousness=2,
            confirmed=config.default_protocol.discharge.checklist,
            idempotency_key=key,
            now=READY,
        )

    refused_for_another(database, RecoveryAssessment, a, b, write)


def test_addendum(database: Database, config: Config) -> None:
    a, b = factories.user(database), factories.user(database)
    sid = recovered(database, config, a)
    with database.session_scope() as db:
        reading_id = db.scalars(
            select(Reading.id).where(Reading.session_id == sid, Reading.systolic == 165)
        ).one()
    key = factories.key()

    def write(actor: Actor) -> Any:
        return add_addendum(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            reading_id=reading_id,
            field="systolic",
            corrected_value="156",
            reason="Transposed digits",
            idempotency_key=key,
        )

    refused_for_another(database, Addendum, a, b, write)


def test_acknowledgement(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    a, b = factories.user(database, Role.PHYSICIAN), factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=185, diastolic=95
    )
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
    key = factories.key()

    def write(actor: Actor) -> Any:
        return acknowledge_excursions(
            database=database,
            config=config,
            actor=actor,
            excursion_ids=ids,
            action="observed",
            idempotency_key=key,
            now=T0 + timedelta(minutes=11),
        )

    refused_for_another(database, Acknowledgement, a, b, write)
