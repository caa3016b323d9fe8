"""The one parser for request arguments: every value a page would never send is a 4xx
(here: werkzeug's 400), never a conversion error (a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.exceptions import BadRequest, NotFound

from monitor.web import request_args
from monitor.web.request_args import MAX_ID, choice_id, int_arg, list_arg, record_id, row_window


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        (str(MAX_ID + 1), None),
        ("9" * 12, None),
        ("-1", None),
        ("١", None),
        ("abc", None),
        ("", None),
    ],
)
def test_record_id_from_a_url(value: str, expected: int | None) -> None:
    assert record_id(value) == expected


@pytest.mark.parametrize("value", [True, 0, -1, MAX_ID + 1, "x", "9" * 12, 1.5, None, [1]])
def test_an_id_the_page_would_never_send_is_a_bad_request(value: Any) -> None:
    with pytest.raises(BadRequest):
        int_arg(value)


def test_ids_the_page_sends() -> None:
    assert int_arg(7) == 7 and int_arg("7") == 7 and int_arg(MAX_ID) == MAX_ID


def test_lists() -> None:
    assert list_arg(None) == [] and list_arg([1]) == [1]
    with pytest.raises(BadRequest):
        list_arg("1")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (0, 50)),
        (0, 500, (0, 500)),
        (100, 150, (100, 150)),
        (MAX_ID, MAX_ID + 1, (MAX_ID, MAX_ID + 1)),
    ],
)
def test_the_grid_window(start: Any, end: Any, expected: tuple[int, int]) -> None:
    assert row_window(start, end, block=50, most=500, last_row=MAX_ID) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (-1, 10),
        (10, 10),
        (10, 5),
        (0, 501),
        (2**63, 2**63 + 1),
        ("0", 50),
        (0, "50"),
        (True, 5),
        (0.0, 50),
    ],
)
def test_a_window_the_grid_never_asks_for(start: Any, end: Any) -> None:
    with pytest.raises(BadRequest):
        row_window(start, end, block=50, most=500, last_row=MAX_ID)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), ("", None), (None, None), ("1e3", None), ("9" * 10, None)],
)
def test_a_staff_choice_is_kept_or_ignored(value: Any, expected: int | None) -> None:
    assert choice_id(value) == expected


def test_not_found() -> None:
    with pytest.raises(NotFound):
        request_args.not_found()
