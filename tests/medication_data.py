"""Test helpers of the rescue-medication tests: a session with an adverse event and an
excursion to give a dose for, and the rows behind them.

The adverse event is inserted as a row (the adverse-event service is another engineer's
and not on main yet); every other write goes through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, MedicationAdministration, MedicationOrder
from monitor.db.models import AuditEvent, Excursion
from monitor.domain.vocabulary import Severity
from monitor.services.actors import Actor
from monitor.services.medication_orders import MedicationOrdered, order_medication
from monitor.services.medications import MedicationGiven, give_medication
from tests import factories
from tests.factories import PASSWORD, T0


@dataclass(frozen=True)
class Bedside:
    """A session infusing since T0, with one adverse event and one excursion."""

    session_id: int
    nurse: Actor
    doctor: Actor
    adverse_event_id: int
    excursion_id: int


def adverse_event(
    database: Database,
    nurse: Actor,
    session_id: int,
    at: datetime,
    *,
    kind: str = "nausea",
    label: str = "Nausea",
    severity: Severity = Severity.MODERATE,
) -> int:
    with database.session_scope() as db:
        row = AdverseEvent(
            session_id=session_id,
            entered_by=nurse.id,
            entered_at=at,
            idempotency_key=factories.key(),
            kind=kind,
            kind_label=label,
            note=None,
            onset_at=at,
            severity=severity.value,
            serious=False,
            action_taken=None,
            excursion_id=None,
        )
        db.add(row)
        db.flush()
        return row.id


def excursion_of(database: Database, session_id: int) -> int:
    with database.session_scope() as db:
        found = db.scalar(select(Excursion.id).where(Excursion.session_id == session_id))
        assert found is not None
        return found


def bedside(
    database: Database, config: Config, *, now: datetime = T0, chair: str | None = None
) -> Bedside:
    nurse = factories.user(database)
    doctor = factories.user(database, "physician")
    sid = factories.infusing(database, config, nurse, now=now, chair=chair)
    factories.reading(database, config, nurse, sid, now + timedelta(minutes=5), systolic=185)
    event = adverse_event(database, nurse, sid, now + timedelta(minutes=6))
    return Bedside(sid, nurse, doctor, event, excursion_of(database, sid))


def give(
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    *,
    drug: str = "ondansetron",
    dose: float | str = 4,
    route: str = "iv",
    at: datetime = T0 + timedelta(minutes=10),
    adverse_event_id: int | None = None,
    excursion_id: int | None = None,
    order_id: int | None = None,
    key: str | None = None,
) -> MedicationGiven:
    return give_medication(
        database=database,
        config=config,
        actor=actor,
        session_id=session_id,
        drug=drug,
        dose=dose,
        route=route,
        given_at=at,
        adverse_event_id=adverse_event_id,
        excursion_id=excursion_id,
        order_id=order_id,
        idempotency_key=key or factories.key(),
        now=at,
    )


def order(
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    *,
    drug: str = "midazolam",
    dose: float | str = 2,
    route: str = "iv",
    reason: str | None = None,
    password: str = PASSWORD,
    at: datetime = T0 + timedelta(minutes=8),
    key: str | None = None,
) -> MedicationOrdered:
    return order_medication(
        database=database,
        config=config,
        actor=actor,
        session_id=session_id,
        drug=drug,
        dose=dose,
        route=route,
        reason=reason,
        password=password,
        idempotency_key=key or factories.key(),
        now=at,
    )


def counts(database: Database) -> tuple[int, int]:
    """Orders and administrations stored."""
    with database.session_scope() as db:
        return (
            int(db.scalar(select(func.count()).select_from(MedicationOrder)) or 0),
            int(db.scalar(select(func.count()).select_from(MedicationAdministration)) or 0),
        )


def audited(database: Database, action: str) -> int:
    with database.session_scope() as db:
        return int(
            db.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            or 0
        )
