"""The reads behind the reconciliation, the intervention measures and the sessions CSV's new
columns: the ketamine record, the adverse events and the rescue doses of many sessions at
once, a fixed few statements whatever their number (never one query per session).

The ketamine record is the ketamine engineer's read model (`db/queries/ketamine.py`), its
balance the domain's rule (`SessionKetamine.balance`), so every screen and export reads
one figure. Adverse events and doses are chosen by a condition on the sessions table: a
period for the screens, a batch of ids for the streamed CSV.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    MedicationAdministration,
)
from monitor.db.models import InfusionSession
from monitor.db.queries.ketamine import SessionKetamine, ketamine_rows
from monitor.domain.intervention_measures import AdverseEventFact
from monitor.domain.ketamine_reconciliation import SessionFigures, WasteWitness
from monitor.domain.vocabulary import Severity


def opened_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(InfusionSession.opened_at >= start, InfusionSession.opened_at < end)


def figures_of(record: SessionKetamine, step: float) -> SessionFigures:
    """One session's ketamine record as the reconciliation counts it: its balance (the
    domain's rule, read by db/queries/ketamine.py), its lots and its wastes' witnesses."""
    return SessionFigures(
        record.session_id,
        record.opened_at,
        record.balance(step),
        {d.id: d.lot for d in record.draws},
        tuple(WasteWitness(w.draw_id, w.volume_ml, w.witness_name) for w in record.wastes),
    )


def ketamine_figures(
    db: Session,
    *,
    step: float,
    opened_from: datetime | None = None,
    opened_before: datetime | None = None,
    session_ids: Collection[int] | None = None,
) -> list[SessionFigures]:
    """The figures of the sessions opened in [opened_from, opened_before), or of those
    named: a few statements whatever their number (`queries.ketamine.ketamine_rows`)."""
    records = ketamine_rows(
        db, session_ids=session_ids, opened_from=opened_from, opened_before=opened_before
    )
    return [figures_of(r, step) for r in records]


def session_count(db: Session, chosen: ColumnElement[bool]) -> int:
    return db.scalar(select(func.count()).select_from(InfusionSession).where(chosen)) or 0


@dataclass(frozen=True)
class SessionAdverseEvent:
    """An adverse event with the session it belongs to."""

    session_id: int
    fact: AdverseEventFact


def adverse_events(db: Session, chosen: ColumnElement[bool]) -> list[SessionAdverseEvent]:
    """Every adverse event of the chosen sessions with its acknowledgement time (one
    statement)."""
    rows = db.execute(
        select(
            AdverseEvent.session_id,
            AdverseEvent.kind,
            AdverseEvent.kind_label,
            AdverseEvent.severity,
            AdverseEvent.serious,
            AdverseEvent.entered_at,
            AdverseEventAcknowledgement.acknowledged_at,
        )
        .join(InfusionSession, InfusionSession.id == AdverseEvent.session_id)
        .outerjoin(
            AdverseEventAcknowledgement,
            AdverseEventAcknowledgement.adverse_event_id == AdverseEvent.id,
        )
        .where(chosen)
        .order_by(AdverseEvent.id)
    )
    return [
        SessionAdverseEvent(
            r.session_id,
            AdverseEventFact(
                r.kind,
                r.kind_label,
                Severity(r.severity),
                r.serious,
                r.entered_at,
                r.acknowledged_at,
            ),
        )
        for r in rows
    ]


Item = TypeVar("Item", "SessionAdverseEvent", "Given")


@dataclass(frozen=True)
class Given:
    """One rescue-medication administration, as the measures count it."""

    session_id: int
    drug: str
    drug_name: str


def administrations(db: Session, chosen: ColumnElement[bool]) -> list[Given]:
    rows = db.execute(
        select(
            MedicationAdministration.session_id,
            MedicationAdministration.drug,
            MedicationAdministration.drug_name,
        )
        .join(InfusionSession, InfusionSession.id == MedicationAdministration.session_id)
        .where(chosen)
        .order_by(MedicationAdministration.id)
    )
    return [Given(r.session_id, r.drug, r.drug_name) for r in rows]


def by_session(items: Iterable[Item]) -> dict[int, list[Item]]:
    grouped: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.session_id].append(item)
    return grouped
