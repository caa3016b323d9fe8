"""The physician's signed order for one rescue dose (issue 13): a dose outside the usual
range, past the session maximum, or of a drug that is not a standing order, is given only
under such an order. Signed with the physician's own password re-entered; a reason is
required when the dose is outside the range or past the maximum. A signed, locked record
(after discharge or an exit) takes no order: what was missed goes into an addendum
(docs/clinical.md "Rescue medications")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import MedicationOrder
from monitor.db.repositories import by_idempotency_key
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.free_text import unstorable
from monitor.domain.permissions import Action
from monitor.domain.reasons import clean_reason
from monitor.domain.rescue_doses import amount, order_problems, parse_dose
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.idempotency import check_key, run_once, same_person, same_session, same_values
from monitor.services.medication_checks import (
    for_entries,
    formulary_drug,
    given_this_session,
    route_text,
)
from monitor.services.people import confirm_password


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


def _reason(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise refuse("reason", "Write the reason as text")
    text = clean_reason(value)
    why = unstorable(text or "")
    if why:
        raise refuse("reason", f"The reason has {why}")
    return text


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
    chosen = formulary_drug(config, drug)
    amount_ = parse_dose(dose, chosen)
    way, why = route_text(route), _reason(reason)

    def problems(db: Session) -> None:
        given = given_this_session(db, session_id, chosen.code)
        found = order_problems(
            chosen, dose=amount_, route=way, given_this_session=given, reason=why
        )
        if found:
            raise InvalidEntry(found)

    with database.session_scope() as db:  # refused anyway? say so before the password
        if by_idempotency_key(db, MedicationOrder, idempotency_key) is None:
            for_entries(db, session_id, lock=False)
            problems(db)
    confirm_password(database=database, config=config, actor=actor, password=password, now=at)

    def write(db: Session) -> MedicationOrdered:
        for_entries(db, session_id, lock=True)
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
