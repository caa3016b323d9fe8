"""Ketamine records for the reconciliation's tests, written straight into the tables (draws,
wastes, witnesses, a physician's resolution): the reconciliation reads them, whoever wrote
them, and its tests must not wait on the bedside's forms. A session whose pump stopped
comes from the real services (`tests.factories`), so its delivered dose is the pump's."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
    MedicationAdministration,
)
from monitor.db.models import InfusionSession
from monitor.domain.session_state import SessionEvent
from monitor.services.actors import Actor
from tests import factories
from tests.factories import T0

PRODUCT = "ketamine_10"  # 10 mg/mL
EXPIRY = date(2030, 1, 1)


def stopped(
    database: Database,
    config: Config,
    nurse: Actor,
    *,
    at: datetime = T0,
    minutes: int = 40,
    chair: int = 0,
) -> tuple[int, float]:
    """A session in the chair numbered `chair` (of config.clinic.chairs) whose infusion
    started at `at` and stopped `minutes` later: its id and the delivered mg the pump
    computed."""
    sid = factories.infusing(database, config, nurse, now=at, chair=config.clinic.chairs[chair])
    factories.event(
        database, nurse, sid, SessionEvent.STOP_INFUSION, at + timedelta(minutes=minutes)
    )
    with database.session_scope() as db:
        delivered = db.scalar(select(InfusionSession.delivered_mg).where(InfusionSession.id == sid))
    assert delivered is not None
    return sid, delivered


def draw(
    database: Database,
    config: Config,
    nurse: Actor,
    session_id: int,
    *,
    lot: str,
    volume_ml: float,
    at: datetime = T0,
    product: str = PRODUCT,
) -> int:
    item = config.ketamine.product(product)
    with database.session_scope() as db:
        row = KetamineDraw(
            session_id=session_id,
            entered_by=nurse.id,
            entered_at=at,
            idempotency_key=factories.key(),
            product=item.code,
            product_name=item.name,
            concentration_mg_per_ml=item.concentration_mg_per_ml,
            lot=lot,
            expiry=EXPIRY,
            volume_ml=volume_ml,
            drawn_at=at,
        )
        db.add(row)
        db.flush()
        return row.id


def waste(
    database: Database,
    nurse: Actor,
    session_id: int,
    draw_id: int,
    *,
    volume_ml: float,
    witness: Actor | None,
    at: datetime = T0,
) -> int:
    """A waste, witnessed by `witness` (None: it awaits a witness)."""
    with database.session_scope() as db:
        row = KetamineWaste(
            session_id=session_id,
            entered_by=nurse.id,
            entered_at=at,
            idempotency_key=factories.key(),
            draw_id=draw_id,
            volume_ml=volume_ml,
            wasted_at=at,
        )
        db.add(row)
        db.flush()
        if witness is not None:
            db.add(
                KetamineWasteWitness(
                    waste_id=row.id,
                    session_id=session_id,
                    wasted_by=nurse.id,
                    witness_id=witness.id,
                    printed_name=witness.full_name,
                    witnessed_at=at,
                    submission_key=factories.key(),
                )
            )
        return row.id


def resolve(
    database: Database, physician: Actor, session_id: int, imbalance_ml: float, at: datetime = T0
) -> None:
    with database.session_scope() as db:
        db.add(
            KetamineDiscrepancyResolution(
                session_id=session_id,
                imbalance_ml=imbalance_ml,
                reason="Vial count checked: spilled while priming",
                resolved_by=physician.id,
                resolved_at=at,
                idempotency_key=factories.key(),
            )
        )


def balanced(
    database: Database,
    config: Config,
    nurse: Actor,
    witness: Actor,
    *,
    lot: str,
    wasted_ml: float = 0.5,
    at: datetime = T0,
    chair: int = 0,
) -> tuple[int, float]:
    """A stopped session with one draw of `lot` that balances: the given mL plus a
    witnessed waste. Its id and the mL drawn."""
    sid, delivered_mg = stopped(database, config, nurse, at=at, chair=chair)
    given_ml = delivered_mg / config.ketamine.product(PRODUCT).concentration_mg_per_ml
    drawn_ml = round(given_ml + wasted_ml, 2)
    did = draw(database, config, nurse, sid, lot=lot, volume_ml=drawn_ml, at=at)
    waste(database, nurse, sid, did, volume_ml=wasted_ml, witness=witness, at=at)
    return sid, drawn_ml


def adverse_event(
    database: Database,
    nurse: Actor,
    session_id: int,
    *,
    kind: str = "nausea",
    severity: str = "mild",
    serious: bool = False,
    at: datetime = T0,
) -> int:
    with database.session_scope() as db:
        row = AdverseEvent(
            session_id=session_id,
            entered_by=nurse.id,
            entered_at=at,
            idempotency_key=factories.key(),
            kind=kind,
            kind_label=kind.replace("_", " ").capitalize(),
            note=None,
            onset_at=at,
            severity=severity,
            serious=serious,
            action_taken=None,
            excursion_id=None,
        )
        db.add(row)
        db.flush()
        return row.id


def acknowledge(
    database: Database, physician: Actor, session_id: int, event_id: int, at: datetime
) -> None:
    with database.session_scope() as db:
        db.add(
            AdverseEventAcknowledgement(
                adverse_event_id=event_id,
                session_id=session_id,
                note=None,
                acknowledged_by=physician.id,
                acknowledged_at=at,
                submission_key=factories.key(),
            )
        )


def given(
    database: Database,
    nurse: Actor,
    session_id: int,
    event_id: int,
    *,
    drug: str = "ondansetron",
    dose: float = 4.0,
    at: datetime = T0,
) -> None:
    with database.session_scope() as db:
        db.add(
            MedicationAdministration(
                session_id=session_id,
                entered_by=nurse.id,
                entered_at=at,
                idempotency_key=factories.key(),
                drug=drug,
                drug_name=drug.capitalize(),
                strength="4 mg/2 mL",
                dose=dose,
                unit="mg",
                route="iv",
                given_at=at,
                adverse_event_id=event_id,
                excursion_id=None,
                order_id=None,
            )
        )
