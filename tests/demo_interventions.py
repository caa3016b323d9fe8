"""What the demo must show of what was given and what happened (issue 13), checked on what
`monitor seed-demo` stored: a grade-1 nausea treated with ondansetron on the standing order
and resolved; a hypertensive excursion treated with labetalol under a physician's order,
the symptomatic-hypertension event linked to it; every session that gave ketamine with a
draw of an unexpired lot, balanced (one vial's rest wasted and witnessed); exactly one open
discrepancy. Each invariant returns how many facts it checked and what it found wrong, as
tests/test_demo.py's do (it runs these too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import (
    AdverseEvent,
    AdverseEventOutcomeEntry,
    MedicationAdministration,
    MedicationOrder,
)
from monitor.db.models import Excursion, InfusionSession, User
from monitor.db.queries.ketamine import SessionKetamine, ketamine_rows
from monitor.domain.vocabulary import KetamineBalance
from tests.demo_courses import Verdict


@dataclass
class GivenRecord:
    config: Config
    after: datetime
    sessions: dict[int, InfusionSession]
    events: list[AdverseEvent] = field(default_factory=list)
    outcomes: dict[int, AdverseEventOutcomeEntry] = field(default_factory=dict)  # latest
    given: list[MedicationAdministration] = field(default_factory=list)
    orders: dict[int, MedicationOrder] = field(default_factory=dict)
    excursions: dict[int, Excursion] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    ketamine: list[SessionKetamine] = field(default_factory=list)

    def given_for(self, event: AdverseEvent) -> list[MedicationAdministration]:
        return [g for g in self.given if g.adverse_event_id == event.id]

    def balances(self) -> dict[int, KetamineBalance]:
        step = self.config.ketamine.balance_to_ml
        return {k.session_id: k.balance(step).status for k in self.ketamine}


def load_given(database: Database, config: Config, after: datetime) -> GivenRecord:
    with database.session_scope() as db:
        sessions = {s.id: s for s in db.scalars(select(InfusionSession))}
        record = GivenRecord(config, after, sessions)
        record.events = list(db.scalars(select(AdverseEvent).order_by(AdverseEvent.id)))
        for outcome in db.scalars(
            select(AdverseEventOutcomeEntry).order_by(AdverseEventOutcomeEntry.id)
        ):
            record.outcomes[outcome.adverse_event_id] = outcome
        record.given = list(db.scalars(select(MedicationAdministration)))
        record.orders = {o.id: o for o in db.scalars(select(MedicationOrder))}
        record.excursions = {e.id: e for e in db.scalars(select(Excursion))}
        record.roles = {u.id: u.role for u in db.scalars(select(User))}
        record.ketamine = ketamine_rows(db)
        db.expunge_all()
    return record


GivenInvariant = Callable[[GivenRecord], Verdict]


def nausea_treated_with_ondansetron_and_resolved(record: GivenRecord) -> Verdict:
    v = Verdict()
    nausea = [e for e in record.events if e.kind == "nausea"]
    v.expect(len(nausea) == 1, f"{len(nausea)} nausea events")
    for event in nausea:
        v.expect((event.severity, event.serious) == ("mild", False), f"nausea {event.severity}")
        doses = record.given_for(event)
        v.expect(len(doses) == 1, f"{len(doses)} doses for the nausea")
        for dose in doses:
            v.expect(
                (dose.drug, dose.dose, dose.unit, dose.route) == ("ondansetron", 4, "mg", "iv"),
                f"nausea treated with {dose.drug} {dose.dose} {dose.route}",
            )
            v.expect(dose.order_id is None, "ondansetron needed no order (standing order)")
            v.expect(event.onset_at <= dose.given_at, "ondansetron before the nausea")
        outcome = record.outcomes.get(event.id)
        v.expect(
            outcome is not None
            and outcome.outcome == "resolved"
            and outcome.resolved_at is not None,
            f"nausea outcome {outcome and outcome.outcome}",
        )
    return v


def hypertension_treated_with_labetalol_on_an_order(record: GivenRecord) -> Verdict:
    v = Verdict()
    events = [e for e in record.events if e.kind == "symptomatic_hypertension"]
    v.expect(len(events) == 1, f"{len(events)} symptomatic-hypertension events")
    for event in events:
        excursion = record.excursions.get(event.excursion_id or 0)
        v.expect(
            excursion is not None
            and excursion.session_id == event.session_id
            and excursion.priority == "high",
            f"event {event.id} linked to excursion {event.excursion_id}",
        )
        doses = record.given_for(event)
        v.expect(len(doses) == 1, f"{len(doses)} doses for the hypertension")
        for dose in doses:
            v.expect(
                (dose.drug, dose.dose, dose.route) == ("labetalol", 10, "iv"),
                f"hypertension treated with {dose.drug} {dose.dose} {dose.route}",
            )
            v.expect(dose.excursion_id == event.excursion_id, "dose not for the excursion")
            order = record.orders.get(dose.order_id or 0)
            v.expect(order is not None, "labetalol given without an order")
            if order is not None:
                v.expect(record.roles[order.ordered_by] == "physician", "order not a physician's")
                v.expect(order.ordered_at <= dose.given_at, "given before it was ordered")
                v.expect((order.drug, order.dose) == ("labetalol", 10), "order differs")
        outcome = record.outcomes.get(event.id)
        v.expect(outcome is not None and outcome.outcome == "resolved", "hypertension open")
    return v


def ketamine_drawn_for_every_dose_and_balanced(record: GivenRecord) -> Verdict:
    """Every session that gave ketamine drew it from an unexpired lot; every stopped one
    balances but the one discrepancy; exactly one waste, witnessed by another person."""
    v = Verdict()
    balances = record.balances()
    today = record.after.date()
    for k in record.ketamine:
        if k.infusion_started_at is None:
            continue
        v.expect(k.draws != (), f"session {k.session_id} gave ketamine with nothing drawn")
        for d in k.draws:
            v.expect(d.expiry > today, f"session {k.session_id}: lot {d.lot} expires {d.expiry}")
            v.expect(d.drawn_at <= k.infusion_started_at, f"session {k.session_id}: drawn late")
        expected = (
            {KetamineBalance.BALANCED, KetamineBalance.DISCREPANCY}
            if k.infusion_stopped_at
            else {KetamineBalance.PENDING}
        )
        v.expect(balances[k.session_id] in expected, f"{k.session_id}: {balances[k.session_id]}")
    wastes = [w for k in record.ketamine for w in k.wastes]
    v.expect(len(wastes) == 1, f"{len(wastes)} wastes")
    for w in wastes:
        v.expect(w.witnessed and w.witness_id != w.entered_by, f"waste {w.id} not witnessed")
        v.expect(balances[w.session_id] is KetamineBalance.BALANCED, "the wasted vial unbalanced")
    return v


def one_open_discrepancy(record: GivenRecord) -> Verdict:
    v = Verdict()
    open_ = [s for s, b in record.balances().items() if b is KetamineBalance.DISCREPANCY]
    v.expect(len(open_) == 1, f"open discrepancies in sessions {open_}")
    for sid in open_:
        (k,) = [k for k in record.ketamine if k.session_id == sid]
        v.expect(k.wastes == () and k.draws != (), f"session {sid}: not a waste never recorded")
        v.expect(record.sessions[sid].state == "discharged", f"session {sid} not discharged")
    return v


GIVEN_INVARIANTS: list[GivenInvariant] = [
    nausea_treated_with_ondansetron_and_resolved,
    hypertension_treated_with_labetalol_on_an_order,
    ketamine_drawn_for_every_dose_and_balanced,
    one_open_discrepancy,
]
