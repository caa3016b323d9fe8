"""The ketamine record of a session (Schedule III, 21 CFR 1304.22): what was drawn from
which vial, what was wasted and who witnessed it (21 CFR 1317.90), and a physician's
resolution when drawn ≠ given + wasted.

Each write is one transaction with its audit entry, run once per submission key. A draw
and a waste are entries of the session: once its record is signed and locked (discharged,
or ended) they are refused, and what was missed goes in an addendum. Two writes stay open
on a locked record, because neither changes an entry: the witness of a waste already
recorded (the second person signs what the first entered; `witness_waste`) and a
physician's resolution of a discrepancy (`ketamine_record.resolve_discrepancy`: it
annotates the balance, it changes no figure).

The rules at each field are the domain's (monitor.domain.ketamine_entries); the balance is
the domain's (monitor.domain.ketamine_balance), read through db.queries.ketamine.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import KetamineDraw, KetamineWaste
from monitor.db.models import InfusionSession
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_today
from monitor.domain.errors import refuse
from monitor.domain.ketamine_entries import (
    check_expiry,
    check_time,
    check_volume,
    check_waste,
    clean_lot,
    left_in_draw,
)
from monitor.domain.permissions import Action
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import Conflict, IllegalTransition
from monitor.services.idempotency import check_key, run_once, same_person, same_values
from monitor.services.ketamine_record import (
    KetamineRecord,
    ResolutionRecorded,
    ketamine_record,
    resolve_discrepancy,
)
from monitor.services.session_lifecycle import load_locked
from monitor.services.waste_witness import (
    WasteWitnessed,
    add_witness,
    witness_of,
    witness_waste,
)
from monitor.services.witness import verify_witness

__all__ = [
    "DrawRecorded",
    "KetamineRecord",
    "ResolutionRecorded",
    "WasteRecorded",
    "WasteWitnessed",
    "ketamine_record",
    "record_draw",
    "record_waste",
    "resolve_discrepancy",
    "witness_waste",
]


@dataclass(frozen=True)
class DrawRecorded:
    draw_id: int
    duplicate: bool


@dataclass(frozen=True)
class WasteRecorded:
    waste_id: int
    witnessed: bool  # False: it awaits a witness and is not yet counted as wasted
    duplicate: bool


def _accepting(db: Session, session_id: int) -> InfusionSession:
    """The session row, locked; refused once its record is signed and locked."""
    row = load_locked(db, session_id)
    if not accepts_entries(SessionState(row.state)):
        raise IllegalTransition(
            f"This session is {row.state.replace('_', ' ')} and its record is signed and "
            "locked: ketamine can no longer be drawn or wasted in it. Add an addendum to the "
            "record to say what was drawn or wasted."
        )
    return row


def _same_entry(row: KetamineDraw | KetamineWaste, actor: Actor, session_id: int) -> None:
    same_person(row.entered_by, actor.id)
    if row.session_id != session_id:
        raise Conflict("This submission key was already used for another session")


def record_draw(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    product: str,
    lot: str,
    expiry: date | None,
    volume_ml: float | None,
    drawn_at: datetime | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> DrawRecorded:
    """Ketamine drawn from one vial. The product is one the clinic stocks (its
    concentration from config); an expired lot is refused; every draw of a session has the
    one concentration, or the given volume could not be counted in mL of the product."""
    ensure_allowed(actor, Action.RECORD_KETAMINE)
    at = now or utcnow()
    try:
        stocked = config.ketamine.product(product)
    except KeyError:
        raise refuse("product", "Choose the product drawn from the list") from None
    lot_text = clean_lot(lot)
    expires = check_expiry(expiry, clinic_today(at, config.clinic.zone))
    volume = check_volume("volume_ml", volume_ml, step=config.ketamine.balance_to_ml)
    when = drawn_at or at
    sent: dict[str, object] = {
        "product": stocked.code,
        "lot": lot_text,
        "expiry": expires,
        "volume_ml": volume,
    }
    if drawn_at is not None:  # a time left to the server is the first submission's
        sent["drawn_at"] = drawn_at

    def write(db: Session) -> DrawRecorded:
        row = _accepting(db, session_id)
        check_time(
            "drawn_at", when, now=at, opened_at=row.opened_at, skew=config.readings.clock_skew
        )
        other = db.scalars(
            select(KetamineDraw.concentration_mg_per_ml).where(
                KetamineDraw.session_id == session_id,
                KetamineDraw.concentration_mg_per_ml != stocked.concentration_mg_per_ml,
            )
        ).first()
        if other is not None:
            raise refuse(
                "product",
                f"This session's ketamine is drawn at {other:g} mg/mL: draw the same "
                "concentration, or the given volume cannot be counted",
            )
        draw = KetamineDraw(
            session_id=session_id,
            entered_by=actor.id,
            entered_at=at,
            idempotency_key=idempotency_key,
            product=stocked.code,
            product_name=stocked.name,
            concentration_mg_per_ml=stocked.concentration_mg_per_ml,
            lot=lot_text,
            expiry=expires,
            volume_ml=volume,
            drawn_at=when,
        )
        new = {
            **sent,
            "expiry": expires.isoformat(),
            "drawn_at": when.isoformat(),
            "concentration_mg_per_ml": stocked.concentration_mg_per_ml,
        }
        add_recorded(
            db,
            draw,
            actor=actor,
            action="ketamine.drawn",
            entity_type="ketamine_draw",
            session_id=session_id,
            at=at,
            new=new,
        )
        return DrawRecorded(draw.id, duplicate=False)

    def replay(_db: Session, prior: KetamineDraw) -> DrawRecorded:
        _same_entry(prior, actor, session_id)
        stored: dict[str, object] = {
            "product": prior.product,
            "lot": prior.lot,
            "expiry": prior.expiry,
            "volume_ml": prior.volume_ml,
        }
        if "drawn_at" in sent:
            stored["drawn_at"] = prior.drawn_at
        same_values(stored, sent)
        return DrawRecorded(prior.id, duplicate=True)

    return run_once(database, KetamineDraw, idempotency_key, write=write, replay=replay)


def record_waste(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    draw_id: int,
    volume_ml: float | None,
    wasted_at: datetime | None,
    idempotency_key: str,
    witness_username: str | None = None,
    witness_password: str | None = None,
    now: datetime | None = None,
) -> WasteRecorded:
    """The nurse's waste from one draw, no more than is left in it. With the witness's
    username and password typed beside it, the witness signs in the same transaction;
    without, the waste awaits a witness (`witness_waste`) and is not counted until then."""
    ensure_allowed(actor, Action.RECORD_KETAMINE)
    check_key(idempotency_key)
    at = now or utcnow()
    volume = check_volume("volume_ml", volume_ml, step=config.ketamine.balance_to_ml)
    when = wasted_at or at
    witness = None
    if (witness_username or "").strip() or witness_password:
        witness = verify_witness(
            database=database,
            config=config,
            actor=actor,
            username=witness_username,
            password=witness_password,
            now=at,
        )
    sent: dict[str, object] = {"draw_id": draw_id, "volume_ml": volume}
    if wasted_at is not None:  # a time left to the server is the first submission's
        sent["wasted_at"] = wasted_at

    def write(db: Session) -> WasteRecorded:
        row = _accepting(db, session_id)
        check_time(
            "wasted_at", when, now=at, opened_at=row.opened_at, skew=config.readings.clock_skew
        )
        draw = db.get(KetamineDraw, draw_id)
        if draw is None or draw.session_id != session_id:
            raise refuse("draw_id", "Choose the draw this waste comes from")
        wasted = db.scalars(select(KetamineWaste.volume_ml).where(KetamineWaste.draw_id == draw_id))
        check_waste(volume, left_in_draw(draw.volume_ml, wasted), config.ketamine.balance_to_ml)
        waste = KetamineWaste(
            session_id=session_id,
            entered_by=actor.id,
            entered_at=at,
            idempotency_key=idempotency_key,
            draw_id=draw_id,
            volume_ml=volume,
            wasted_at=when,
        )
        add_recorded(
            db,
            waste,
            actor=actor,
            action="ketamine.wasted",
            entity_type="ketamine_waste",
            session_id=session_id,
            at=at,
            new={
                "draw_id": draw_id,
                "lot": draw.lot,
                "volume_ml": volume,
                "wasted_at": when.isoformat(),
            },
        )
        if witness is not None:
            add_witness(db, waste, witness, uuid.uuid4().hex, at)
        return WasteRecorded(waste.id, witnessed=witness is not None, duplicate=False)

    def replay(db: Session, prior: KetamineWaste) -> WasteRecorded:
        _same_entry(prior, actor, session_id)
        stored: dict[str, object] = {"draw_id": prior.draw_id, "volume_ml": prior.volume_ml}
        if "wasted_at" in sent:
            stored["wasted_at"] = prior.wasted_at
        same_values(stored, sent)
        return WasteRecorded(
            prior.id, witnessed=witness_of(db, prior.id) is not None, duplicate=True
        )

    return run_once(database, KetamineWaste, idempotency_key, write=write, replay=replay)
