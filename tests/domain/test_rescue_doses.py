"""The rescue-dose rules at their edges (docs/clinical.md "Rescue medications"): the usual
range and the session maximum are allowed at their values and refused just past them; a
drug without a standing order needs an order; an order must be matched; a dose outside
the range or past the maximum needs an order with a reason. Amounts compare within
`TOLERANCE`, so 0.1 + 0.1 mg of clonidine is at its 0.2 mg maximum, not past it."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.config.interventions import RescueDrug
from monitor.domain.errors import FieldProblem, InvalidEntry
from monitor.domain.rescue_doses import (
    TOLERANCE,
    Order,
    administration_problems,
    amount,
    beyond_standing_order,
    order_problems,
    parse_dose,
    parse_given_time,
    usual_range,
)
from monitor.domain.vocabulary import MedicationRoute


def drug(code: str, **values: object) -> RescueDrug:
    base: dict[str, object] = {
        "ondansetron": dict(
            name="Ondansetron",
            strength="4 mg/2 mL",
            routes=["iv", "odt"],
            dose_min=4,
            dose_max=4,
            max_per_session=8,
            standing_order=True,
        ),
        "midazolam": dict(
            name="Midazolam",
            strength="1 mg/mL",
            routes=["iv"],
            dose_min=1,
            dose_max=2,
            max_per_session=4,
            standing_order=False,
        ),
        "clonidine": dict(
            name="Clonidine",
            strength="0.1 mg tablet",
            routes=["po"],
            dose_min=0.1,
            dose_max=0.1,
            max_per_session=0.2,
            standing_order=False,
        ),
        "labetalol": dict(
            name="Labetalol",
            strength="5 mg/mL",
            routes=["iv"],
            dose_min=5,
            dose_max=10,
            max_per_session=20,
            standing_order=True,  # a standing order here, for the range
        ),
    }[code]
    return RescueDrug.model_validate({"code": code, "source": "test", **base, **values})


LABETALOL = drug("labetalol")
ONDANSETRON = drug("ondansetron")
MIDAZOLAM = drug("midazolam")
CLONIDINE = drug("clonidine")


def fields(problems: list[FieldProblem]) -> list[str]:
    return [p.field for p in problems]


def give(
    d: RescueDrug, dose: float, route: str = "iv", given: float = 0.0, order: Order | None = None
) -> list[FieldProblem]:
    return administration_problems(d, dose=dose, route=route, given_this_session=given, order=order)


@pytest.mark.parametrize(
    ("dose", "given", "expected"),
    [
        (5, 0, []),  # at the minimum
        (4.99, 0, ["dose"]),  # just below
        (10, 0, []),  # at the maximum of one dose
        (10.01, 0, ["dose"]),  # just above
        (10, 10, []),  # the session's total exactly at its maximum
        (10, 10.01, ["dose"]),  # 0.01 past it
        (5, 15, []),
        (5.01, 15, ["dose"]),
    ],
)
def test_standing_order_range_and_session_maximum(
    dose: float, given: float, expected: list[str]
) -> None:
    assert fields(give(LABETALOL, dose, given=given)) == expected


def test_the_refusal_says_what_is_past_and_who_may_allow_it() -> None:
    (problem,) = give(LABETALOL, 10, given=15)
    assert problem.message == (
        "Refused: it brings this session's labetalol to 25 mg, past the maximum of 20 mg. "
        "Only a physician's order with a reason allows it."
    )
    (problem,) = give(LABETALOL, 12)
    assert "12 mg is outside the usual 5–10 mg" in problem.message


def test_clonidine_twice_is_at_its_maximum_not_past_it() -> None:
    """0.1 + 0.1 ≤ 0.2 exactly as a clinician reads it; in floats, 0.1 * 3 is past 0.3."""
    order = Order(1, "clonidine", 0.1, "po", None)
    assert give(CLONIDINE, 0.1, "po", given=0.1, order=order) == []
    assert beyond_standing_order(CLONIDINE, 0.1, 0.1) == []
    three = drug("clonidine", max_per_session=0.3)
    assert 0.1 + 0.1 + 0.1 > 0.3  # why the tolerance is needed
    assert beyond_standing_order(three, 0.1, 0.1 + 0.1) == []
    assert beyond_standing_order(three, 0.1, 0.2 + 2 * TOLERANCE) != []


@pytest.mark.parametrize("route", ["po", "im", "sl", "intranasal", "", "IV", "x"])
def test_routes_the_formulary_does_not_name_are_refused(route: str) -> None:
    problems = give(ONDANSETRON, 4, route)
    assert fields(problems) == ["route"]
    assert problems[0].message == "Ondansetron is given IV, ODT (dissolves on the tongue) here"


@pytest.mark.parametrize("route", ["iv", "odt"])
def test_standing_order_routes(route: str) -> None:
    assert give(ONDANSETRON, 4, route) == []


@pytest.mark.parametrize("dose", [math.nan, math.inf, -math.inf, 0.0, -4.0, -0.0])
def test_doses_that_are_no_dose(dose: float) -> None:
    assert fields(give(ONDANSETRON, dose)) == ["dose"]
    assert fields(
        order_problems(MIDAZOLAM, dose=dose, route="iv", given_this_session=0, reason="x")
    ) == ["dose"]


def test_without_a_standing_order_the_drug_needs_an_order() -> None:
    (problem,) = give(MIDAZOLAM, 1)
    assert problem.field == "drug"
    assert problem.message == "Midazolam needs a physician's order, signed with their password"


def test_with_a_matching_order_it_is_given() -> None:
    assert give(MIDAZOLAM, 2, order=Order(7, "midazolam", 2.0, "iv", None)) == []


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (Order(7, "midazolam", 1.0, "iv", None), ["dose"]),
        (Order(7, "midazolam", 2.0, "im", None), ["route"]),
        (Order(7, "midazolam", 1.0, "im", None), ["dose", "route"]),
        (Order(7, "labetalol", 2.0, "iv", None), ["drug"]),
    ],
)
def test_a_dose_unlike_its_order_is_refused(order: Order, expected: list[str]) -> None:
    problems = give(MIDAZOLAM, 2, order=order)
    assert fields(problems) == expected


def test_the_order_mismatch_says_what_was_ordered() -> None:
    (problem,) = give(MIDAZOLAM, 2, order=Order(7, "midazolam", 1.0, "iv", None))
    assert problem.message == "The physician's order is for 1 mg IV"


@pytest.mark.parametrize(
    ("dose", "given", "reason", "expected"),
    [
        (2, 0, None, []),  # within the range: no reason needed
        (1, 3, None, []),  # the session's total at 4 mg, its maximum
        (1, 3.01, None, ["reason"]),  # 0.01 past it
        (2.5, 0, None, ["reason"]),  # outside the range
        (0.5, 0, "  ", ["reason"]),  # blank is no reason
        (2.5, 0, "Severe emergence reaction", []),
        (2, 3, "Persisting agitation", []),
    ],
)
def test_an_order_outside_the_range_or_past_the_maximum_needs_a_reason(
    dose: float, given: float, reason: str | None, expected: list[str]
) -> None:
    problems = order_problems(
        MIDAZOLAM, dose=dose, route="iv", given_this_session=given, reason=reason
    )
    assert fields(problems) == expected


def test_the_reason_asked_for_says_why() -> None:
    (problem,) = order_problems(MIDAZOLAM, dose=2.5, route="iv", given_this_session=3, reason=None)
    assert problem.message == (
        "Give a reason: 2.5 mg is outside the usual 1–2 mg; it brings this session's "
        "midazolam to 5.5 mg, past the maximum of 4 mg."
    )


def test_an_order_with_a_reason_allows_what_the_standing_order_does_not() -> None:
    order = Order(3, "midazolam", 2.5, "iv", "Severe emergence reaction")
    assert give(MIDAZOLAM, 2.5, given=3, order=order) == []


def test_an_order_without_a_reason_does_not_cover_doses_given_since() -> None:
    """Ordered at 2 mg when none was given; 3 mg given since: 5 mg is past the 4 mg."""
    problems = give(MIDAZOLAM, 2, given=3, order=Order(3, "midazolam", 2.0, "iv", None))
    assert fields(problems) == ["dose"]
    assert "ask for a new order with a reason" in problems[0].message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("4", 4.0), (" 0.1 ", 0.1), ("2,5", 2.5), (4, 4.0), (0.1, 0.1), ("0.0001", 0.0001)],
)
def test_doses_as_typed(typed: object, expected: float) -> None:
    assert parse_dose(typed, ONDANSETRON) == expected


EMPTY = "Enter the dose in mg"
NOT_PLAIN = "Type the dose in mg as a plain number, like 4 or 0.5 (no sign, exponent or unit)"
ABOVE_ZERO = "The dose must be above 0 mg"
DIGITS = "At most 6 digits before the decimal point: check the dose in mg"
DECIMALS = "At most 4 decimals for a dose in mg: check the decimal point"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", EMPTY),
        (" ", EMPTY),
        (None, EMPTY),
        ("nan", NOT_PLAIN),
        ("NaN", NOT_PLAIN),
        ("inf", NOT_PLAIN),
        ("-inf", NOT_PLAIN),
        ("1e308", NOT_PLAIN),
        ("1e9", NOT_PLAIN),
        ("1e-300", NOT_PLAIN),
        ("+4", NOT_PLAIN),
        ("4 mg", NOT_PLAIN),
        ("\uff14", NOT_PLAIN),  # a full-width 4
        ("2,5,1", NOT_PLAIN),
        (".5", NOT_PLAIN),
        ("4.", NOT_PLAIN),
        (True, NOT_PLAIN),
        (False, NOT_PLAIN),
        ([4], NOT_PLAIN),
        ({"a": 1}, NOT_PLAIN),
        (math.nan, NOT_PLAIN),
        (math.inf, NOT_PLAIN),
        ("0", ABOVE_ZERO),
        ("0.0", ABOVE_ZERO),
        ("0.0000", ABOVE_ZERO),
        ("-4", ABOVE_ZERO),
        ("- 4", ABOVE_ZERO),
        ("-0.5", ABOVE_ZERO),
        (-1.0, ABOVE_ZERO),
        (0, ABOVE_ZERO),
        ("1234567", DIGITS),
        ("99999999", DIGITS),
        (99999999, DIGITS),
        ("4.00001", DECIMALS),
        ("0.00001", DECIMALS),
        ("2,12345", DECIMALS),
    ],
)
def test_each_refused_dose_says_why_at_the_field(typed: object, message: str) -> None:
    with pytest.raises(InvalidEntry) as refused:
        parse_dose(typed, ONDANSETRON)
    assert fields(refused.value.problems) == ["dose"]
    assert refused.value.problems[0].message == message


@pytest.mark.parametrize(
    ("typed", "expected"), [("999999", 999999.0), ("999999.9999", 999999.9999)]
)
def test_the_largest_dose_the_field_reads(typed: str, expected: float) -> None:
    """Six digits and four decimals: the edge of what is read (any dose that large is then
    refused by the formulary's range, not here)."""
    assert parse_dose(typed, ONDANSETRON) == expected


ZONE = ZoneInfo("America/Denver")
NOW = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)  # 10:30 in Denver


