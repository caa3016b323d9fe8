"""Rows of what was given and what happened, written directly for the record's tests: the
services that enter them (adverse events, medications, the ketamine record) are built by
other hands in the same issue, and the record only reads what is stored. Each helper adds
one row as its service would store it, and returns its id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    AdverseEventOutcomeEntry,
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
    MedicationAdministration,
    MedicationOrder,
)
from monitor.db.models import Excursion
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.actors import Actor
from tests import factories
from tests.factories import T0


def _add(database: Database, row: Any) -> int:
    with database.session_scope() as db:
        db.add(row)
        db.flush()
        return int(row.id)


def _entry(session_id: int, actor: Actor) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "entered_by": actor.id,
        "entered_at": utcnow(),
        "idempotency_key": factories.key(),
    }


def adverse_event(
    database: Database,
    nurse: Actor,
    session_id: int,
    at: datetime,
    *,
    kind: str = "nausea",
    kind_label: str = "Nausea",
    severity: str = "mild",
    serious: bool = False,
    action_taken: str | None = "Ondansetron given",
    note: str | None = None,
    excursion_id: int | None = None,
) -> int:
    return _add(
        database,
        AdverseEvent(
            **_entry(session_id, nurse),
            kind=kind,
            kind_label=kind_label,
            note=note,
            onset_at=at,
            severity=severity,
            serious=serious,
            action_taken=action_taken,
            excursion_id=excursion_id,
        ),
    )


def outcome(
    database: Database,
    nurse: Actor,
    session_id: int,
    event_id: int,
    *,
    outcome: str = "resolved",
    resolved_at: datetime | None = None,
    note: str | None = None,
) -> int:
    return _add(
        database,
        AdverseEventOutcomeEntry(
            **_entry(session_id, nurse),
            adverse_event_id=event_id,
            outcome=outcome,
            resolved_at=resolved_at,
            note=note,
        ),
    )


def acknowledge(
    database: Database, doctor: Actor, session_id: int, event_id: int, at: datetime, note: str
) -> int:
    return _add(
        database,
        AdverseEventAcknowledgement(
            adverse_event_id=event_id,
            session_id=session_id,
            note=note,
            acknowledged_by=doctor.id,
            acknowledged_at=at,
            submission_key=factories.key(),
        ),
    )


def order(
    database: Database,
    doctor: Actor,
    session_id: int,
    at: datetime,
    *,
    drug: str = "midazolam",
    drug_name: str = "Midazolam",
    dose: float = 2,
    route: str = "iv",
    reason: str | None = None,
) -> int:
    return _add(
        database,
        MedicationOrder(
            session_id=session_id,
            drug=drug,
            drug_name=drug_name,
            dose=dose,
            unit="mg",
            route=route,
            reason=reason,
            ordered_by=doctor.id,
            printed_name=doctor.full_name,
            ordered_at=at,
            idempotency_key=factories.key(),
        ),
    )


def given(
    database: Database,
    nurse: Actor,
    session_id: int,
    at: datetime,
    *,
    drug: str = "ondansetron",
    drug_name: str = "Ondansetron",
    strength: str = "4 mg/2 mL",
    dose: float = 4,
    route: str = "iv",
    event_id: int | None = None,
    excursion_id: int | None = None,
    order_id: int | None = None,
) -> int:
    return _add(
        database,
        MedicationAdministration(
            **_entry(session_id, nurse),
            drug=drug,
            drug_name=drug_name,
            strength=strength,
            dose=dose,
            unit="mg",
            route=route,
            given_at=at,
            adverse_event_id=event_id,
            excursion_id=excursion_id,
            order_id=order_id,
        ),
    )


def draw(
    database: Database,
    nurse: Actor,
    session_id: int,
    at: datetime,
    *,
    volume_ml: float = 5.0,
    lot: str = "LOT-A1",
    expiry: date = date(2027, 6, 30),
    product: str = "ketamine_10",
    product_name: str = "Ketamine HCl injection 10 mg/mL (20 mL vial)",
    concentration: float = 10,
) -> int:
    return _add(
        database,
        KetamineDraw(
            **_entry(session_id, nurse),
            product=product,
            product_name=product_name,
            concentration_mg_per_ml=concentration,
            lot=lot,
            expiry=expiry,
            volume_ml=volume_ml,
            drawn_at=at,
        ),
    )


def waste(
    database: Database, nurse: Actor, session_id: int, draw_id: int, at: datetime, volume_ml: float
) -> int:
    return _add(
        database,
        KetamineWaste(
            **_entry(session_id, nurse), draw_id=draw_id, volume_ml=volume_ml, wasted_at=at
        ),
    )


def witness(
    database: Database,
    nurse: Actor,
    witness: Actor,
    session_id: int,
    waste_id: int,
    at: datetime,
) -> int:
    return _add(
        database,
        KetamineWasteWitness(
            waste_id=waste_id,
            session_id=session_id,
            wasted_by=nurse.id,
            witness_id=witness.id,
            printed_name=witness.full_name,
            witnessed_at=at,
            submission_key=factories.key(),
        ),
    )


def resolution(
    database: Database,
    doctor: Actor,
    session_id: int,
    imbalance_ml: float,
    at: datetime,
    reason: str,
) -> int:
    return _add(
        database,
        KetamineDiscrepancyResolution(
            session_id=session_id,
            imbalance_ml=imbalance_ml,
            reason=reason,
            resolved_by=doctor.id,
            resolved_at=at,
            idempotency_key=factories.key(),
        ),
    )


@dataclass(frozen=True)
class Treated:
    """A session stopped at 40 min in which a nausea was treated with ondansetron and
    resolved, a hypertensive excursion (185/95) was a severe event acknowledged by the
    physician and treated with labetalol under their order, a midazolam order was not
    given, and one vial was drawn, part wasted with a witness and part awaiting one."""

    session_id: int
    nurse: Actor
    second_nurse: Actor
    doctor: Actor
    nausea: int
    hypertension: int
    excursion: int
    labetalol_order: int
    midazolam_order: int
    draw: int


def treated_session(database: Database, config: Config, *, stop: bool = True) -> Treated:
    nurse = factories.user(database)
    second = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse, baseline={"systolic": 120})
    vial = draw(database, nurse, sid, T0 - timedelta(minutes=3), volume_ml=5.0)
    nausea = adverse_event(database, nurse, sid, T0 + timedelta(minutes=10))
    outcome(database, nurse, sid, nausea, outcome="resolving")
    given(database, nurse, sid, T0 + timedelta(minutes=12), event_id=nausea)
    outcome(database, nurse, sid, nausea, resolved_at=T0 + timedelta(minutes=25))
    factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=20), systolic=185, diastolic=95
    )
    with database.session_scope() as db:
        excursion = db.scalars(
            select(Excursion.id).where(Excursion.session_id == sid).order_by(Excursion.id)
        ).first()
    assert excursion is not None
    hypertension = adverse_event(
        database,
        nurse,
        sid,
        T0 + timedelta(minutes=20),
        kind="symptomatic_hypertension",
        kind_label="Symptomatic hypertension",
        severity="severe",
        action_taken="Labetalol ordered",
        excursion_id=excursion,
    )
    acknowledge(database, doctor, sid, hypertension, T0 + timedelta(minutes=21), "Seen, treat")
    labetalol = order(
        database,
        doctor,
        sid,
        T0 + timedelta(minutes=21),
        drug="labetalol",
        drug_name="Labetalol",
        dose=10,
    )
    given(
        database,
        nurse,
        sid,
        T0 + timedelta(minutes=22),
        drug="labetalol",
        drug_name="Labetalol",
        strength="5 mg/mL",
        dose=10,
        excursion_id=excursion,
        order_id=labetalol,
    )
    midazolam = order(database, doctor, sid, T0 + timedelta(minutes=30), reason="Agitated")
    if stop:
        factories.event(
            database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40)
        )
    wasted = waste(database, nurse, sid, vial, T0 + timedelta(minutes=41), 1.0)
    witness(database, nurse, second, sid, wasted, T0 + timedelta(minutes=42))
    waste(database, nurse, sid, vial, T0 + timedelta(minutes=43), 0.5)
    return Treated(
        sid, nurse, second, doctor, nausea, hypertension, excursion, labetalol, midazolam, vial
    )
