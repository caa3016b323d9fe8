"""The witness of wasted ketamine: a second licensed person signs a waste another nurse
recorded, on the nurse's tablet (username and password typed beside the waste, in the
waste's own transaction: `add_witness`) or later on their own (`witness_waste`, with
their password re-entered). 21 CFR 1317.90; 21 CFR 11.200.

A witness is allowed on a locked record: the waste is already in it, the witness only
signs it. One witness per waste, held by the database (a unique waste id); the database
also refuses a witness who is the wasting nurse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import KetamineWaste, KetamineWasteWitness
from monitor.db.models import User
from monitor.db.types import utcnow
from monitor.domain.permissions import Action
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import Conflict, NotFound
from monitor.services.idempotency import check_key, same_person, same_values
from monitor.services.people import confirm_password
from monitor.services.session_lifecycle import load_locked
from monitor.services.witness import refuse_unless_may_witness


@dataclass(frozen=True)
class WasteWitnessed:
    waste_id: int
    witness_name: str
    duplicate: bool


def witness_waste(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    waste_id: int,
    password: str,
    submission_key: str,
    now: datetime | None = None,
) -> WasteWitnessed:
    """The signed-in person witnesses a waste another nurse recorded, with their own
    password re-entered (21 CFR 11.200). Allowed on a locked record: the waste is already
    in it; the witness only signs it."""
    ensure_allowed(actor, Action.WITNESS_WASTE)
    check_key(submission_key)
    at = now or utcnow()
    with database.session_scope() as db:
        waste = db.get(KetamineWaste, waste_id)
        if waste is None:
            raise NotFound(f"Waste {waste_id} does not exist")
        refuse_unless_may_witness(actor, waste.entered_by, field="password")
    confirm_password(database=database, config=config, actor=actor, password=password, now=at)
    for attempt in range(2):
        try:
            with database.session_scope() as db:
                return _witness(db, actor, waste_id, submission_key, at)
        except IntegrityError:
            if attempt:
                raise  # a concurrent witness won; the second pass reports it
    raise AssertionError("unreachable")


def _witness(db: Session, actor: Actor, waste_id: int, key: str, at: datetime) -> WasteWitnessed:
    keyed = db.scalars(
        select(KetamineWasteWitness).where(KetamineWasteWitness.submission_key == key)
    ).one_or_none()
    if keyed is not None:
        same_person(keyed.witness_id, actor.id)
        same_values({"waste": keyed.waste_id}, {"waste": waste_id})
        return WasteWitnessed(waste_id, keyed.printed_name, duplicate=True)
    waste = db.get(KetamineWaste, waste_id)
    if waste is None:
        raise NotFound(f"Waste {waste_id} does not exist")
    load_locked(db, waste.session_id)
    prior = witness_of(db, waste_id)
    if prior is not None:
        name = db.scalar(select(User.full_name).where(User.id == prior.witness_id))
        raise Conflict(f"This waste was already witnessed by {name or 'another user'}")
    row = add_witness(db, waste, actor, key, at)
    return WasteWitnessed(waste_id, row.printed_name, duplicate=False)


def witness_of(db: Session, waste_id: int) -> KetamineWasteWitness | None:
    return db.scalars(
        select(KetamineWasteWitness).where(KetamineWasteWitness.waste_id == waste_id)
    ).one_or_none()


def add_witness(
    db: Session, waste: KetamineWaste, witness: Actor, key: str, at: datetime
) -> KetamineWasteWitness:
    row = KetamineWasteWitness(
        waste_id=waste.id,
        session_id=waste.session_id,
        wasted_by=waste.entered_by,
        witness_id=witness.id,
        printed_name=witness.full_name,
        witnessed_at=at,
        submission_key=key,
    )
    return add_recorded(
        db,
        row,
        actor=witness,
        action="ketamine.waste_witnessed",
        entity_type="ketamine_waste_witness",
        session_id=waste.session_id,
        at=at,
        new={"waste_id": waste.id, "volume_ml": waste.volume_ml, "wasted_by": waste.entered_by},
    )