def test_a_time_given_is_read_in_the_clinics_zone() -> None:
    at = parse_given_time("10:05", now=NOW, zone=ZONE)
    assert at == datetime(2026, 11, 20, 17, 5, tzinfo=UTC)


def test_a_time_typed_just_after_midnight_may_be_last_nights() -> None:
    after_midnight = datetime(2026, 11, 21, 7, 5, tzinfo=UTC)  # 00:05 in Denver
    at = parse_given_time("23:50", now=after_midnight, zone=ZONE)
    assert at == datetime(2026, 11, 21, 6, 50, tzinfo=UTC)  # 23:50 on the 20th, Denver


@pytest.mark.parametrize("typed", ["", "25:00", "10:5x", "10:05+02:00", None, 1005, "x" * 50])
def test_times_refused_at_the_field(typed: object) -> None:
    with pytest.raises(InvalidEntry) as refused:
        parse_given_time(typed, now=NOW, zone=ZONE)
    assert fields(refused.value.problems) == ["given_at"]


def test_words() -> None:
    assert amount(0.1, "mg") == "0.1 mg"
    assert amount(0.1 + 0.2, "mg") == "0.3 mg"
    assert usual_range(ONDANSETRON) == "4 mg"
    assert usual_range(MIDAZOLAM) == "1–2 mg"
    assert MedicationRoute("odt").label
