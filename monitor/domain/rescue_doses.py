"""Whether a rescue-medication dose may be given: the formulary's routes, its usual dose
range and its session maximum, and the physician's order that a dose outside them (or a
drug with no standing order) needs (docs/clinical.md "Rescue medications").

Doses are decimal numbers held in binary floats: 0.1 + 0.1 + 0.1 is 0.30000000000000004,
not 0.3. Every comparison of amounts here allows `TOLERANCE` (a millionth of the drug's
unit, far below any dose a syringe or a tablet measures), so three 0.1 mg doses are at a
0.3 mg maximum, not past it; no comparison is made without it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.config.interventions import RescueDrug
from monitor.domain.entered_time import parse_clock_time
from monitor.domain.errors import FieldProblem, refuse
from monitor.domain.vocabulary import MedicationRoute

# Two amounts closer than this (in the drug's unit) are the same amount (see above).
TOLERANCE = 1e-6
# What the dose field accepts: a plain decimal ("4", "0.1", "2,5"), never an exponent, a
# sign or a number no float holds; four decimals is finer than any rescue dose is measured.
DOSE_DIGITS = 6
DOSE_DECIMALS = 4
DOSE_TEXT = re.compile(rf"[0-9]{{1,{DOSE_DIGITS}}}(\.[0-9]{{1,{DOSE_DECIMALS}}})?")
# A decimal of any length, read only to say which of the limits above it passes.
DECIMAL = re.compile(r"(-\s*)?([0-9]+)(?:\.([0-9]+))?")


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
    return f"{round(value, 6):g} {unit}"


def usual_range(drug: RescueDrug) -> str:
    if same_amount(drug.dose_min, drug.dose_max):
        return amount(drug.dose_min, drug.unit)
    return f"{round(drug.dose_min, 6):g}–{amount(drug.dose_max, drug.unit)}"


def same_amount(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def at_most(a: float, b: float) -> bool:
    """a ≤ b, within the tolerance."""
    return a <= b + TOLERANCE


def parse_dose(value: object, drug: RescueDrug) -> float:
    """The dose as typed ("4", "0.1", "2,5") in the drug's unit, or InvalidEntry at "dose"
    saying why: empty; not a plain decimal (an exponent, a sign, a unit, not a number);
    zero or negative; more digits before the point or more decimals than the field reads
    (a slipped decimal point, most likely)."""
    unit = drug.unit
    if value is None or (isinstance(value, str) and not value.strip()):
        raise refuse("dose", f"Enter the dose in {unit}")
    plain = f"Type the dose in {unit} as a plain number, like 4 or 0.5 (no sign, exponent or unit)"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise refuse("dose", plain)
    raw = str(value).strip().replace(",", ".")
    if DOSE_TEXT.fullmatch(raw) and float(raw) > 0:
        return float(raw)
    decimal = DECIMAL.fullmatch(raw)
    if decimal is None:
        raise refuse("dose", plain)
    negative, whole, decimals = decimal.groups()
    if negative or not any(c in "123456789" for c in whole + (decimals or "")):
        raise refuse("dose", f"The dose must be above 0 {unit}")
    if len(whole) > DOSE_DIGITS:
        raise refuse(
            "dose",
            f"At most {DOSE_DIGITS} digits before the decimal point: check the dose in {unit}",
        )
    raise refuse(
        "dose", f"At most {DOSE_DECIMALS} decimals for a dose in {unit}: check the decimal point"
    )


def parse_given_time(value: object, *, now: datetime, zone: ZoneInfo) -> datetime:
    """When a dose was given, as the nurse types it: "HH:MM" at the clinic, the moment
    nearest to now (so 23:50 typed just after midnight is last night's), as every bedside
    card reads a typed time (`entered_time.parse_clock_time`); or an aware datetime, from
    code. Required. The caller checks it against now and the session's opening."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise refuse("given_at", "The time given has no time zone")
        return value
    wanted = "Enter the time given as HH:MM (24-hour clock)"
    if not isinstance(value, str) or len(value.strip()) > 8:
        raise refuse("given_at", wanted)
    when = parse_clock_time(value.strip(), "given_at", "Time given", now=now, zone=zone)
    if when is None:
        raise refuse("given_at", wanted)
    return when


def beyond_standing_order(drug: RescueDrug, dose: float, given_this_session: float) -> list[str]:
    """Why this dose is past what the formulary allows without an order with a reason:
    outside the usual range, or bringing the session's total past its maximum (both
    within `TOLERANCE`: the maximum itself is allowed)."""
    why = []
    if not (at_most(drug.dose_min, dose) and at_most(dose, drug.dose_max)):
        why.append(f"{amount(dose, drug.unit)} is outside the usual {usual_range(drug)}")
    total = given_this_session + dose
    if not at_most(total, drug.max_per_session):
        why.append(
            f"it brings this session's {drug.name.lower()} to {amount(total, drug.unit)}, "
            f"past the maximum of {amount(drug.max_per_session, drug.unit)}"
        )
    return why


def _basic(drug: RescueDrug, dose: float, route: str) -> list[FieldProblem]:
    problems = []
    if isinstance(dose, bool) or not (math.isfinite(dose) and dose > 0):
        problems.append(FieldProblem("dose", f"Enter the dose in {drug.unit}, above zero"))
    if route not in {r.value for r in drug.routes}:
        allowed = ", ".join(MedicationRoute(r).label for r in drug.routes)
        problems.append(FieldProblem("route", f"{drug.name} is given {allowed} here"))
    return problems


def order_problems(
    drug: RescueDrug, *, dose: float, route: str, given_this_session: float, reason: str | None
) -> list[FieldProblem]:
    """What stops a physician's order: a bad dose or route, or no reason where the dose is
    outside the range or past the session maximum (counting what was given already)."""
    problems = _basic(drug, dose, route)
    if problems:
        return problems
    why = beyond_standing_order(drug, dose, given_this_session)
    if why and not (reason or "").strip():
        problems.append(FieldProblem("reason", "Give a reason: " + "; ".join(why) + "."))
    return problems


def _order_mismatch(drug: RescueDrug, dose: float, route: str, order: Order) -> list[FieldProblem]:
    if order.route in {r.value for r in MedicationRoute}:
        ordered = f"{amount(order.dose, drug.unit)} {MedicationRoute(order.route).label}"
    else:
        ordered = f"{amount(order.dose, drug.unit)} {order.route}"
    if order.drug != drug.code:
        return [FieldProblem("drug", f"The physician's order is for {order.drug}, not {drug.name}")]
    problems = []
    if not same_amount(order.dose, dose):
        problems.append(FieldProblem("dose", f"The physician's order is for {ordered}"))
    if order.route != route:
        problems.append(FieldProblem("route", f"The physician's order is for {ordered}"))
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
    dose and route); an order without a reason covers only a dose within the range and the
    session maximum as it stands now (doses given since it was signed count). Without an
    order, the drug needs a standing order and the dose must be within the usual range and
    the session maximum."""
    problems = _basic(drug, dose, route)
    if problems:
        return problems
    why = beyond_standing_order(drug, dose, given_this_session)
    if order is not None:
        problems = _order_mismatch(drug, dose, route, order)
        if problems:
            return problems
        if why and not (order.reason or "").strip():
            return [
                FieldProblem(
                    "dose",
                    "Refused: " + "; ".join(why) + ". The physician's order gave no reason "
                    "for that: ask for a new order with a reason.",
                )
            ]
        return []
    if not drug.standing_order:
        return [
            FieldProblem(
                "drug", f"{drug.name} needs a physician's order, signed with their password"
            )
        ]
    if why:
        return [
            FieldProblem(
                "dose",
                "Refused: " + "; ".join(why) + ". Only a physician's order with a reason "
                "allows it.",
            )
        ]
    return []
