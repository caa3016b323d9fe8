"""Rescue medications in a session: the dose given (against an adverse event or an
excursion of the session), on the drug's standing order or under a physician's order; the
order itself is `medication_orders.py`'s, and what the bedside card reads back (what was
given, the orders waiting, the indications to pick from) `medication_record.py`'s. All are
importable from here, the module the card and the demo call.

The rules are `domain/rescue_doses.py`'s; here they see the session's record under its row
lock, so two tablets cannot together pass a session maximum. A signed, locked record (after
discharge or an exit) takes no dose: what was missed goes into an addendum
(docs/clinical.md "Rescue medications")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, MedicationAdministration, MedicationOrder
from monitor.db.models import Excursion
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.domain.rescue_doses import (
    Order,
    administration_problems,
    amount,
    parse_dose,
    parse_given_time,
)
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.idempotency import check_key, run_once, same_person, same_session, same_values
from monitor.services.medication_checks import (
    for_entries,
    formulary_drug,
    given_this_session,
    optional_id,
    route_text,
)
from monitor.services.medication_orders import MedicationOrdered, order_medication
from monitor.services.medication_record import (  # the card's reads, beside the writes
    GivenDose,
    IndicationChoice,
    WaitingOrder,
    indications_of,
    medications_of,
    open_orders,
)

__all__ = [
    "GivenDose",
    "IndicationChoice",
    "MedicationGiven",
    "MedicationOrdered",
    "WaitingOrder",
    "give_medication",
    "given_this_session",
    "indications_of",
    "medications_of",
    "open_orders",
    "order_medication",
]


@dataclass(frozen=True)
class MedicationGiven:
    administration_id: int
    drug_name: str
    dose: float
    unit: str
    route: str
    given_at: datetime
    order_id: int | None
    duplicate: bool

    @property
    def words(self) -> str:
        return f"{self.drug_name} {amount(self.dose, self.unit)} {self.route.upper()}"


def _indication(
    db: Session, session_id: int, adverse_event_id: int | None, excursion_id: int | None
) -> None:
    """The indication must be this session's adverse event and/or excursion."""
    if adverse_event_id is None and excursion_id is None:
        raise refuse("indication", "Choose what it is given for: an adverse event or an excursion")
    event = db.get(AdverseEvent, adverse_event_id) if adverse_event_id is not None else None
    excursion = db.get(Excursion, excursion_id) if excursion_id is not None else None
    if (adverse_event_id is not None and (event is None or event.session_id != session_id)) or (
        excursion_id is not None and (excursion is None or excursion.session_id != session_id)
    ):
        raise refuse("indication", "Choose an adverse event or an excursion of this session")


def _order(
    db: Session, session_id: int, order_id: int | None, at: datetime, config: Config
) -> Order | None:
    """This session's order, not yet given, and not given before it was signed."""
    if order_id is None:
        return None
    row = db.get(MedicationOrder, order_id)
    if row is None or row.session_id != session_id:
        raise refuse("order", "That order is not one of this session's")
    used = db.scalar(
        select(MedicationAdministration.id).where(MedicationAdministration.order_id == order_id)
    )
    if used is not None:
        raise refuse("order", "That order was given already: each order is one dose")
    if at < row.ordered_at - config.readings.clock_skew:
        raise refuse("given_at", "The dose cannot be given before it was ordered")
    return Order(row.id, row.drug, row.dose, row.route, row.reason)


def give_medication(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    drug: str,
    dose: float | str,
    route: str,
    given_at: datetime | str,
    adverse_event_id: int | str | None,
    excursion_id: int | str | None,
    order_id: int | str | None,
    idempotency_key: str,
    now: datetime | None = None,
) -> MedicationGiven:
    """A dose given, against an adverse event and/or an excursion of this session: on the
    drug's standing order (within the usual range and the session maximum, counting every
    earlier dose of the drug in the session), or under a physician's order of this session
    not given yet, matching it."""
    ensure_allowed(actor, Action.GIVE_MEDICATION)
    entered_at = now or utcnow()
    check_key(idempotency_key)
    chosen = formulary_drug(config, drug)
    amount_ = parse_dose(dose, chosen)
    way = route_text(route)
    skew = config.readings.clock_skew
    when = parse_given_time(given_at, now=entered_at, zone=config.clinic.zone)
    if when > entered_at + skew:
        raise refuse("given_at", "A dose cannot be given in the future")
    event_id = optional_id(adverse_event_id, "indication")
    excursion = optional_id(excursion_id, "indication")
    ordered = optional_id(order_id, "order")

    def write(db: Session) -> MedicationGiven:
        session = for_entries(db, session_id, lock=True)
        if when < session.opened_at - skew:
            raise refuse("given_at", "A dose cannot be given before the session opened")
        _indication(db, session_id, event_id, excursion)
        order = _order(db, session_id, ordered, when, config)
        found = administration_problems(
            chosen,
            dose=amount_,
            route=way,
            given_this_session=given_this_session(db, session_id, chosen.code),
            order=order,
        )
        if found:
            raise InvalidEntry(found)
        row = MedicationAdministration(
            session_id=session_id,
            entered_by=actor.id,
            entered_at=entered_at,
            idempotency_key=idempotency_key,
            drug=chosen.code,
            drug_name=chosen.name,
            strength=chosen.strength,
            dose=amount_,
            unit=chosen.unit,
            route=way,
            given_at=when,
            adverse_event_id=event_id,
            excursion_id=excursion,
            order_id=ordered,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="medication.given",
            entity_type="medication_administration",
            session_id=session_id,
            at=entered_at,
            new={
                "drug": chosen.code,
                "dose": amount_,
                "unit": chosen.unit,
                "route": way,
                "given_at": when.isoformat(),
                "adverse_event_id": event_id,
                "excursion_id": excursion,
                "order_id": ordered,
                "standing_order": ordered is None,
            },
        )
        return _given(row, duplicate=False)

    def replay(_db: Session, prior: MedicationAdministration) -> MedicationGiven:
        same_session(prior.session_id, session_id)
        same_person(prior.entered_by, actor.id)
        same_values(
            _values(prior),
            _values(prior, chosen.code, amount_, way, when, event_id, excursion, ordered),
        )
        return _given(prior, duplicate=True)

    return run_once(database, MedicationAdministration, idempotency_key, write=write, replay=replay)


def _values(row: MedicationAdministration, *sent: object) -> dict[str, object]:
    names = ("drug", "dose", "route", "given_at", "adverse_event_id", "excursion_id", "order_id")
    if sent:
        return dict(zip(names, sent, strict=True))
    return {name: getattr(row, name) for name in names}


def _given(row: MedicationAdministration, *, duplicate: bool) -> MedicationGiven:
    return MedicationGiven(
        row.id,
        row.drug_name,
        row.dose,
        row.unit,
        row.route,
        row.given_at,
        row.order_id,
        duplicate,
    )
