"""What was given and what happened in one session, read once for the record, its PDF and
its screens: the adverse events (each with its latest outcome, who entered it, the
excursion it belongs to and the physician's acknowledgement), the rescue-medication orders
and doses (each dose with its indication in words and the order it was given under), and
the ketamine record (draws, wastes with their witnesses, physicians' resolutions) with the
balance the domain computes from them (monitor.domain.ketamine_balance).

Seven statements whatever the number of rows: one per table group, never one per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    AdverseEventOutcomeEntry,
    MedicationAdministration,
    MedicationOrder,
)
from monitor.db.models import Excursion, Reading, User
from monitor.db.queries.ketamine_record_rows import (
    DEFAULT_BALANCE_STEP,
    KetamineRecordRows,
    ketamine_of,
)
from monitor.db.queries.rows import build_all, columns
from monitor.domain.vocabulary import (
    AdverseEventOutcome,
    MedicationRoute,
    Severity,
    label_of,
)


def event_words(kind_label: str, severity: str) -> str:
    """ "Nausea (Grade 1: mild)": an event as every screen and the PDF name it."""
    return f"{kind_label} ({label_of(Severity, severity)})"


def excursion_words(detected_at: datetime, systolic: int, diastolic: int, zone: ZoneInfo) -> str:
    """ "excursion 14:32 185/95": an excursion by its clinic time and the pressure read."""
    return f"excursion {detected_at.astimezone(zone):%H:%M} {systolic}/{diastolic}"


def dose_words(drug_name: str, dose: float, unit: str, route: str) -> str:
    """ "Ondansetron 4 mg IV" """
    return f"{drug_name} {dose:g} {unit} {label_of(MedicationRoute, route)}"


@dataclass(frozen=True)
class AdverseEventRow:
    id: int
    kind: str
    kind_label: str
    note: str | None
    onset_at: datetime
    severity: str
    serious: bool
    action_taken: str | None
    entered_by: str
    entered_at: datetime
    excursion_id: int | None
    excursion_at: datetime | None
    excursion_systolic: int | None
    excursion_diastolic: int | None
    # the latest outcome entry (None: no outcome recorded yet)
    outcome: str | None
    resolved_at: datetime | None
    outcome_note: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledgement_note: str | None

    @property
    def words(self) -> str:
        return event_words(self.kind_label, self.severity)

    @property
    def outcome_words(self) -> str:
        return (
            "not recorded" if self.outcome is None else label_of(AdverseEventOutcome, self.outcome)
        )

    def excursion(self, zone: ZoneInfo) -> str | None:
        if self.excursion_at is None or self.excursion_systolic is None:
            return None
        return excursion_words(
            self.excursion_at, self.excursion_systolic, self.excursion_diastolic or 0, zone
        )


@dataclass(frozen=True)
class MedicationOrderRow:
    id: int
    drug: str
    drug_name: str
    dose: float
    unit: str
    route: str
    reason: str | None
    ordered_by: str
    printed_name: str
    ordered_at: datetime
    given: bool

    @property
    def words(self) -> str:
        return dose_words(self.drug_name, self.dose, self.unit, self.route)

    def order_words(self, zone: ZoneInfo) -> str:
        """ "ordered by Dr Ann Lee 14:30 (reason: …)" """
        why = f" (reason: {self.reason})" if self.reason else ""
        return f"ordered by {self.printed_name} {self.ordered_at.astimezone(zone):%H:%M}{why}"


@dataclass(frozen=True)
class AdministrationRow:
    id: int
    drug: str
    drug_name: str
    strength: str
    dose: float
    unit: str
    route: str
    given_at: datetime
    given_by: str
    adverse_event_id: int | None
    event_kind_label: str | None
    event_severity: str | None
    excursion_id: int | None
    excursion_at: datetime | None
    excursion_systolic: int | None
    excursion_diastolic: int | None
    order_id: int | None

    @property
    def words(self) -> str:
        return dose_words(self.drug_name, self.dose, self.unit, self.route)

    @property
    def route_words(self) -> str:
        return label_of(MedicationRoute, self.route)

    def indication(self, zone: ZoneInfo) -> str:
        """ "for: Nausea (Grade 1: mild)" or "for: excursion 14:32 185/95" (or both)."""
        parts = []
        if self.event_kind_label is not None and self.event_severity is not None:
            parts.append(event_words(self.event_kind_label, self.event_severity))
        if self.excursion_at is not None and self.excursion_systolic is not None:
            parts.append(
                excursion_words(
                    self.excursion_at,
                    self.excursion_systolic,
                    self.excursion_diastolic or 0,
                    zone,
                )
            )
        return "for: " + "; ".join(parts) if parts else ""


@dataclass(frozen=True)
class SessionInterventions:
    adverse_events: tuple[AdverseEventRow, ...] = ()
    orders: tuple[MedicationOrderRow, ...] = ()
    administrations: tuple[AdministrationRow, ...] = ()
    ketamine: KetamineRecordRows = field(default_factory=KetamineRecordRows)

    def order_of(self, administration: AdministrationRow) -> MedicationOrderRow | None:
        return next((o for o in self.orders if o.id == administration.order_id), None)

    def given_for(self, adverse_event_id: int) -> list[AdministrationRow]:
        return [a for a in self.administrations if a.adverse_event_id == adverse_event_id]

    @property
    def orders_not_given(self) -> list[MedicationOrderRow]:
        return [o for o in self.orders if not o.given]


def adverse_events_of(db: Session, session_id: int) -> list[AdverseEventRow]:
    """Each event with its latest outcome (the highest id stands), acknowledgement and
    linked excursion, in onset order."""
    latest = (
        select(func.max(AdverseEventOutcomeEntry.id).label("id"))
        .where(AdverseEventOutcomeEntry.session_id == session_id)
        .group_by(AdverseEventOutcomeEntry.adverse_event_id)
        .subquery()
    )
    outcome = aliased(AdverseEventOutcomeEntry)
    nurse, physician = aliased(User), aliased(User)
    chosen = columns(
        AdverseEventRow,
        AdverseEvent,
        entered_by=nurse.full_name,
        excursion_at=Excursion.detected_at,
        excursion_systolic=Reading.systolic,
        excursion_diastolic=Reading.diastolic,
        outcome=outcome.outcome,
        resolved_at=outcome.resolved_at,
        outcome_note=outcome.note,
        acknowledged_by=physician.full_name,
        acknowledged_at=AdverseEventAcknowledgement.acknowledged_at,
        acknowledgement_note=AdverseEventAcknowledgement.note,
    )
    return build_all(
        AdverseEventRow,
        db.execute(
            select(*chosen)
            .join(nurse, nurse.id == AdverseEvent.entered_by)
            .outerjoin(Excursion, Excursion.id == AdverseEvent.excursion_id)
            .outerjoin(Reading, Reading.id == Excursion.reading_id)
            .outerjoin(
                outcome,
                (outcome.adverse_event_id == AdverseEvent.id) & outcome.id.in_(select(latest.c.id)),
            )
            .outerjoin(
                AdverseEventAcknowledgement,
                AdverseEventAcknowledgement.adverse_event_id == AdverseEvent.id,
            )
            .outerjoin(physician, physician.id == AdverseEventAcknowledgement.acknowledged_by)
            .where(AdverseEvent.session_id == session_id)
            .order_by(AdverseEvent.onset_at, AdverseEvent.id)
        ),
    )


def orders_of(db: Session, session_id: int) -> list[MedicationOrderRow]:
    given = (
        select(MedicationAdministration.id)
        .where(MedicationAdministration.order_id == MedicationOrder.id)
        .exists()
    )
    return build_all(
        MedicationOrderRow,
        db.execute(
            select(
                *columns(
                    MedicationOrderRow, MedicationOrder, ordered_by=User.full_name, given=given
                )
            )
            .join(User, User.id == MedicationOrder.ordered_by)
            .where(MedicationOrder.session_id == session_id)
            .order_by(MedicationOrder.ordered_at, MedicationOrder.id)
        ),
    )


def administrations_of(db: Session, session_id: int) -> list[AdministrationRow]:
    chosen = columns(
        AdministrationRow,
        MedicationAdministration,
        given_by=User.full_name,
        event_kind_label=AdverseEvent.kind_label,
        event_severity=AdverseEvent.severity,
        excursion_at=Excursion.detected_at,
        excursion_systolic=Reading.systolic,
        excursion_diastolic=Reading.diastolic,
    )
    return build_all(
        AdministrationRow,
        db.execute(
            select(*chosen)
            .join(User, User.id == MedicationAdministration.entered_by)
            .outerjoin(AdverseEvent, AdverseEvent.id == MedicationAdministration.adverse_event_id)
            .outerjoin(Excursion, Excursion.id == MedicationAdministration.excursion_id)
            .outerjoin(Reading, Reading.id == Excursion.reading_id)
            .where(MedicationAdministration.session_id == session_id)
            .order_by(MedicationAdministration.given_at, MedicationAdministration.id)
        ),
    )


def session_interventions(
    db: Session, session_id: int, *, step: float = DEFAULT_BALANCE_STEP
) -> SessionInterventions:
    """The whole of what was given and what happened in one session (seven statements);
    `step` is config.ketamine.balance_to_ml."""
    return SessionInterventions(
        adverse_events=tuple(adverse_events_of(db, session_id)),
        orders=tuple(orders_of(db, session_id)),
        administrations=tuple(administrations_of(db, session_id)),
        ketamine=ketamine_of(db, session_id, step=step),
    )
