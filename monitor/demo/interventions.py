"""What was given and what happened in the demo sessions (issue 13), through the real
services: the ketamine drawn for every session that gives it (balanced by the volume the
pump gives, one vial's rest wasted and witnessed, one waste never recorded: the open
discrepancy), a nausea treated with ondansetron on the standing order and resolved, and a
hypertensive excursion treated with labetalol under the physician's order, the
symptomatic-hypertension event linked to it.

The volume drawn is what the pump will have given when the planned dose has run: the
domain's delivered dose at the planned stop, counted in mL of the product, checked with
the domain's balance so the demo's sessions balance to the clinic's step."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from sqlalchemy import select

from monitor.db.models import Excursion, InfusionSession
from monitor.domain.delivered_dose import START, STOP, PumpEvent, delivered_dose
from monitor.domain.ketamine_balance import Draw, Waste, session_balance
from monitor.domain.vocabulary import (
    AdverseEventOutcome,
    KetamineBalance,
    MedicationRoute,
    Priority,
    Severity,
)
from monitor.services.adverse_events import record_adverse_event, record_outcome
from monitor.services.ketamine import record_draw, record_waste, witness_waste
from monitor.services.medications import give_medication, order_medication

if TYPE_CHECKING:
    from monitor.demo.session import SessionSteps

PRODUCT = "ketamine_10"  # 10 mg/mL, 20 mL vials: the demo clinic's stock
# Lots: (name, days the lot has left at the demo's "now"), the older lot for sessions a
# week or more ago. Every expiry is in the future, so no draw is of an expired lot.
OLD_LOT, NEW_LOT = ("KT-2409-117", 150), ("KT-2503-042", 400)
NAUSEA_ACTION = "Ondansetron 4 mg IV on the standing order; sips of water, head of bed up"
NAUSEA_RESOLVED = "Settled; tolerating water"
HYPERTENSION_ACTION = "Infusion continued; physician called; labetalol 10 mg IV as ordered"
HYPERTENSION_RESOLVED = "BP back under 160/100 within half an hour; no headache"


class Ketamine(Enum):
    """What becomes of a session's draw."""

    BALANCED = "balanced"  # drawn exactly what the pump gives
    WASTED = "wasted"  # a whole vial's worth drawn, the rest wasted and witnessed
    NOT_WASTED = "not_wasted"  # the same draw, its waste never recorded: a discrepancy


def lot_for(steps: SessionSteps, now: datetime) -> tuple[str, date]:
    name, days = OLD_LOT if now - steps.start > timedelta(days=7) else NEW_LOT
    return name, (now + timedelta(days=days)).date()


def given_ml(steps: SessionSteps, stop: datetime) -> float:
    """mL of the product the pump will have given at the planned stop (the pump's own
    figure: its delivered mg to 0.01, at the product's concentration)."""
    with steps.database.session_scope() as db:
        row = db.get_one(InfusionSession, steps.session_id)
        rate, concentration = row.rate_ml_per_h, row.concentration_mg_per_ml
    events = [PumpEvent(START, steps.start, rate), PumpEvent(STOP, stop, rate)]
    dose = delivered_dose(events, concentration_mg_per_ml=concentration, now=stop)
    product = steps.config.ketamine.product(PRODUCT).concentration_mg_per_ml
    return round(dose.mg, 2) / product


def balanced(steps: SessionSteps, drawn: float, given: float, wasted: float) -> bool:
    product = steps.config.ketamine.product(PRODUCT).concentration_mg_per_ml
    draw = Draw(1, "lot", product, drawn, steps.start)
    wastes = [Waste(1, wasted)] if wasted else []
    step = steps.config.ketamine.balance_to_ml
    status = session_balance([draw], wastes, given_mg=given * product, step=step).status
    return status is KetamineBalance.BALANCED


def volumes(steps: SessionSteps, story: Ketamine, given: float) -> tuple[float, float]:
    """(drawn, wasted) in mL to the clinic's step: balanced, or a whole mL or more over
    what is given (the rest wasted, or for NOT_WASTED left unrecorded)."""
    step = steps.config.ketamine.balance_to_ml
    if story is Ketamine.BALANCED:
        near = round(given, 2)
        drawn = next(
            (v for v in (near, near - step, near + step) if balanced(steps, round(v, 2), given, 0)),
            near,
        )
        return round(drawn, 2), 0.0
    drawn = float(math.ceil(given + 0.5))
    near = round(drawn - given, 2)
    wasted = next(
        (w for w in (near, near - step, near + step) if balanced(steps, drawn, given, round(w, 2))),
        near,
    )
    return drawn, round(wasted, 2)


