"""Demographics at their edges: the date of birth (calendar, today, 120 years), the MRN, the
names, the phone, the weight against config.plausibility.weight, and what counts as a change."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.config import Config
from monitor.domain.demographics import (
    MAX_AGE_YEARS,
    changed_fields,
    check_demographics,
    check_field,
    check_mrn,
    check_name,
    check_phone,
    parse_birth_date,
    search_kind,
)
from monitor.domain.errors import InvalidEntry
from monitor.domain.vocabulary import Sex

TODAY = date(2026, 11, 25)


def refused_at(call: object, field: str) -> str:
    assert callable(call)
    with pytest.raises(InvalidEntry) as caught:
        call()
    assert [p.field for p in caught.value.problems] == [field]
    return caught.value.problems[0].message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-25", date(2026, 11, 25)),  # born today: accepted
        ("2024-02-29", date(2024, 2, 29)),  # a leap day that exists
        ("1906-11-25", date(1906, 11, 25)),  # 120 today
        ("1905-11-26", date(1905, 11, 26)),  # 120 until tomorrow: the oldest accepted
        (" 1980-01-01 ", date(1980, 1, 1)),
        (date(1980, 1, 1), date(1980, 1, 1)),
    ],
)
def test_birth_date_accepted(typed: object, expected: date) -> None:
    assert parse_birth_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2025-02-30", "2025-02-30 is not a calendar day"),
        ("2023-02-29", "is not a calendar day"),
        ("2025-13-01", "is not a calendar day"),
        ("2026-11-26", "cannot be after today"),  # tomorrow
        ("1905-11-25", f"older than {MAX_AGE_YEARS} years"),  # 121 today
        ("1905-11-24", f"older than {MAX_AGE_YEARS} years"),
        ("25/11/1980", "YYYY-MM-DD"),
        ("+10000-01-01", "YYYY-MM-DD"),
        ("", "required"),
        (None, "required"),
    ],
)
def test_birth_date_refused(typed: object, words: str) -> None:
    assert words in refused_at(lambda: parse_birth_date(typed, TODAY), "birth_date")


@pytest.mark.parametrize("mrn", ["A", "MRN-0001", "a" * 32, " 12345 "])
def test_mrn_accepted(mrn: str) -> None:
    assert check_mrn(mrn) == mrn.strip()


@pytest.mark.parametrize("mrn", ["", "a" * 33, "MRN 1", "MRN/1", "'; DROP", "ＭＲＮ1", None])
def test_mrn_refused(mrn: object) -> None:
    refused_at(lambda: check_mrn(mrn), "mrn")


def test_names_at_their_edges() -> None:
    assert check_name("  de  la Cruz ", "family_name") == "de la Cruz"
    assert check_name("x" * 100, "given_name") == "x" * 100
    refused_at(lambda: check_name("x" * 101, "given_name"), "given_name")
    refused_at(lambda: check_name("   ", "family_name"), "family_name")
    refused_at(lambda: check_name("a\x00b", "family_name"), "family_name")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", None),
        ("123456", "123456"),  # 6 digits: the shortest
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+1 (555) 123-4567", "+1 (555) 123-4567"),
        ("1" * 15, "1" * 15),  # E.164's longest
    ],
)
def test_phone_accepted(typed: str, stored: str | None) -> None:
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "1" * 16, "call me", "555-1234 ext 9", "１２３４５６"])
def test_phone_refused(typed: str) -> None:
    refused_at(lambda: check_phone(typed), "escort_phone")


def test_weight_edges_come_from_config(config: Config) -> None:
    limits = config.plausibility
    low, high = limits.weight.min, limits.weight.max
    for ok in (low, high, "80.25"):
        assert check_field("weight", ok, today=TODAY, limits=limits)
    for bad in (low - 0.1, high + 0.1, "nan", "", None, True):
        refused_at(lambda b=bad: check_field("weight", b, today=TODAY, limits=limits), "weight")


def test_registration_reports_every_field_at_once(config: Config) -> None:
    with pytest.raises(InvalidEntry) as caught:
        check_demographics(
            {"mrn": "", "birth_date": "2025-02-30", "sex": "x", "weight": "5"},
            today=TODAY,
            limits=config.plausibility,
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"mrn", "family_name", "given_name", "birth_date", "sex", "weight"}


def test_a_whole_registration(config: Config) -> None:
    checked = check_demographics(
        {
            "mrn": "M-1",
            "family_name": "Doe",
            "given_name": "Jo",
            "birth_date": "1980-01-01",
            "sex": "female",
            "weight": "70",
            "allergies": " Penicillin ",
            "escort_name": "",
            "escort_phone": "555 0100 22",
        },
        today=TODAY,
        limits=config.plausibility,
    )
    assert checked.sex is Sex.FEMALE and checked.allergies == "Penicillin"
    assert checked.escort_name is None and checked.weight_kg == 70.0


def test_changed_fields_only_what_differs() -> None:
    current = {"weight": 80.0, "sex": "male", "birth_date": "1980-01-01", "allergies": None}
    checked = {"weight": 80.0, "sex": Sex.FEMALE, "birth_date": date(1980, 1, 1), "allergies": None}
    assert changed_fields(current, checked) == {"sex": ("male", "female")}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1980-01-01", "birth_date"),
        ("2025-02-30", "birth_date"),  # read as a date, then refused as one
        ("MRN-0001", "mrn"),
        ("12345", "mrn"),
        ("Doe", "name"),
        ("Doe Jo", "name"),
        ("Doe 12", "name"),
    ],
)
def test_search_kind(text: str, kind: str) -> None:
    assert search_kind(text) == kind
