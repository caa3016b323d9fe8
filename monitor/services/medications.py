"""Rescue medications in a session: the physician's signed order for a dose, the dose
given (against an adverse event or an excursion of the session), and what the bedside
card reads back: what was given, the orders waiting, the indications to pick from.

The rules are `domain/rescue_doses.py`'s; here they see the session's record under its row
lock, so two tablets cannot together pass a session maximum. A signed, locked record (after
discharge or an exit) takes neither an order nor a dose: what was missed goes into an
addendum (docs/clinical.md "Rescue medications")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.config.interventions import RescueDrug
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, MedicationAdministration, MedicationOrder
from monitor.db.models import Excursion, InfusionSession
from monitor.db.repositories import by_idempotency_key
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.free_text import unstorable
from monitor.domain.permissions import Action
from monitor.domain.reasons import clean_reason
from monitor.domain.rescue_doses import (
    Order,
    administration_problems,
    amount,
    order_problems,
    parse_dose,
    parse_given_time,
)
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import IllegalTransition, NotFound
from monitor.services.idempotency import check_key, run_once, same_person, same_session, same_values
from monitor.services.medication_record import (  # the card's reads, beside the writes
    GivenDose,
    IndicationChoice,
    WaitingOrder,
    indications_of,
    medications_of,
    open_orders,
)
from monitor.services.people import confirm_password
from monitor.services.session_lifecycle import load_locked

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
class MedicationOrdered:
    order_id: int
    drug_name: str
    dose: float
    unit: str
    route: str
    printed_name: str
    ordered_at: datetime
    duplicate: bool

    @property
    def words(self) -> str:
        return f"{self.drug_name} {amount(self.dose, self.unit)} {self.route.upper()}"


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


def _drug(config: Config, code: object) -> RescueDrug:
    try:
        return config.formulary.drug(str(code)) if isinstance(code, str) else _no_drug()
    except KeyError:
        return _no_drug()


def _no_drug() -> RescueDrug:
    raise refuse("drug", "Choose a drug from the formulary")


def _route(value: object) -> str:
    return value if isinstance(value, str) else ""


def _optional_id(value: object, field: str) -> int | None:
    """An id picked on the card: None when nothing was picked."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise refuse(field, "Choose from the list")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise refuse(field, "Choose from the list")
    return int(text)


def _reason(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise refuse("reason", "Write the reason as text")
    text = clean_reason(value)
    why = unstorable(text or "")
    if why:
        raise refuse("reason", f"The reason has {why}")
    return text


def _for_entries(db: Session, session_id: int, *, lock: bool) -> InfusionSession:
    """The session (locked for a write), refused once its record is signed and locked."""
    row = load_locked(db, session_id) if lock else db.get(InfusionSession, session_id)
    if row is None:
        raise NotFound(f"Session {session_id} does not exist")
    if not accepts_entries(SessionState(row.state)):
        raise IllegalTransition(
            f"This session is {row.state.replace('_', ' ')} and its record is signed and "
            "locked: medications can no longer be added. Add an addendum to the record to "
            "say what was given."
        )
    return row


def given_this_session(db: Session, session_id: int, drug: str) -> float:
    """Every dose of this drug already given in the session, in the drug's unit."""
    total = db.scalar(
        select(func.coalesce(func.sum(MedicationAdministration.dose), 0.0)).where(
            MedicationAdministration.session_id == session_id,
            MedicationAdministration.drug == drug,
        )
    )
    return float(total or 0.0)


def order_medication(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    drug: str,
    dose: float | str,
    route: str,
    reason: str | None,
    password: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> MedicationOrdered:
    """A physician orders one dose, signing with their own password re-entered (21 CFR
    11.50, 11.200: printed name, time, meaning "ordered"). A reason is required when the
    dose is outside the usual range or brings the session's total (what was given already)
    past its maximum."""
    ensure_allowed(actor, Action.ORDER_MEDICATION)
    at = now or utcnow()
    check_key(idempotency_key)
    chosen = _drug(config, drug)
    amount_ = parse_dose(dose, chosen)
    way, why = _route(route), _reason(reason)

    def problems(db: Session) -> None:
        given = given_this_session(db, session_id, chosen.code)
        found = order_problems(
            chosen, dose=amount_, route=way, given_this_session=given, reason=why
        )
        if found:
            raise InvalidEntry(found)

    with database.session_scope() as db:  # refused anyway? say so before the password
        if by_idempotency_key(db, MedicationOrder, idempotency_key) is None:
            _for_entries(db, session_id, lock=False)
            problems(db)
    confirm_password(database=database, config=config, actor=actor, password=password, now=at)

    def write(db: Session) -> MedicationOrdered:
        _for_entries(db, session_id, lock=True)
        problems(db)
        row = MedicationOrder(
            session_id=session_id,
            drug=chosen.code,
            drug_name=chosen.name,
            dose=amount_,
            unit=chosen.unit,
            route=way,
            reason=why,
            ordered_by=actor.id,
            printed_name=actor.full_name,
            ordered_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="medication.ordered",
            entity_type="medication_order",
            session_id=session_id,
            at=at,
            reason=why,
            new={
                "drug": chosen.code,
                "dose": amount_,
                "unit": chosen.unit,
                "route": way,
                "printed_name": actor.full_name,
                "meaning": "ordered",
                "ordered_at": at.isoformat(),
            },
        )
        return _ordered(row, duplicate=False)

    def replay(_db: Session, prior: MedicationOrder) -> MedicationOrdered:
        same_session(prior.session_id, session_id)
        same_person(prior.ordered_by, actor.id)
        same_values(
            {"drug": prior.drug, "dose": prior.dose, "route": prior.route, "reason": prior.reason},
            {"drug": chosen.code, "dose": amount_, "route": way, "reason": why},
        )
        return _ordered(prior, duplicate=True)

    return run_once(database, MedicationOrder, idempotency_key, write=write, replay=replay)


def _ordered(row: MedicationOrder, *, duplicate: bool) -> MedicationOrdered:
    return MedicationOrdered(
        row.id,
        row.drug_name,
        row.dose,
        row.unit,
        row.route,
        row.printed_name,
        row.ordered_at,
        duplicate,
    )


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
    chosen = _drug(config, drug)
    amount_ = parse_dose(dose, chosen)
    way = _route(route)
    skew = config.readings.clock_skew
    when = parse_given_time(given_at, now=entered_at, zone=config.clinic.zone)
    if when > entered_at + skew:
        raise refuse("given_at", "A dose cannot be given in the future")
    event_id = _optional_id(adverse_event_id, "indication")
    excursion = _optional_id(excursion_id, "indication")
    ordered = _optional_id(order_id, "order")

    def write(db: Session) -> MedicationGiven:
        session = _for_entries(db, session_id, lock=True)
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