def plan_ketamine(steps: SessionSteps, story: Ketamine, drawn_at: datetime, stop: datetime) -> None:
    """The draw before the start; for WASTED the nurse wastes the rest after the stop and
    the physician witnesses it on the same tablet a minute later."""
    at = steps.timeline.at
    draw_ids: list[int] = []

    def draw() -> None:
        given = given_ml(steps, stop)
        drawn, wasted = volumes(steps, story, given)
        lot, expiry = lot_for(steps, steps.timeline.now)
        draw_ids.append(
            record_draw(
                **steps.by(steps.nurse),
                product=PRODUCT,
                lot=lot,
                expiry=expiry,
                volume_ml=drawn,
                drawn_at=drawn_at,
                idempotency_key=f"{steps.tag}-ket-draw",
                now=drawn_at,
            ).draw_id
        )
        if story is Ketamine.WASTED:
            wasted_at, seen = stop + timedelta(minutes=3), stop + timedelta(minutes=4)
            at(wasted_at, lambda: waste(wasted, wasted_at))
            at(seen, lambda: witness(seen))

    waste_ids: list[int] = []

    def waste(volume: float, when: datetime) -> None:
        waste_ids.append(
            record_waste(
                **steps.by(steps.nurse),
                draw_id=draw_ids[0],
                volume_ml=volume,
                wasted_at=when,
                idempotency_key=f"{steps.tag}-ket-waste",
                now=when,
            ).waste_id
        )

    def witness(when: datetime) -> None:
        witness_waste(
            database=steps.database,
            config=steps.config,
            actor=steps.physician,
            waste_id=waste_ids[0],
            password=steps.password,
            submission_key=f"{steps.tag}-ket-witness",
            now=when,
        )

    at(drawn_at, draw)


def plan_nausea(steps: SessionSteps, onset: datetime, resolved: datetime) -> None:
    """Grade 1 nausea, ondansetron 4 mg IV on the standing order two minutes later, and
    the event resolved; its outcome entered five minutes after it settled."""
    at = steps.timeline.at
    event_ids: list[int] = []
    entered, given, closed = (
        onset + timedelta(minutes=1),
        onset + timedelta(minutes=2),
        resolved + timedelta(minutes=5),
    )

    def event() -> None:
        event_ids.append(
            record_adverse_event(
                **steps.by(steps.nurse),
                kind="nausea",
                severity=Severity.MILD,
                serious=False,
                onset_at=onset,
                action_taken=NAUSEA_ACTION,
                note=None,
                excursion_id=None,
                idempotency_key=f"{steps.tag}-ae-nausea",
                now=entered,
            ).adverse_event_id
        )

    def give() -> None:
        give_medication(
            **steps.by(steps.nurse),
            drug="ondansetron",
            dose=4,
            route=MedicationRoute.IV.value,
            given_at=given,
            adverse_event_id=event_ids[0],
            excursion_id=None,
            order_id=None,
            idempotency_key=f"{steps.tag}-med-ondansetron",
            now=given,
        )

    def outcome() -> None:
        record_outcome(
            database=steps.database,
            config=steps.config,
            actor=steps.nurse,
            adverse_event_id=event_ids[0],
            outcome=AdverseEventOutcome.RESOLVED,
            resolved_at=resolved,
            note=NAUSEA_RESOLVED,
            idempotency_key=f"{steps.tag}-ae-nausea-resolved",
            now=closed,
        )

    at(entered, event)
    at(given, give)
    at(closed, outcome)


def treat_hypertension(steps: SessionSteps, reading_id: int, taken: datetime) -> None:
    """The first high blood-pressure excursion of the session: the nurse records
    symptomatic hypertension linked to it, the physician orders labetalol 10 mg IV (signed
    with the password), the nurse gives it under that order, and it resolves."""
    with steps.database.session_scope() as db:
        excursion = db.scalars(
            select(Excursion.id)
            .where(Excursion.reading_id == reading_id, Excursion.priority == Priority.HIGH.value)
            .order_by(Excursion.id)
        ).first()
    if excursion is None:
        return
    steps.hypertension_treated = True
    at = steps.timeline.at
    ids: dict[str, int] = {}
    entered, ordered, given = (taken + timedelta(minutes=m) for m in (1, 2, 3))
    resolved, closed = taken + timedelta(minutes=30), taken + timedelta(minutes=35)

    def event() -> None:
        ids["event"] = record_adverse_event(
            **steps.by(steps.nurse),
            kind="symptomatic_hypertension",
            severity=Severity.MODERATE,
            serious=False,
            onset_at=taken,
            action_taken=HYPERTENSION_ACTION,
            note="Headache with the rise",
            excursion_id=excursion,
            idempotency_key=f"{steps.tag}-ae-hypertension",
            now=entered,
        ).adverse_event_id

    def order() -> None:
        ids["order"] = order_medication(
            **steps.by(steps.physician),
            drug="labetalol",
            dose=10,
            route=MedicationRoute.IV.value,
            reason=None,
            password=steps.password,
            idempotency_key=f"{steps.tag}-medorder-labetalol",
            now=ordered,
        ).order_id

    def give() -> None:
        give_medication(
            **steps.by(steps.nurse),
            drug="labetalol",
            dose=10,
            route=MedicationRoute.IV.value,
            given_at=given,
            adverse_event_id=ids["event"],
            excursion_id=excursion,
            order_id=ids["order"],
            idempotency_key=f"{steps.tag}-med-labetalol",
            now=given,
        )

    def outcome() -> None:
        record_outcome(
            database=steps.database,
            config=steps.config,
            actor=steps.nurse,
            adverse_event_id=ids["event"],
            outcome=AdverseEventOutcome.RESOLVED,
            resolved_at=resolved,
            note=HYPERTENSION_RESOLVED,
            idempotency_key=f"{steps.tag}-ae-hypertension-resolved",
            now=closed,
        )

    at(entered, event)
    at(ordered, order)
    at(given, give)
    at(closed, outcome)
