"""The ketamine read model: many sessions in a few statements, each with its draws, its
wastes and their witnesses, its resolutions, and the final given milligrams."""

from __future__ import annotations

from datetime import date, timedelta

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import (
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
)
from monitor.db.queries.ketamine import ketamine_of, ketamine_rows, lots_of
from monitor.domain.session_state import SessionEvent
from monitor.domain.vocabulary import KetamineBalance
from tests import factories as f

T0 = f.T0


def _rows(database: Database, sid: int, nurse: int, witness: int | None) -> None:
    with database.session_scope() as db:
        draw = KetamineDraw(
            session_id=sid,
            entered_by=nurse,
            entered_at=T0,
            idempotency_key=f.key(),
            product="ketamine_50",
            product_name="Ketamine 50 mg/mL",
            concentration_mg_per_ml=50.0,
            lot="LOT-A",
            expiry=date(2027, 1, 1),
            volume_ml=1.0,
            drawn_at=T0,
        )
        db.add(draw)
        db.flush()
        waste = KetamineWaste(
            session_id=sid,
            entered_by=nurse,
            entered_at=T0,
            idempotency_key=f.key(),
            draw_id=draw.id,
            volume_ml=0.2,
            wasted_at=T0,
        )
        db.add(waste)
        db.flush()
        if witness is not None:
            db.add(
                KetamineWasteWitness(
                    waste_id=waste.id,
                    session_id=sid,
                    wasted_by=nurse,
                    witness_id=witness,
                    printed_name="Test Witness",
                    witnessed_at=T0,
                    submission_key=f.key(),
                )
            )
        db.add(
            KetamineDiscrepancyResolution(
                session_id=sid,
                imbalance_ml=0.5,
                reason="spilled on the floor",
                resolved_by=witness or nurse,
                resolved_at=T0,
                idempotency_key=f.key(),
            )
        )


def test_many_sessions_read_with_their_draws_wastes_and_witnesses(
    database: Database, config: Config
) -> None:
    nurse, other = f.user(database), f.user(database)
    running = f.infusing(database, config, nurse, now=T0)
    planned = f.session(database, config, nurse, chair=config.clinic.chairs[1], now=T0)
    _rows(database, running, nurse.id, other.id)
    _rows(database, planned, nurse.id, None)

    with database.session_scope() as db:
        rows = ketamine_rows(db, opened_from=T0 - timedelta(hours=1))
        by_ids = ketamine_rows(db, session_ids=[planned, running, 999_999])
        one = ketamine_of(db, running)
        none = ketamine_of(db, 999_999)

    assert [r.session_id for r in rows] == [running, planned]
    assert [r.session_id for r in by_ids] == [running, planned]
    assert none is None
    assert one is not None and one.draws[0].lot == "LOT-A"
    assert one.wastes[0].witnessed and one.wastes[0].witness_name == "Test Witness"
    assert one.resolutions[0].reason == "spilled on the floor"
    assert one.given_mg is None  # the pump runs
    assert one.balance(config.ketamine.balance_to_ml).status is KetamineBalance.PENDING
    unwitnessed = rows[1].wastes[0]
    assert not unwitnessed.witnessed and unwitnessed.witness_name is None
    assert list(lots_of(rows)) == ["LOT-A"]


def test_the_given_milligrams_are_final_once_the_pump_stops(
    database: Database, config: Config
) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    f.event(
        database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=10), reason="test"
    )
    with database.session_scope() as db:
        row = ketamine_of(db, sid)
    assert row is not None and row.given_mg is not None and row.given_mg > 0
    assert row.balance(0.01).status is KetamineBalance.GIVEN_WITHOUT_RECORD


def test_a_range_that_holds_no_session_reads_nothing(database: Database, config: Config) -> None:
    nurse = f.user(database)
    f.session(database, config, nurse, now=T0)
    with database.session_scope() as db:
        assert ketamine_rows(db, opened_before=T0 - timedelta(days=1)) == []
