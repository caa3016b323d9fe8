"""The reads behind the reconciliation, the intervention measures and the sessions CSV's new
columns: the ketamine record, the adverse events and the rescue doses of many sessions at
once, a fixed few statements whatever their number (never one query per session).

The ketamine record of each session is turned into its balance here with the domain's rule
(`ketamine_balance.session_balance`, the given dose by `ketamine_reconciliation.given_mg_of`)
so every screen and export reads one figure. Sessions are chosen by a condition on the
sessions table: a period for the screens, a batch of ids for the streamed CSV.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventAcknowledgement,
    KetamineDiscrepancyResolution,
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
    MedicationAdministration,
)
from monitor.db.models import InfusionSession
from monitor.domain.intervention_measures import AdverseEventFact
from monitor.domain.ketamine_balance import Draw, Waste, session_balance
from monitor.domain.ketamine_reconciliation import SessionFigures, WasteWitness, given_mg_of
from monitor.domain.vocabulary import SessionState, Severity


def opened_between(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(InfusionSession.opened_at >= start, InfusionSession.opened_at < end)


def with_ketamine() -> ColumnElement[bool]:
    """A session with a draw, or one the pump gave ketamine (the reconciliation's sessions;
    the second kind without a draw is 'given without a record')."""
    drawn = InfusionSession.id.in_(select(KetamineDraw.session_id))  # not correlated
    return or_(drawn, InfusionSession.delivered_mg > 0)


def ketamine_figures(
    db: Session, chosen: ColumnElement[bool], *, step: float
) -> list[SessionFigures]:
    """The balance of every chosen session (four statements), in session order."""
    sessions = db.execute(
        select(
            InfusionSession.id,
            InfusionSession.opened_at,
            InfusionSession.state,
            InfusionSession.infusion_started_at,
            InfusionSession.infusion_stopped_at,
            InfusionSession.delivered_mg,
        )
        .where(chosen)
        .order_by(InfusionSession.id)
    ).all()
    draws: dict[int, list[Draw]] = defaultdict(list)
    for d in db.execute(
        select(
            KetamineDraw.session_id,
            KetamineDraw.id,
            KetamineDraw.lot,
            KetamineDraw.concentration_mg_per_ml,
            KetamineDraw.volume_ml,
            KetamineDraw.drawn_at,
        )
        .join(InfusionSession, InfusionSession.id == KetamineDraw.session_id)
        .where(chosen)
    ):
        draws[d.session_id].append(
            Draw(d.id, d.lot, d.concentration_mg_per_ml, d.volume_ml, d.drawn_at)
        )
    wastes: dict[int, list[WasteWitness]] = defaultdict(list)
    for w in db.execute(
        select(
            KetamineWaste.session_id,
            KetamineWaste.draw_id,
            KetamineWaste.volume_ml,
            KetamineWasteWitness.printed_name,
        )
        .join(InfusionSession, InfusionSession.id == KetamineWaste.session_id)
        .outerjoin(KetamineWasteWitness, KetamineWasteWitness.waste_id == KetamineWaste.id)
        .where(chosen)
        .order_by(KetamineWaste.id)
    ):
        wastes[w.session_id].append(WasteWitness(w.draw_id, w.volume_ml, w.printed_name))
    resolved: dict[int, list[float]] = defaultdict(list)
    for r in db.execute(
        select(KetamineDiscrepancyResolution.session_id, KetamineDiscrepancyResolution.imbalance_ml)
        .join(InfusionSession, InfusionSession.id == KetamineDiscrepancyResolution.session_id)
        .where(chosen)
    ):
        resolved[r.session_id].append(r.imbalance_ml)
    out = []
    for s in sessions:
        given = given_mg_of(
            state=SessionState(s.state),
            infusion_started_at=s.infusion_started_at,
            infusion_stopped_at=s.infusion_stopped_at,
            delivered_mg=s.delivered_mg,
        )
        mine = wastes.get(s.id, [])
        balance = session_balance(
            draws.get(s.id, []),
            [Waste(w.draw_id, w.volume_ml, w.witness is not None) for w in mine],
            given_mg=given,
            resolved_imbalances=resolved.get(s.id, []),
            step=step,
        )
        lots = {d.draw_id: d.lot for d in draws.get(s.id, [])}
        out.append(SessionFigures(s.id, s.opened_at, balance, lots, tuple(mine)))
    return out


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
