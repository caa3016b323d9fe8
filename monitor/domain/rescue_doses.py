"""Whether a rescue-medication dose may be given: the formulary's routes, its usual dose
range and its session maximum, and the physician's order that a dose outside them (or a
drug with no standing order) needs (docs/clinical.md "Rescue medications")."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monitor.config.interventions import RescueDrug
from monitor.domain.errors import FieldProblem
from monitor.domain.vocabulary import MedicationRoute


@dataclass(frozen=True)
class Order:
    """A physician's signed order for one dose."""

    order_id: int
    drug: str
    dose: float
    route: str
    reason: str | None


def amount(value: float, unit: str) -> str:
    """A dose in the words of a label: 4 mg, 0.1 mg, 2.5 mg."""
    return f"{value:g} {unit}"


def usual_range(drug: RescueDrug) -> str:
    if drug.dose_min == drug.dose_max:
        return amount(drug.dose_min, drug.unit)
    return f"{drug.dose_min:g}–{amount(drug.dose_max, drug.unit)}"


def beyond_standing_order(drug: RescueDrug, dose: float, given_this_session: float) -> list[str]:
    """Why this dose is past what the formulary allows without an order with a reason:
    outside the usual range, or bringing the session's total past its maximum."""
    why = []
    if not drug.dose_min <= dose <= drug.dose_max:
        why.append(f"{amount(dose, drug.unit)} is outside the usual {usual_range(drug)}")
    total = given_this_session + dose
    if total > drug.max_per_session + 1e-9:
        why.append(
            f"it brings this session's {drug.name.lower()} to {amount(total, drug.unit)}, "
            f"past the maximum of {amount(drug.max_per_session, drug.unit)}"
        )
    return why


def _basic(drug: RescueDrug, dose: float, route: str) -> list[FieldProblem]:
    problems = []
    if not (math.isfinite(dose) and dose > 0):
        problems.append(FieldProblem("dose", f"Enter the dose in {drug.unit}, above zero"))
    if route not in {r.value for r in drug.routes}:
        allowed = ", ".join(MedicationRoute(r).label for r in drug.routes)
        problems.append(FieldProblem("route", f"{drug.name} is given {allowed} here"))
    return problems


def order_problems(
    drug: RescueDrug, *, dose: float, route: str, given_this_session: float, reason: str | None
) -> list[FieldProblem]:
    """What stops a physician's order: a bad dose or route, or no reason where the dose is
    outside the range or past the session maximum."""
    problems = _basic(drug, dose, route)
    if problems:
        return problems
    why = beyond_standing_order(drug, dose, given_this_session)
    if why and not (reason or "").strip():
        problems.append(FieldProblem("reason", "Give a reason: " + "; ".join(why) + "."))
    return problems


def administration_problems(
    drug: RescueDrug,
    *,
    dose: float,
    route: str,
    given_this_session: float,
    order: Order | None,
) -> list[FieldProblem]:
    """What stops a dose being given. With an order, the dose must be the order's (drug,
    dose and route); without one, the drug needs a standing order and the dose must be
    within the usual range and the session maximum."""
    problems = _basic(drug, dose, route)
    if problems:
        return problems
    if order is not None:
        if order.drug != drug.code or not math.isclose(order.dose, dose) or order.route != route:
            ordered = f"{amount(order.dose, drug.unit)} {MedicationRoute(order.route).label}"
            return [FieldProblem("dose", f"The physician's order is for {ordered}")]
        return []
    if not drug.standing_order:
        return [
            FieldProblem(
                "drug", f"{drug.name} needs a physician's order, signed with their password"
            )
        ]
    why = beyond_standing_order(drug, dose, given_this_session)
    if why:
        return [
            FieldProblem(
                "dose",
                "Refused: " + "; ".join(why) + ". Only a physician's order with a reason "
                "allows it.",
            )
        ]
    return []
