"""The auditor's measures of what was given and what happened (issue 13) over a period, and
the sessions CSV's columns for them. Read-only.

Adverse events per 100 sessions by kind and by grade, rescue-medication administrations
per 100 sessions by drug, the minutes from a flagged event (the board's rule) to the
physician's acknowledgement, and the ketamine record's open findings: unresolved
discrepancies (target zero) and sessions given ketamine with no draw recorded. The rates
are the domain's (`domain/intervention_measures.py`); the ketamine figures are the
reconciliation's, so the measure and the reconciliation screen give one number.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.domain.adverse_events import Graded, rems_serious_adverse_event
from monitor.domain.csv_cells import fixed
from monitor.domain.intervention_measures import (
    AcknowledgementTimes,
    Rate,
    acknowledgement_times,
    by_grade,
    by_kind,
    highest_grade,
    rates,
)
from monitor.domain.ketamine_reconciliation import OpenDiscrepancy, reconcile
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import KetamineBalance
from monitor.services import reconciliation_reads as reads
from monitor.services.actors import Actor, ensure_allowed


@dataclass(frozen=True)
class InterventionMeasures:
    sessions: int  # opened in the period: the denominator of every rate
    adverse_events: int
    by_kind: tuple[Rate, ...]
    by_grade: tuple[Rate, ...]
    administrations: int
    by_drug: tuple[Rate, ...]
    acknowledgement: AcknowledgementTimes
    open_discrepancies: tuple[OpenDiscrepancy, ...]  # target: none
    given_without_record: int  # target: none


def intervention_measures(
    *, database: Database, config: Config, actor: Actor, start: datetime, end: datetime
) -> InterventionMeasures:
    """The measures of the sessions opened in [start, end) (the period of the page)."""
    ensure_allowed(actor, Action.REVIEW)
    chosen = reads.opened_between(start, end)
    step = config.ketamine.balance_to_ml
    with database.session_scope() as db:
        sessions = reads.session_count(db, chosen)
        events = [e.fact for e in reads.adverse_events(db, chosen)]
        doses = reads.administrations(db, chosen)
        ketamine = reads.ketamine_figures(db, step=step, opened_from=start, opened_before=end)
    done = reconcile(ketamine, zone=config.clinic.zone, step=step)
    picklist = [(k.code, k.label) for k in config.adverse_events.kinds]
    formulary = [(d.code, d.name) for d in config.formulary.drugs]
    return InterventionMeasures(
        sessions=sessions,
        adverse_events=len(events),
        by_kind=by_kind(events, sessions, picklist),
        by_grade=by_grade(events, sessions),
        administrations=len(doses),
        by_drug=rates(((d.drug, d.drug_name) for d in doses), sessions, formulary),
        acknowledgement=acknowledgement_times(
            events, board_flag_from=config.adverse_events.board_flag_from
        ),
        open_discrepancies=done.open,
        given_without_record=done.totals.given_without_record,
    )


EXPORT_COLUMNS = (
    "adverse_events",
    "highest_grade",
    "serious_adverse_event",
    "rescue_medications",
    "ketamine_drawn_ml",
    "ketamine_given_ml",
    "ketamine_wasted_ml",
    "ketamine_balance",
)
Cell = int | str | Decimal


def export_cells(
    db: Session, config: Config, session_ids: Collection[int]
) -> dict[int, tuple[Cell, ...]]:
    """The sessions CSV's columns of what was given and what happened, for a batch of
    sessions (a few statements per batch): events, their highest grade, the REMS
    serious-adverse-event answer, rescue doses, and the ketamine drawn, given, wasted
    (witnessed) and where its balance stands."""
    ids = list(session_ids)
    if not ids:
        return {}
    chosen = InfusionSession.id.in_(ids)
    events = reads.by_session(reads.adverse_events(db, chosen))
    doses = reads.by_session(reads.administrations(db, chosen))
    step = config.ketamine.balance_to_ml
    ketamine = {f.session_id: f for f in reads.ketamine_figures(db, step=step, session_ids=ids)}
    out: dict[int, tuple[Cell, ...]] = {}
    for sid in ids:
        facts = [e.fact for e in events.get(sid, [])]
        worst = highest_grade(f.severity for f in facts)
        serious = rems_serious_adverse_event(
            (Graded(f.severity, f.serious) for f in facts),
            rems_serious_from=config.adverse_events.rems_serious_from,
        )
        figures = ketamine.get(sid)
        balance = figures.balance if figures is not None else None
        recorded = balance is not None and balance.status is not KetamineBalance.NOT_RECORDED
        out[sid] = (
            len(facts),
            "" if worst is None else worst.grade,
            "yes" if serious else "no",
            len(doses.get(sid, [])),
            fixed(balance.drawn_ml, 2) if balance and recorded else "",
            fixed(balance.given_ml, 2) if balance and balance.given_ml is not None else "",
            fixed(balance.wasted_ml, 2) if balance and recorded else "",
            (balance.status if balance else KetamineBalance.NOT_RECORDED).label,
        )
    return out
