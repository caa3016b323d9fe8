"""Entry validation of vital signs and body weight: plausibility limits refuse typos."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Config, Plausibility, load_config
from monitor.domain.errors import InvalidEntry
from monitor.domain.vitals import (
    VitalSigns,
    check_plausible,
    parse_reading_value,
    parse_vitals,
    parse_weight,
    plausibility_problems,
)

CONFIG = load_config(environ={})

NEUTRAL = {
    "systolic": "120",
    "diastolic": "80",
    "heart_rate": "72",
    "spo2": "98",
    "resp_rate": "14",
    "temperature": "36.8",
    "moaas": "5",
}
WHOLE_FIELDS = ("systolic", "diastolic", "heart_rate", "spo2", "resp_rate")
RANGED_FIELDS = (*WHOLE_FIELDS, "temperature")


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(environ={})


@pytest.fixture(scope="module")
def limits(config: Config) -> Plausibility:
    return config.plausibility


def entry(**changes: str | int | float | None) -> dict[str, str | int | float | None]:
    return {**NEUTRAL, **changes}


def fields_of(excinfo: pytest.ExceptionInfo[InvalidEntry]) -> list[str]:
    return [problem.field for problem in excinfo.value.problems]


def test_defaults_match_clinical_md(limits: Plausibility) -> None:
    """docs/clinical.md's plausible ranges; a changed default must be noticed here."""
    expected = {
        "systolic": (50, 300),
        "diastolic": (20, 200),
        "heart_rate": (20, 250),
        "spo2": (50, 100),
        "resp_rate": (4, 60),
        "temperature": (30, 43),
        "weight": (30, 300),
    }
    actual = {
        name: (limits.for_measure(name).min, limits.for_measure(name).max) for name in expected
    }
    assert actual == expected


# --- every limit: at, just inside, just outside ------------------------------------------

# (bound, step from the bound, accepted); steps are in whole units, or 0.1 for temperature.
BOUNDARY_CASES = [
    ("min", 0, True),
    ("min", +1, True),
    ("min", -1, False),
    ("max", 0, True),
    ("max", -1, True),
    ("max", +1, False),
]


def _boundary_value(limits: Plausibility, field: str, bound: str, step: int) -> float:
    unit = 0.1 if field in ("temperature", "weight") else 1
    edge: float = getattr(limits.for_measure(field), bound)
    return round(edge + step * unit, 1)


def _text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _entry_with(field: str, value: float) -> dict[str, str]:
    """A neutral entry with one field changed, keeping diastolic below systolic.

    Every value is text, as the form sends it, so a test may also read it back as a number.
    """
    changes = {field: _text(value)}
    if field == "systolic":
        changes["diastolic"] = _text(min(80, value - 10))
    if field == "diastolic":
        changes["systolic"] = _text(max(120, value + 10))
    return {**NEUTRAL, **changes}


def _case_id(field: str, bound: str, step: int) -> str:
    where = "at" if step == 0 else ("outside" if (bound == "min") == (step < 0) else "inside")
    return f"{field}-{bound}-{where}"


LIMIT_PARAMS = [
    pytest.param(field, bound, step, accepted, id=_case_id(field, bound, step))
    for field in RANGED_FIELDS
    for bound, step, accepted in BOUNDARY_CASES
]


@pytest.mark.parametrize(("field", "bound", "step", "accepted"), LIMIT_PARAMS)
def test_parse_vitals_limits(
    limits: Plausibility, field: str, bound: str, step: int, accepted: bool
) -> None:
    value = _boundary_value(limits, field, bound, step)
    entered = _entry_with(field, value)
    if accepted:
        vitals = parse_vitals(entered, limits, require_moaas=True)
        assert vitals.value(field) == value
    else:
        with pytest.raises(InvalidEntry) as excinfo:
            parse_vitals(entered, limits, require_moaas=True)
        assert fields_of(excinfo) == [field]
        assert "not plausible" in excinfo.value.problems[0].message


