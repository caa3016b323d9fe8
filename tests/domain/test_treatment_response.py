"""Response, remission and the follow-up date of a course (docs/clinical.md "Response and
remission").

Defaults under test: response is a drop of at least 50 % from the course's first total;
remission is a PHQ-9 total below 5 or a PCL-5 total below 33; the follow-up visit is due 28
days after the last session."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.config.course import Measurement
from monitor.domain.treatment_response import (
    follow_up_due,
    is_remission,
    is_response,
    progress,
    remission_below,
    response_line,
)
from monitor.domain.vocabulary import Questionnaire

M = Measurement()


@pytest.mark.parametrize(
    ("first", "latest", "expected"),
    [
        (20, 10, True),  # exactly 50 %: a response
        (20, 11, False),  # 45 %
        (21, 10, True),  # 52.4 %
        (21, 11, False),  # 47.6 %: 10.5 is the line, 11 is above it
        (27, 13, True),  # 51.9 %
        (27, 14, False),  # 48.1 %
        (1, 0, True),
        (0, 0, False),  # nothing to drop from: never a response
        (10, 12, False),  # worse
        (80, 40, True),  # PCL-5 at its top
    ],
)
def test_response_at_the_edge(first: int, latest: int, expected: bool) -> None:
    assert is_response(first, latest, M.response_drop_percent) is expected


@pytest.mark.parametrize(
    ("percent", "first", "latest", "expected"),
    [(40, 10, 6, True), (40, 10, 7, False), (100, 10, 0, True), (100, 10, 1, False)],
)
def test_response_follows_the_configured_percent(
    percent: float, first: int, latest: int, expected: bool
) -> None:
    assert is_response(first, latest, percent) is expected


@pytest.mark.parametrize(
    ("questionnaire", "total", "expected"),
    [
        (Questionnaire.PHQ9, 4, True),
        (Questionnaire.PHQ9, 5, False),  # "below 5": 5 is mild, not remission
        (Questionnaire.PHQ9, 0, True),
        (Questionnaire.PCL5, 32, True),
        (Questionnaire.PCL5, 33, False),
    ],
)
def test_remission_below_the_scale_threshold(
    questionnaire: Questionnaire, total: int, expected: bool
) -> None:
    assert is_remission(total, remission_below(questionnaire, M)) is expected


def test_remission_thresholds_come_from_config() -> None:
    strict = Measurement(phq9_remission_below=3, pcl5_remission_below=20)
    assert remission_below(Questionnaire.PHQ9, strict) == 3
    assert remission_below(Questionnaire.PCL5, strict) == 20
    assert remission_below("pcl5", M) == 33


def test_response_line_is_the_total_to_reach() -> None:
    assert response_line(20, 50) == 10
    assert response_line(21, 50) == 10.5
    assert response_line(40, 25) == 30


def test_progress_compares_the_latest_with_the_first() -> None:
    p = progress(Questionnaire.PCL5, [60, 45, 29], M)
    assert (p.first, p.latest, p.count) == (60, 29, 3)
    assert p.drop_percent == pytest.approx(51.67, abs=0.01)
    assert p.response and p.remission
    assert p.response_line == 30 and p.remission_below == 33


def test_progress_of_one_total_is_neither() -> None:
    p = progress(Questionnaire.PHQ9, [3], M)
    assert p.first == p.latest == 3 and p.drop_percent == 0
    assert not p.response  # one score cannot show a drop
    assert p.remission  # but it is below the line


def test_progress_without_totals() -> None:
    p = progress(Questionnaire.PHQ9, [], M)
    assert p.first is None and p.latest is None and p.drop_percent is None
    assert not p.response and not p.remission and p.response_line is None


def test_progress_from_zero_has_no_percent() -> None:
    p = progress(Questionnaire.PHQ9, [0, 0], M)
    assert p.drop_percent is None and not p.response and p.remission


@pytest.mark.parametrize(
    ("last", "days", "due"),
    [
        (date(2026, 11, 20), 28, date(2026, 12, 18)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
        (date(2028, 2, 1), 28, date(2028, 2, 29)),  # leap year
        (None, 28, None),  # no session yet: nothing due
    ],
)
def test_follow_up_due_after_the_last_session(last: date | None, days: int, due: date) -> None:
    assert follow_up_due(last, days) == due
