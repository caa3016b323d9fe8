"""What was given and what happened in one session, read once for the record, its PDF and
its screens: the adverse events (each with its latest outcome, who entered it, the
excursion it belongs to and the physician's acknowledgement), the rescue-medication orders
and doses (each dose with its indication in words and the order it was given under), and
the ketamine record (draws, wastes with their witnesses, physicians' resolutions) with the
balance the domain computes from them (monitor.domain.ketamine_balance).

Seven statements whatever the number of rows: one per table group, never one per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from monitor.config.interventions import Ketamine
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
from monitor.db.models import Excursion, InfusionSession, Reading, User
from monitor.db.queries.rows import build_all, columns
from monitor.domain.ketamine_balance import (
    Draw,
    SessionBalance,
    Waste,
    final_given_mg,
    session_balance,
)
from monitor.domain.session_state import FINAL_STATES
from monitor.domain.vocabulary import (
    AdverseEventOutcome,
    MedicationRoute,
    SessionState,
    Severity,
    label_of,
)

# The step of the balance when a caller has no config at hand: the config's own default
# (config.ketamine.balance_to_ml), never a second literal.
DEFAULT_BALANCE_STEP: float = Ketamine.model_fields["balance_to_ml"].default


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
class DrawRow:
    id: int
    product: str
    product_name: str
    concentration_mg_per_ml: float
    lot: str
    expiry: date
    volume_ml: float
    drawn_at: datetime
    drawn_by: str


@dataclass(frozen=True)
class WasteRow:
    id: int
    draw_id: int
    volume_ml: float
    wasted_at: datetime
    wasted_by: str
    witness: str | None  # the witness's printed name; None: awaiting a witness
    witnessed_at: datetime | None

    @property
    def witnessed(self) -> bool:
        return self.witnessed_at is not None

    def witness_words(self, zone: ZoneInfo) -> str:
        if self.witness is None or self.witnessed_at is None:
            return "awaiting a witness"
        return f"witnessed by {self.witness} {self.witnessed_at.astimezone(zone):%H:%M}"


@dataclass(frozen=True)
class ResolutionRow:
    id: int
    imbalance_ml: float
    reason: str
    resolved_by: str
    resolved_at: datetime


def _no_balance() -> SessionBalance:
    return session_balance([], [], given_mg=None, step=DEFAULT_BALANCE_STEP)


KETAMINE_COLUMNS = (
    "Product",
    "Lot",
    "Expiry",
    "Drawn",
    "Given",
    "Wasted",
    "Witnessed waste",
)


def _ml(value: float | None) -> str:
    return "pending" if value is None else f"{value:.2f} mL"


@dataclass(frozen=True)
class KetamineRecordRows:
    draws: tuple[DrawRow, ...] = ()
    wastes: tuple[WasteRow, ...] = ()
    resolutions: tuple[ResolutionRow, ...] = ()
    balance: SessionBalance = field(default_factory=_no_balance)

    def wastes_of(self, draw_id: int) -> list[WasteRow]:
        return [w for w in self.wastes if w.draw_id == draw_id]

    def lines(self, zone: ZoneInfo) -> list[tuple[str, ...]]:
        """The ketamine table as the record and the PDF print it (KETAMINE_COLUMNS): one
        line per vial drawn, its given share from the domain's balance ("pending" while
        the pump may still run), each waste with its nurse, time and witness."""
        shares = {s.draw_id: s for s in self.balance.shares}
        final = self.balance.given_ml is not None
        out: list[tuple[str, ...]] = []
        for d in self.draws:
            share = shares.get(d.id)
            wastes = "; ".join(
                f"{w.volume_ml:.2f} mL by {w.wasted_by} {w.wasted_at.astimezone(zone):%H:%M}, "
                + w.witness_words(zone)
                for w in self.wastes_of(d.id)
            )
            strength = f"{d.concentration_mg_per_ml:g} mg/mL"
            out.append(
                (
                    d.product_name
                    if strength in d.product_name
                    else f"{d.product_name} ({strength})",
                    d.lot,
                    f"{d.expiry:%Y-%m-%d}",
                    f"{d.volume_ml:.2f} mL by {d.drawn_by} {d.drawn_at.astimezone(zone):%H:%M}",
                    _ml(share.given_ml if share and final else None),
                    _ml(share.wasted_ml if share else 0.0),
                    wastes or "none",
                )
            )
        return out

    @property
    def balance_words(self) -> str:
        """ "Balanced: drawn 5.00 mL = given 4.00 mL + wasted 1.00 mL" and the like."""
        b = self.balance
        status = b.status.label
        if not self.draws and b.given_mg is None:
            return status
        sums = f"drawn {b.drawn_ml:.2f} mL, given {_ml(b.given_ml)}, wasted {b.wasted_ml:.2f} mL"
        if b.given_mg is not None:
            sums += f" ({b.given_mg:g} mg)"
        if b.imbalance_ml:
            sums += f", difference {b.imbalance_ml:+.2f} mL"
        if b.awaiting_witness_ml:
            sums += f"; {b.awaiting_witness_ml:.2f} mL wasted awaiting a witness"
        return f"{status}: {sums}"

    def resolution_words(self, zone: ZoneInfo) -> list[str]:
        return [
            f"{r.imbalance_ml:+.2f} mL resolved by {r.resolved_by} "
            f"{r.resolved_at.astimezone(zone):%Y-%m-%d %H:%M}: {r.reason}"
            for r in self.resolutions
        ]


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


def ketamine_of(db: Session, session_id: int, *, step: float) -> KetamineRecordRows:
    """The draws, wastes (with witnesses) and resolutions, and the balance of them."""
    draws = build_all(
        DrawRow,
        db.execute(
            select(*columns(DrawRow, KetamineDraw, drawn_by=User.full_name))
            .join(User, User.id == KetamineDraw.entered_by)
            .where(KetamineDraw.session_id == session_id)
            .order_by(KetamineDraw.drawn_at, KetamineDraw.id)
        ),
    )
    nurse = aliased(User)
    wastes = build_all(
        WasteRow,
        db.execute(
            select(
                *columns(
                    WasteRow,
                    KetamineWaste,
                    wasted_by=nurse.full_name,
                    witness=KetamineWasteWitness.printed_name,
                    witnessed_at=KetamineWasteWitness.witnessed_at,
                )
            )
            .join(nurse, nurse.id == KetamineWaste.entered_by)
            .outerjoin(KetamineWasteWitness, KetamineWasteWitness.waste_id == KetamineWaste.id)
            .where(KetamineWaste.session_id == session_id)
            .order_by(KetamineWaste.wasted_at, KetamineWaste.id)
        ),
    )
    resolutions = build_all(
        ResolutionRow,
        db.execute(
            select(
                *columns(ResolutionRow, KetamineDiscrepancyResolution, resolved_by=User.full_name)
            )
            .join(User, User.id == KetamineDiscrepancyResolution.resolved_by)
            .where(KetamineDiscrepancyResolution.session_id == session_id)
            .order_by(KetamineDiscrepancyResolution.resolved_at, KetamineDiscrepancyResolution.id)
        ),
    )
    session = db.execute(
        select(
            InfusionSession.state,
            InfusionSession.infusion_started_at,
            InfusionSession.infusion_stopped_at,
            InfusionSession.delivered_mg,
        ).where(InfusionSession.id == session_id)
    ).one_or_none()
    given_mg = (
        None
        if session is None
        # the domain's one rule for when the given figure is final
        else final_given_mg(
            delivered_mg=session.delivered_mg,
            started=session.infusion_started_at is not None,
            stopped=session.infusion_stopped_at is not None,
            ended=SessionState(session.state) in FINAL_STATES,
        )
    )
    balance = session_balance(
        [Draw(d.id, d.lot, d.concentration_mg_per_ml, d.volume_ml, d.drawn_at) for d in draws],
        [Waste(w.draw_id, w.volume_ml, witnessed=w.witnessed) for w in wastes],
        given_mg=given_mg,
        resolved_imbalances=[r.imbalance_ml for r in resolutions],
        step=step,
    )
    return KetamineRecordRows(tuple(draws), tuple(wastes), tuple(resolutions), balance)


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