@pytest.mark.parametrize(("field", "bound", "step", "accepted"), LIMIT_PARAMS)
def test_plausibility_problems_limits(
    limits: Plausibility, field: str, bound: str, step: int, accepted: bool
) -> None:
    value = _boundary_value(limits, field, bound, step)
    entered = _entry_with(field, value)
    vitals = VitalSigns(
        systolic=int(entered["systolic"]),
        diastolic=int(entered["diastolic"]),
        heart_rate=int(entered["heart_rate"]),
        spo2=int(entered["spo2"]),
        resp_rate=int(entered["resp_rate"]),
        temperature=float(entered["temperature"]),
        moaas=5,
    )
    problems = plausibility_problems(vitals, limits, require_moaas=True)
    assert [p.field for p in problems] == ([] if accepted else [field])


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        pytest.param("30", True, id="min-at"),
        pytest.param("30.1", True, id="min-inside"),
        pytest.param("29.9", False, id="min-outside"),
        pytest.param("300", True, id="max-at"),
        pytest.param("299.9", True, id="max-inside"),
        pytest.param("300.1", False, id="max-outside"),
    ],
)
def test_parse_weight_limits(limits: Plausibility, text: str, accepted: bool) -> None:
    if accepted:
        assert parse_weight(text, limits) == float(text)
    else:
        with pytest.raises(InvalidEntry) as excinfo:
            parse_weight(text, limits)
        assert fields_of(excinfo) == ["weight"]
        assert "not plausible" in excinfo.value.problems[0].message


# --- specific refusals -------------------------------------------------------------------


def test_1200_for_systolic_is_refused_naming_systolic(limits: Plausibility) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(systolic="1200"), limits, require_moaas=True)
    assert fields_of(excinfo) == ["systolic"]
    assert "1200" in excinfo.value.problems[0].message
    assert "systolic" in str(excinfo.value)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "accepted"),
    [
        pytest.param("120", "119", True, id="diastolic-just-below"),
        pytest.param("120", "120", False, id="diastolic-equal"),
        pytest.param("120", "121", False, id="diastolic-above"),
        pytest.param("90", "150", False, id="diastolic-far-above"),
    ],
)
def test_diastolic_must_be_below_systolic(
    limits: Plausibility, systolic: str, diastolic: str, accepted: bool
) -> None:
    entered = entry(systolic=systolic, diastolic=diastolic)
    if accepted:
        vitals = parse_vitals(entered, limits, require_moaas=True)
        assert (vitals.systolic, vitals.diastolic) == (int(systolic), int(diastolic))
    else:
        with pytest.raises(InvalidEntry) as excinfo:
            parse_vitals(entered, limits, require_moaas=True)
        assert fields_of(excinfo) == ["diastolic"]
        assert "below systolic" in excinfo.value.problems[0].message


def test_out_of_range_systolic_is_not_also_reported_as_below_diastolic(
    limits: Plausibility,
) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(systolic="45", diastolic="60"), limits, require_moaas=True)
    assert fields_of(excinfo) == ["systolic"]


@pytest.mark.parametrize("field", RANGED_FIELDS)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="letters"),
        pytest.param("12a", id="trailing-letter"),
        pytest.param("1 20", id="inner-space"),
        pytest.param("nan", id="nan"),
        pytest.param("NaN", id="NaN"),
        pytest.param("inf", id="inf"),
        pytest.param("-inf", id="minus-inf"),
        pytest.param("Infinity", id="Infinity"),
        pytest.param("1e400", id="overflow"),
    ],
)
def test_non_numbers_are_refused(limits: Plausibility, field: str, text: str) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(**{field: text}), limits, require_moaas=True)
    assert fields_of(excinfo) == [field]
    assert "enter a number" in excinfo.value.problems[0].message


@pytest.mark.parametrize("field", WHOLE_FIELDS)
@pytest.mark.parametrize(
    "blank",
    [pytest.param("", id="empty"), pytest.param("   ", id="spaces"), pytest.param(None, id="none")],
)
def test_blank_required_fields_are_refused(
    limits: Plausibility, field: str, blank: str | None
) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(**{field: blank}), limits, require_moaas=False)
    assert fields_of(excinfo) == [field]
    assert "required" in excinfo.value.problems[0].message


def test_missing_field_key_is_refused(limits: Plausibility) -> None:
    entered = entry()
    del entered["heart_rate"]
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entered, limits, require_moaas=False)
    assert fields_of(excinfo) == ["heart_rate"]


@pytest.mark.parametrize("blank", ["", None])
def test_temperature_is_optional(limits: Plausibility, blank: str | None) -> None:
    vitals = parse_vitals(entry(temperature=blank), limits, require_moaas=True)
    assert vitals.temperature is None


