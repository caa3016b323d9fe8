"""The adverse events and medications of every session in a period, streamed for the
exports (bounded memory: rows leave in batches, never a table in memory). Each row is the
model objects' values by name; the export service turns them into words and CSV cells."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    AdverseEventOutcomeEntry,
    MedicationAdministration,
    MedicationOrder,
)
from monitor.db.models import Excursion, InfusionSession, Patient, Reading, User


def adverse_events_in(
    db: Session, start: datetime, end: datetime, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """Each adverse event with onset in [start, end), its latest outcome and acknowledgement."""
    latest = (
        select(func.max(AdverseEventOutcomeEntry.id))
        .group_by(AdverseEventOutcomeEntry.adverse_event_id)
        .scalar_subquery()
    )
    outcome = aliased(AdverseEventOutcomeEntry)
    nurse, physician = aliased(User), aliased(User)
    statement = (
        select(
            AdverseEvent.session_id,
            Patient.mrn,
            AdverseEvent.onset_at,
            AdverseEvent.kind,
            AdverseEvent.kind_label,
            AdverseEvent.severity,
            AdverseEvent.serious,
            AdverseEvent.action_taken,
            AdverseEvent.note,
            outcome.outcome,
            outcome.resolved_at,
            nurse.full_name.label("entered_by"),
            physician.full_name.label("acknowledged_by"),
            AdverseEventAcknowledgement.acknowledged_at,
            AdverseEvent.excursion_id,
        )
        .join(InfusionSession, InfusionSession.id == AdverseEvent.session_id)
        .join(Patient, Patient.id == InfusionSession.patient_id)
        .join(nurse, nurse.id == AdverseEvent.entered_by)
        .outerjoin(outcome, (outcome.adverse_event_id == AdverseEvent.id) & outcome.id.in_(latest))
        .outerjoin(
            AdverseEventAcknowledgement,
            AdverseEventAcknowledgement.adverse_event_id == AdverseEvent.id,
        )
        .outerjoin(physician, physician.id == AdverseEventAcknowledgement.acknowledged_by)
        .where(AdverseEvent.onset_at >= start, AdverseEvent.onset_at < end)
        .order_by(AdverseEvent.onset_at, AdverseEvent.id)
        .execution_options(yield_per=batch)
    )
    for row in db.execute(statement):
        yield dict(row._mapping)


def medications_in(
    db: Session, start: datetime, end: datetime, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """Each dose given in [start, end), with its indication's parts and its order."""
    nurse, physician = aliased(User), aliased(User)
    statement = (
        select(
            MedicationAdministration.session_id,
            Patient.mrn,
            MedicationAdministration.given_at,
            MedicationAdministration.drug,
            MedicationAdministration.drug_name,
            MedicationAdministration.dose,
            MedicationAdministration.unit,
            MedicationAdministration.route,
            AdverseEvent.kind_label.label("event_kind_label"),
            AdverseEvent.severity.label("event_severity"),
            Excursion.detected_at.label("excursion_at"),
            Reading.systolic.label("excursion_systolic"),
            Reading.diastolic.label("excursion_diastolic"),
            nurse.full_name.label("given_by"),
            MedicationOrder.printed_name.label("ordered_by"),
            MedicationOrder.ordered_at,
            MedicationOrder.reason.label("order_reason"),
        )
        .join(InfusionSession, InfusionSession.id == MedicationAdministration.session_id)
        .join(Patient, Patient.id == InfusionSession.patient_id)
        .join(nurse, nurse.id == MedicationAdministration.entered_by)
        .outerjoin(AdverseEvent, AdverseEvent.id == MedicationAdministration.adverse_event_id)
        .outerjoin(Excursion, Excursion.id == MedicationAdministration.excursion_id)
        .outerjoin(Reading, Reading.id == Excursion.reading_id)
        .outerjoin(MedicationOrder, MedicationOrder.id == MedicationAdministration.order_id)
        .outerjoin(physician, physician.id == MedicationOrder.ordered_by)
        .where(MedicationAdministration.given_at >= start, MedicationAdministration.given_at < end)
        .order_by(MedicationAdministration.given_at, MedicationAdministration.id)
        .execution_options(yield_per=batch)
    )
    for row in db.execute(statement):
        yield dict(row._mapping)
