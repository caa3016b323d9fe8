"""The tables of what was given and what happened in a session: adverse events and their
outcomes, the physician's acknowledgement of a flagged event, rescue-medication orders and
administrations, and the ketamine record (draws, witnessed wastes, a physician's
resolution of a discrepancy). No clinical rule here: those live in monitor.domain
(adverse_events.py, rescue_doses.py, ketamine_balance.py).

Every row is an entry, never changed once stored (append-only, as migration 0013
installs it): an event's outcome is a new row, the latest one standing."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from monitor.db.base import Base, SessionEntry
from monitor.db.checks import vocabulary_check
from monitor.db.types import UTCDateTime
from monitor.domain.vocabulary import AdverseEventOutcome, MedicationRoute, Severity


class AdverseEvent(SessionEntry, Base):
    """An adverse event: its kind from the clinic's picklist (the words as the nurse
    picked them kept beside the code), onset, CTCAE severity, whether serious, what was
    done, and the excursion it belongs to if any."""

    __tablename__ = "adverse_events"
    __table_args__ = (
        vocabulary_check("severity", Severity),
        Index("ix_adverse_events_session_id", "session_id"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    kind_label: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime)
    severity: Mapped[str] = mapped_column(String(24))
    serious: Mapped[bool] = mapped_column(Boolean)
    action_taken: Mapped[str | None] = mapped_column(Text)
    excursion_id: Mapped[int | None] = mapped_column(ForeignKey("excursions.id"))


class AdverseEventOutcomeEntry(SessionEntry, Base):
    """An event's outcome as recorded at one moment; the latest stands. Resolved outcomes
    carry the time the event resolved."""

    __tablename__ = "adverse_event_outcomes"
    __table_args__ = (
        vocabulary_check("outcome", AdverseEventOutcome),
        Index("ix_adverse_event_outcomes_adverse_event_id", "adverse_event_id"),
    )

    adverse_event_id: Mapped[int] = mapped_column(ForeignKey("adverse_events.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


class AdverseEventAcknowledgement(Base):
    """A physician's acknowledgement of a flagged (severe, life-threatening or serious)
    adverse event, with a note; one per event."""

    __tablename__ = "adverse_event_acknowledgements"
    __table_args__ = (Index("ix_adverse_event_acknowledgements_session_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    adverse_event_id: Mapped[int] = mapped_column(ForeignKey("adverse_events.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)


class MedicationOrder(Base):
    """A physician's order for one dose of a rescue medication, signed with their password
    (21 CFR 11.50: the printed name, the time and the meaning "ordered"). A reason is
    required when the dose is outside the formulary's range or past its session maximum."""

    __tablename__ = "medication_orders"
    __table_args__ = (
        vocabulary_check("route", MedicationRoute),
        CheckConstraint("dose > 0", name="dose_above_zero"),
        Index("ix_medication_orders_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    drug: Mapped[str] = mapped_column(String(40))
    drug_name: Mapped[str] = mapped_column(String(80))
    dose: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    ordered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class MedicationAdministration(SessionEntry, Base):
    """One dose given: the drug as the formulary named it then, the dose, route and time,
    its indication (an adverse event, an excursion, or both) and the order it was given
    under, where one was needed (each order is given at most once)."""

    __tablename__ = "medication_administrations"
    __table_args__ = (
        vocabulary_check("route", MedicationRoute),
        CheckConstraint("dose > 0", name="dose_above_zero"),
        CheckConstraint(
            "adverse_event_id IS NOT NULL OR excursion_id IS NOT NULL",
            name="has_indication",
        ),
        Index("ix_medication_administrations_session_id", "session_id"),
    )

    drug: Mapped[str] = mapped_column(String(40))
    drug_name: Mapped[str] = mapped_column(String(80))
    strength: Mapped[str] = mapped_column(String(80))
    dose: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    adverse_event_id: Mapped[int | None] = mapped_column(ForeignKey("adverse_events.id"))
    excursion_id: Mapped[int | None] = mapped_column(ForeignKey("excursions.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("medication_orders.id"), unique=True)


class KetamineDraw(SessionEntry, Base):
    """Ketamine drawn from one vial for the session: product, concentration, lot, expiry
    and the volume drawn, in mL of the product as labelled."""

    __tablename__ = "ketamine_draws"
    __table_args__ = (
        CheckConstraint("volume_ml > 0", name="volume_above_zero"),
        CheckConstraint("concentration_mg_per_ml > 0", name="concentration_above_zero"),
        Index("ix_ketamine_draws_session_id", "session_id"),
        Index("ix_ketamine_draws_lot", "lot"),
    )

    product: Mapped[str] = mapped_column(String(40))
    product_name: Mapped[str] = mapped_column(String(120))
    concentration_mg_per_ml: Mapped[float] = mapped_column(Float)
    lot: Mapped[str] = mapped_column(String(40))
    expiry: Mapped[date] = mapped_column(Date)
    volume_ml: Mapped[float] = mapped_column(Float)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KetamineWaste(SessionEntry, Base):
    """Ketamine wasted from one draw, in mL of the product, by the nurse who entered it. It
    counts in the balance once a second licensed person has witnessed it."""

    __tablename__ = "ketamine_wastes"
    __table_args__ = (
        CheckConstraint("volume_ml > 0", name="volume_above_zero"),
        Index("ix_ketamine_wastes_session_id", "session_id"),
    )

    draw_id: Mapped[int] = mapped_column(ForeignKey("ketamine_draws.id"))
    volume_ml: Mapped[float] = mapped_column(Float)
    wasted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KetamineWasteWitness(Base):
    """A second licensed person's witness of one waste, signed with their own password,
    on the wasting nurse's tablet or their own (21 CFR 1317.90; 21 CFR 11.50)."""

    __tablename__ = "ketamine_waste_witnesses"
    __table_args__ = (
        CheckConstraint("witness_id <> wasted_by", name="witness_is_another_person"),
        Index("ix_ketamine_waste_witnesses_session_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    waste_id: Mapped[int] = mapped_column(ForeignKey("ketamine_wastes.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    # The waste's nurse, repeated here so the database itself refuses a self-witness.
    wasted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    witness_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    printed_name: Mapped[str] = mapped_column(String(200))
    witnessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)


class KetamineDiscrepancyResolution(Base):
    """A physician's resolution, with a reason, of a session's ketamine discrepancy: the
    very imbalance it regards (drawn - given - wasted, mL), so a later entry that changes
    the balance opens a new discrepancy."""

    __tablename__ = "ketamine_discrepancy_resolutions"
    __table_args__ = (Index("ix_ketamine_discrepancy_resolutions_session_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"))
    imbalance_ml: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
