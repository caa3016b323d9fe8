"""The live board's read and the physician's acknowledgement, on real databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Acknowledgement, AuditEvent, Excursion
from monitor.domain.permissions import Role
from monitor.domain.schedule import DueState
from monitor.domain.vocabulary import Priority
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.board import board_view
from monitor.services.errors import Conflict, InvalidEntry, PermissionDenied
from monitor.services.session_record import session_record
from tests import factories
from tests.factories import T0


def excursion_ids(database: Database, session_id: int) -> list[int]:
    with database.session_scope() as db:
        return list(
            db.scalars(
                select(Excursion.id)
                .where(Excursion.session_id == session_id)
                .order_by(Excursion.id)
            )
        )


@pytest.fixture
def clinic(database: Database, config: Config) -> dict[str, int]:
    """Three infusing sessions: one with a high excursion, one overdue, one routine."""
    nurse = factories.user(database, username="nurse")
    factories.user(database, Role.PHYSICIAN, username="doc")
    chairs = config.clinic.chairs
    routine = factories.infusing(database, config, nurse, now=T0, chair=chairs[1])
    overdue = factories.infusing(
        database, config, nurse, now=T0 - timedelta(minutes=10), chair=chairs[2]
    )
    high = factories.infusing(database, config, nurse, now=T0, chair=chairs[3])
    at = T0 + timedelta(minutes=9)
    factories.reading(database, config, nurse, routine, at)
    factories.reading(database, config, nurse, high, at, systolic=190, diastolic=100)
    return {"routine": routine, "overdue": overdue, "high": high}


def physician(database: Database) -> Actor:
    from monitor.services.people import verify_password

    actor = verify_password(database=database, username="doc", password=factories.PASSWORD)
    assert actor is not None
    return actor


def test_board_orders_high_then_overdue_then_routine(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    board = board_view(
        database=database, config=config, actor=physician(database), now=T0 + timedelta(minutes=10)
    )
    assert [t.session_id for t in board.tiles] == [
        clinic["high"],
        clinic["overdue"],
        clinic["routine"],
    ]
    top = board.tiles[0]
    assert top.alert is not None and top.alert.priority is Priority.HIGH
    assert top.latest is not None and (top.latest.systolic, top.latest.diastolic) == (190, 100)
    assert top.bp_trend == ((120, 80), (190, 100))
    assert board.tiles[1].due.state is DueState.OVERDUE


def test_board_escalates_an_old_high(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    minutes = config.board.escalate_after_minutes
    early = board_view(
        database=database,
        config=config,
        actor=physician(database),
        now=T0 + timedelta(minutes=9 + minutes - 1),
    )
    late = board_view(
        database=database,
        config=config,
        actor=physician(database),
        now=T0 + timedelta(minutes=9 + minutes),
    )
    assert early.tiles[0].alert and not early.tiles[0].alert.escalated
    assert late.tiles[0].alert and late.tiles[0].alert.escalated


def test_nurse_and_auditor_cannot_view_the_board(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    for role in (Role.NURSE, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            board_view(database=database, config=config, actor=factories.user(database, role))


def test_acknowledgement_is_recorded_and_audited(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    doc = physician(database)
    ids = excursion_ids(database, clinic["high"])
    acknowledge_excursions(
        database=database,
        config=config,
        actor=doc,
        excursion_ids=ids,
        action="repeat_reading_ordered",
        note="recheck in 5",
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=11),
    )
    with database.session_scope() as db:
        acks = list(db.scalars(select(Acknowledgement)))
        audits = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "excursion.acknowledged", AuditEvent.actor_id == doc.id)
        )
    assert {a.excursion_id for a in acks} == set(ids) and audits == len(ids)
    assert all(a.acknowledged_by == doc.id and a.action == "repeat_reading_ordered" for a in acks)
    board = board_view(database=database, config=config, actor=doc, now=T0 + timedelta(minutes=12))
    high_tile = next(t for t in board.tiles if t.session_id == clinic["high"])
    assert high_tile.alert is None
    assert board.tiles[0].session_id == clinic["overdue"]
    record = session_record(database=database, actor=doc, session_id=clinic["high"])
    assert set(record.acknowledgements) == set(ids)
    assert any(e.action == "excursion.acknowledged" and e.by == doc.full_name for e in record.audit)


def test_nurse_may_not_acknowledge(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    nurse = factories.user(database, Role.NURSE)
    with pytest.raises(PermissionDenied):
        acknowledge_excursions(
            database=database,
            config=config,
            actor=nurse,
            action="observed",
            excursion_ids=excursion_ids(database, clinic["high"]),
            idempotency_key=factories.key(),
        )
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Acknowledgement)) == 0


def test_repeat_submission_and_second_physician(
    database: Database, config: Config, clinic: dict[str, int]
) -> None:
    doc = physician(database)
    ids = excursion_ids(database, clinic["high"])
    key = factories.key()
    first = acknowledge_excursions(
        database=database,
        config=config,
        actor=doc,
        excursion_ids=ids,
        action="observed",
        idempotency_key=key,
    )
    again = acknowledge_excursions(
        database=database,
        config=config,
        actor=doc,
        excursion_ids=ids,
        action="observed",
        idempotency_key=key,
    )
    assert not first.duplicate and again.duplicate
    other = factories.user(database, Role.PHYSICIAN)
    with pytest.raises(Conflict, match="Already acknowledged"):
        acknowledge_excursions(
            database=database,
            config=config,
            actor=other,
            excursion_ids=ids,
            action="observed",
            idempotency_key=factories.key(),
        )


def test_other_needs_a_note(database: Database, config: Config, clinic: dict[str, int]) -> None:
    with pytest.raises(InvalidEntry):
        acknowledge_excursions(
            database=database,
            config=config,
            actor=physician(database),
            action="other",
            excursion_ids=excursion_ids(database, clinic["high"]),
            idempotency_key=factories.key(),
        )