@pytest.mark.parametrize("field", [*WHOLE_FIELDS, "moaas"])
@pytest.mark.parametrize("text", ["2.5", "3,5", "0.1"])
def test_decimals_are_refused_for_whole_number_fields(
    limits: Plausibility, field: str, text: str
) -> None:
    # Pick a decimal that lies inside the field's limits, so only wholeness is at stake.
    base = {
        "moaas": 3,
        "systolic": 120,
        "diastolic": 80,
        "heart_rate": 72,
        "spo2": 97,
        "resp_rate": 14,
    }[field]
    value = f"{base}{text[1:]}" if field != "moaas" else text
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(**{field: value}), limits, require_moaas=True)
    assert fields_of(excinfo) == [field]
    assert "whole number" in excinfo.value.problems[0].message


def test_whole_number_written_with_decimal_zero_is_accepted(limits: Plausibility) -> None:
    vitals = parse_vitals(entry(systolic="120.0", moaas="4.0"), limits, require_moaas=True)
    assert (vitals.systolic, vitals.moaas) == (120, 4)
    assert isinstance(vitals.systolic, int)


def test_temperature_accepts_decimal_comma(limits: Plausibility) -> None:
    vitals = parse_vitals(entry(temperature="37,4"), limits, require_moaas=True)
    assert vitals.temperature == pytest.approx(37.4)


def test_whitespace_and_numbers_are_accepted(limits: Plausibility) -> None:
    vitals = parse_vitals(
        {
            "systolic": " 131 ",
            "diastolic": 84,
            "heart_rate": 66.0,
            "spo2": "99",
            "resp_rate": "16",
            "moaas": 5,
        },
        limits,
        require_moaas=True,
    )
    assert vitals == VitalSigns(131, 84, 66, 99, 16, temperature=None, moaas=5)


@pytest.mark.parametrize("blank", ["", None])
def test_missing_moaas_refused_when_required(limits: Plausibility, blank: str | None) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(moaas=blank), limits, require_moaas=True)
    assert fields_of(excinfo) == ["moaas"]


@pytest.mark.parametrize("blank", ["", None])
def test_missing_moaas_allowed_when_not_required(limits: Plausibility, blank: str | None) -> None:
    assert parse_vitals(entry(moaas=blank), limits, require_moaas=False).moaas is None


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("0", True), ("5", True), ("-1", False), ("6", False)],
    ids=["0-at-min", "5-at-max", "minus-1", "6"],
)
def test_moaas_range(limits: Plausibility, text: str, accepted: bool) -> None:
    if accepted:
        assert parse_vitals(entry(moaas=text), limits, require_moaas=True).moaas == int(text)
    else:
        with pytest.raises(InvalidEntry) as excinfo:
            parse_vitals(entry(moaas=text), limits, require_moaas=False)
        assert fields_of(excinfo) == ["moaas"]


def test_several_bad_fields_are_named_together(limits: Plausibility) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(
            entry(systolic="", heart_rate="abc", spo2="120", resp_rate="2.5"),
            limits,
            require_moaas=True,
        )
    assert sorted(fields_of(excinfo)) == ["heart_rate", "resp_rate", "spo2", "systolic"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"heart_rate": "", "moaas": ""}, {"heart_rate", "moaas"}, id="moaas"),
        pytest.param(
            {"heart_rate": "", "systolic": "80", "diastolic": "90"},
            {"heart_rate", "diastolic"},
            id="diastolic-above-systolic",
        ),
    ],
)
def test_parse_errors_do_not_hide_other_bad_fields(
    limits: Plausibility, changes: dict[str, str], expected: set[str]
) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_vitals(entry(**changes), limits, require_moaas=True)
    assert set(fields_of(excinfo)) == expected


def test_plausibility_problems_flags_non_finite_values(limits: Plausibility) -> None:
    vitals = VitalSigns(120, 80, 72, 98, 14, temperature=math.nan, moaas=5)
    problems = plausibility_problems(vitals, limits, require_moaas=True)
    assert [p.field for p in problems] == ["temperature"]
    assert "number" in problems[0].message


def test_check_plausible_raises_with_every_problem(limits: Plausibility) -> None:
    vitals = VitalSigns(1200, 80, 300, 98, 14, moaas=None)
    with pytest.raises(InvalidEntry) as excinfo:
        check_plausible(vitals, limits, require_moaas=True)
    assert fields_of(excinfo) == ["systolic", "heart_rate", "moaas"]


def test_check_plausible_accepts_a_plausible_reading(limits: Plausibility) -> None:
    check_plausible(VitalSigns(120, 80, 72, 98, 14, moaas=5), limits, require_moaas=True)


