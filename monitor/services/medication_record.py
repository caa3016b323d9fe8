"""What the medications card reads back: the doses given in a session (by whom, for what,
under whose order), the physician's orders not yet given, and the session's adverse events
and excursions a dose may be given for. A few statements each; plain dataclasses out.

Each takes an open SQLAlchemy session (inside a use case's transaction) or the Database
(a screen's read, in a transaction of its own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, MedicationAdministration, MedicationOrder
from monitor.db.models import Excursion, User
from monitor.domain.rescue_doses import amount
from monitor.domain.vocabulary import MedicationRoute, Severity, label_of

T = TypeVar("T")
ADVERSE_EVENT = "ae"
EXCURSION = "exc"


@dataclass(frozen=True)
class GivenDose:
    administration_id: int
    drug: str
    drug_name: str
    dose: float
    unit: str
    route: str
    given_at: datetime
    given_by: str
    indication: str  # in words: "Nausea (Grade 2: moderate)", an excursion's label, or both
    order_id: int | None
    ordered_by: str | None  # the physician's printed name; None on a standing order
    order_reason: str | None

    @property
    def words(self) -> str:
        return f"{self.drug_name} {amount(self.dose, self.unit)} {route_words(self.route)}"


@dataclass(frozen=True)
class WaitingOrder:
    order_id: int
    drug: str
    drug_name: str
    dose: float
    unit: str
    route: str
    reason: str | None
    ordered_by: str
    ordered_at: datetime

    @property
    def words(self) -> str:
        return f"{self.drug_name} {amount(self.dose, self.unit)} {route_words(self.route)}"


@dataclass(frozen=True)
class IndicationChoice:
    """An adverse event or an excursion of the session, as the card offers it."""

    kind: str  # ADVERSE_EVENT or EXCURSION
    entry_id: int
    words: str
    at: datetime

    @property
    def value(self) -> str:
        return f"{self.kind}-{self.entry_id}"


def route_words(route: str) -> str:
    """A route as the label prints it: IV, ODT; a stored word no longer known as stored."""
    return label_of(MedicationRoute, route).split(" (")[0]


def _event_words(kind_label: str, severity: str) -> str:
    return f"{kind_label} ({label_of(Severity, severity)})"


def _read(db_or_database: Session | Database, read: Callable[[Session], T]) -> T:
    if isinstance(db_or_database, Database):
        with db_or_database.session_scope() as db:
            return read(db)
    return read(db_or_database)


def indications_of(
    db_or_database: Session | Database, session_id: int
) -> tuple[IndicationChoice, ...]:
    """The session's adverse events, then its excursions, newest first in each."""

    def read(db: Session) -> tuple[IndicationChoice, ...]:
        events = db.execute(
            select(
                AdverseEvent.id,
                AdverseEvent.kind_label,
                AdverseEvent.severity,
                AdverseEvent.onset_at,
            )
            .where(AdverseEvent.session_id == session_id)
            .order_by(AdverseEvent.onset_at.desc(), AdverseEvent.id.desc())
        ).all()
        excursions = db.execute(
            select(Excursion.id, Excursion.label, Excursion.detected_at)
            .where(Excursion.session_id == session_id)
            .order_by(Excursion.detected_at.desc(), Excursion.id.desc())
        ).all()
        return tuple(
            IndicationChoice(ADVERSE_EVENT, i, _event_words(label, sev), at)
            for i, label, sev, at in events
        ) + tuple(IndicationChoice(EXCURSION, i, label, at) for i, label, at in excursions)

    return _read(db_or_database, read)


def medications_of(db_or_database: Session | Database, session_id: int) -> tuple[GivenDose, ...]:
    """Every dose given in the session, in the order given."""
    giver = aliased(User)

    def read(db: Session) -> tuple[GivenDose, ...]:
        rows = db.execute(
            select(MedicationAdministration, giver.full_name, MedicationOrder)
            .join(giver, giver.id == MedicationAdministration.entered_by)
            .outerjoin(MedicationOrder, MedicationOrder.id == MedicationAdministration.order_id)
            .where(MedicationAdministration.session_id == session_id)
            .order_by(MedicationAdministration.given_at, MedicationAdministration.id)
        ).all()
        words = {c.value: c.words for c in indications_of(db, session_id)}
        out = []
        for given, given_by, order in rows:
            why = [
                words.get(f"{kind}-{entry}", f"entry {entry}")
                for kind, entry in (
                    (ADVERSE_EVENT, given.adverse_event_id),
                    (EXCURSION, given.excursion_id),
                )
                if entry is not None
            ]
            out.append(
                GivenDose(
                    given.id,
                    given.drug,
                    given.drug_name,
                    given.dose,
                    given.unit,
                    given.route,
                    given.given_at,
                    given_by,
                    "; ".join(why),
                    given.order_id,
                    order.printed_name if order else None,
                    order.reason if order else None,
                )
            )
        return tuple(out)

    return _read(db_or_database, read)


def open_orders(db_or_database: Session | Database, session_id: int) -> tuple[WaitingOrder, ...]:
    """The session's orders not yet given, oldest first."""

    def read(db: Session) -> tuple[WaitingOrder, ...]:
        used = select(MedicationAdministration.order_id).where(
            MedicationAdministration.order_id.is_not(None),
            MedicationAdministration.session_id == session_id,
        )
        rows = db.scalars(
            select(MedicationOrder)
            .where(MedicationOrder.session_id == session_id, MedicationOrder.id.not_in(used))
            .order_by(MedicationOrder.ordered_at, MedicationOrder.id)
        ).all()
        return tuple(
            WaitingOrder(
                o.id,
                o.drug,
                o.drug_name,
                o.dose,
                o.unit,
                o.route,
                o.reason,
                o.printed_name,
                o.ordered_at,
            )
            for o in rows
        )

    return _read(db_or_database, read)
