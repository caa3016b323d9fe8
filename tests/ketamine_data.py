"""Helpers of the ketamine tests: a draw, a waste and a session whose infusion has run,
written through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.ketamine_balance import to_step
from monitor.domain.session_state import SessionEvent
from monitor.services.actors import Actor
from monitor.services.ketamine import (
    DrawRecorded,
    WasteRecorded,
    ketamine_record,
    record_draw,
    record_waste,
)
from tests import factories as f

T0 = f.T0
EXPIRY = date(2030, 1, 1)
PRODUCT = "ketamine_50"


def draw(
    database: Database,
    config: Config,
    nurse: Actor,
    sid: int,
    *,
    volume: float = 2.0,
    lot: str = "LOT-A",
    product: str = PRODUCT,
    at: datetime = T0,
    key: str | None = None,
) -> DrawRecorded:
    return record_draw(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        product=product,
        lot=lot,
        expiry=EXPIRY,
        volume_ml=volume,
        drawn_at=at,
        idempotency_key=key or f.key(),
        now=at,
    )


def waste(
    database: Database,
    config: Config,
    nurse: Actor,
    sid: int,
    draw_id: int,
    volume: float,
    *,
    at: datetime = T0,
    witness: Actor | None = None,
    password: str = f.PASSWORD,
    key: str | None = None,
) -> WasteRecorded:
    return record_waste(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        draw_id=draw_id,
        volume_ml=volume,
        wasted_at=at,
        idempotency_key=key or f.key(),
        witness_username=witness.username if witness else None,
        witness_password=password if witness else None,
        now=at,
    )


def stopped(
    database: Database, config: Config, nurse: Actor, *, minutes: float = 10, start: datetime = T0
) -> int:
    """A session whose infusion ran `minutes` from `start` and stopped (early, with a
    reason)."""
    sid = f.infusing(database, config, nurse, now=start)
    f.event(
        database,
        nurse,
        sid,
        SessionEvent.STOP_INFUSION,
        start + timedelta(minutes=minutes),
        reason="test stops early",
    )
    return sid


def given_ml(database: Database, config: Config, sid: int, concentration: float = 50.0) -> float:
    """The session's delivered dose in mL of the product, to the step."""
    given = ketamine_record(database, config, sid).balance.given_mg
    assert given is not None
    return to_step(given / concentration, config.ketamine.balance_to_ml)