# --- parse_weight ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("80", 80.0, id="whole"),
        pytest.param(" 80.5 ", 80.5, id="spaces"),
        pytest.param("80,5", 80.5, id="decimal-comma"),
        pytest.param("72.46", 72.5, id="rounded-to-0.1"),
        pytest.param(80, 80.0, id="int"),
        pytest.param(72.44, 72.4, id="float"),
    ],
)
def test_parse_weight_accepts(limits: Plausibility, text: str | float, expected: float) -> None:
    assert parse_weight(text, limits) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "required", id="empty"),
        pytest.param("  ", "required", id="spaces"),
        pytest.param(None, "required", id="none"),
        pytest.param("eighty", "enter a number", id="letters"),
        pytest.param("nan", "enter a number", id="nan"),
        pytest.param("inf", "enter a number", id="inf"),
        pytest.param("0", "not plausible", id="zero"),
        pytest.param("-80", "not plausible", id="negative"),
        pytest.param("800", "not plausible", id="typo-800"),
    ],
)
def test_parse_weight_refuses(limits: Plausibility, text: str | None, message: str) -> None:
    with pytest.raises(InvalidEntry) as excinfo:
        parse_weight(text, limits)
    assert fields_of(excinfo) == ["weight"]
    assert message in excinfo.value.problems[0].message


# --- property: whatever parse_vitals accepts is plausible ---------------------------------

Entered = str | int | float | None
"""One typed-in value as parse_vitals receives it."""

_junk: st.SearchStrategy[Entered] = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="0123456789.,-+eE naif ", max_size=8),
)


def _near(low: float, high: float) -> st.SearchStrategy[Entered]:
    """Mostly values inside a plausible range, sometimes just outside it, sometimes junk."""
    margin = (high - low) / 4
    inside = st.one_of(
        st.integers(min_value=int(low), max_value=int(high)),
        st.integers(min_value=int(low), max_value=int(high)).map(str),
        st.decimals(min_value=low, max_value=high, places=1).map(str),
    )
    outside = st.one_of(
        st.integers(min_value=int(low - margin), max_value=int(low) - 1).map(str),
        st.integers(min_value=int(high) + 1, max_value=int(high + margin)).map(str),
        st.decimals(min_value=low - 1, max_value=low, places=2).map(str),
        st.decimals(min_value=high, max_value=high + 1, places=2).map(str),
    )
    return st.integers(min_value=0, max_value=19).flatmap(
        lambda pick: inside if pick < 17 else (outside if pick < 19 else _junk)
    )


_ENTRY = st.fixed_dictionaries(
    {
        **{
            name: _near(
                CONFIG.plausibility.for_measure(name).min, CONFIG.plausibility.for_measure(name).max
            )
            for name in RANGED_FIELDS
        },
        "moaas": _near(0, 5),
    }
)


@settings(max_examples=500)
@given(
    entered=_ENTRY,
    require_moaas=st.booleans(),
)
def test_anything_parse_vitals_accepts_lies_within_limits(
    entered: dict[str, Entered], require_moaas: bool
) -> None:
    limits = CONFIG.plausibility
    try:
        vitals = parse_vitals(entered, limits, require_moaas=require_moaas)
    except InvalidEntry as exc:
        assert exc.problems, "a refusal must say why"
        return
    for field in RANGED_FIELDS:
        value = vitals.value(field)
        if value is None:
            assert field == "temperature"
            continue
        assert math.isfinite(value)
        assert limits.for_measure(field).min <= value <= limits.for_measure(field).max
    for field in WHOLE_FIELDS:
        assert isinstance(vitals.value(field), int)
    assert vitals.diastolic < vitals.systolic
    if require_moaas:
        assert vitals.moaas is not None
    assert vitals.moaas is None or 0 <= vitals.moaas <= 5


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "9" * 400, "", "abc"])
@pytest.mark.parametrize("field", ["heart_rate", "systolic", "moaas", "temperature"])
def test_a_corrected_value_that_is_no_finite_number_is_refused(field: str, text: str) -> None:
    with pytest.raises(InvalidEntry) as refused:
        parse_reading_value(field, text)
    assert [p.field for p in refused.value.problems] == ["corrected_value"]
    assert "enter a number" in refused.value.problems[0].message


def test_a_corrected_value_is_whole_where_the_measure_is_counted() -> None:
    assert parse_reading_value("heart_rate", " 72 ") == 72
    assert parse_reading_value("temperature", "37,5") == 37.5
    with pytest.raises(InvalidEntry, match="whole number"):
        parse_reading_value("systolic", "120.5")
