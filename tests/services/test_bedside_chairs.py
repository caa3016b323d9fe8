"""The chair picker's states, worked out by the bedside service: a reading overdue, a high
excursion not acknowledged, a discharge awaiting the physician's co-signature."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Excursion
from monitor.domain.permissions import Role
from monitor.domain.schedule import DueState
from monitor.domain.session_state import SessionEvent
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.bedside import chairs
from monitor.services.errors import PermissionDenied
from monitor.services.recovery_assessment import record_assessment
from monitor.services.sign_off import sign_performed
from tests import factories
from tests.factories import PASSWORD, T0

NOW = T0 + timedelta(minutes=30)


def high_ids(database: Database, session_id: int) -> list[int]:
    with database.session_scope() as db:
        return list(
            db.scalars(
                select(Excursion.id).where(
                    Excursion.session_id == session_id, Excursion.priority == "high"
                )
            )
        )


def assess(database: Database, config: Config, nurse: Actor, sid: int, at: datetime) -> int:
    return record_assessment(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        activity=2,
        respiration=2,
        consciousness=2,
        confirmed=config.default_protocol.discharge.checklist,
        idempotency_key=factories.key(),
        now=at,
    )


def test_chairs_show_overdue_high_and_awaiting_cosignature(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    c = config.clinic.chairs
    # Chair 1: infusing 30 min with only the baseline: the 10-min reading is long overdue.
    factories.infusing(database, config, nurse, now=T0, chair=c[0])
    # Chair 2: on schedule, with a HIGH reading just now, not acknowledged.
    high = factories.infusing(database, config, nurse, now=NOW - timedelta(minutes=5), chair=c[1])
    factories.reading(database, config, nurse, high, NOW - timedelta(minutes=1), systolic=190)
    # Chair 3: on schedule, its HIGH acknowledged by the physician.
    seen = factories.infusing(database, config, nurse, now=NOW - timedelta(minutes=5), chair=c[2])
    factories.reading(database, config, nurse, seen, NOW - timedelta(minutes=1), systolic=190)
    acknowledge_excursions(
        database=database,
        config=config,
        actor=doctor,
        excursion_ids=high_ids(database, seen),
        action="observed",
        idempotency_key=factories.key(),
        now=NOW,
    )
    # Chair 4: in recovery, assessed and signed by the nurse: awaiting co-signature.
    start = NOW - timedelta(minutes=125)
    signed = factories.infusing(database, config, nurse, now=start, chair=c[3])
    factories.event(
        database, nurse, signed, SessionEvent.STOP_INFUSION, start + timedelta(minutes=40)
    )
    factories.reading(database, config, nurse, signed, NOW - timedelta(minutes=2))
    assess(database, config, nurse, signed, NOW - timedelta(minutes=1))
    sign_performed(
        database=database,
        config=config,
        actor=nurse,
        session_id=signed,
        password=PASSWORD,
        now=NOW - timedelta(minutes=1),
    )

    shown = chairs(database=database, config=config, actor=nurse, now=NOW)

    assert list(shown) == [c[0], c[1], c[2], c[3]]  # free chairs are not listed
    assert shown[c[0]].overdue and shown[c[0]].due.state is DueState.OVERDUE
    due_at = shown[c[0]].due.due_at
    assert due_at is not None and due_at <= NOW - timedelta(minutes=3)
    assert shown[c[0]].overdue_seconds == (NOW - due_at).total_seconds()
    assert shown[c[0]].overdue_seconds > 0
    assert shown[c[0]].unacknowledged_high == 0 and not shown[c[0]].awaiting_cosignature
    assert shown[c[1]].unacknowledged_high >= 1 and not shown[c[1]].overdue
    assert shown[c[2]].unacknowledged_high == 0 and not shown[c[2]].overdue
    assert shown[c[3]].awaiting_cosignature and shown[c[3]].state == "recovery"
    assert not shown[c[3]].overdue and shown[c[3]].unacknowledged_high == 0

    # A new assessment after the signature needs signing again: no longer awaiting.
    assess(database, config, nurse, signed, NOW)
    again = chairs(database=database, config=config, actor=nurse, now=NOW)
    assert not again[c[3]].awaiting_cosignature


def test_chairs_are_not_for_auditors(database: Database, config: Config) -> None:
    with pytest.raises(PermissionDenied):
        chairs(database=database, config=config, actor=factories.user(database, Role.AUDITOR))
