"""Finding 15: weak passwords were accepted (`aaaaaaaaaa`). A chosen password needs 12+
characters and may not be one of the 10,000 most common (a list shipped with the app),
a common one with digits or symbols around it, repetitive, or the username."""

from __future__ import annotations

import pytest

from monitor.db.engine import Database
from monitor.domain.errors import InvalidEntry
from monitor.domain.passwords import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    common_passwords,
    password_problem,
)
from monitor.services.people import create_user, verify_password
from tests import factories

REFUSED = [
    ("aaaaaaaaaa", "at least 12"),  # the finding
    ("a1b2c3d4e5f", "at least 12"),  # 11: one short
    ("aaaaaaaaaaaa", "different characters"),  # 12, one letter
    ("abababababab", "different characters"),
    ("abcdabcdabcd", "different characters"),  # 4 distinct: one short
    ("qwerty123456", "most common"),  # in the list at 12+ characters
    ("QWERTY123456", "most common"),  # case does not help
    ("leavemealone", "most common"),
    ("password2024!", "around it"),  # "password" with digits and symbols around it
    ("!!123456789!!", "around it"),
    ("x" * (MAX_PASSWORD - 1) + "yz", "at most"),  # one over the cap
    ("nurse-jordan-2026", "username"),
]
ACCEPTED = [
    "abcdeabcdeab",  # exactly 12, exactly 5 distinct
    "correct-horse-battery",
    "monitor-demo",  # the demo password (12)
    "long-enough-pass",
    "password-manager-vault",  # a common word inside a longer phrase is fine
    "qazxswedcvfr",  # rank 10,0xx in the source list: not shipped, so not refused
    "é" * 6 + "ü" * 6 + "ñabc",  # letters beyond ASCII count as characters
    "y" * (MAX_PASSWORD - 4) + "abcd",  # at the cap
]


@pytest.mark.parametrize(("password", "why"), REFUSED)
def test_weak_passwords_are_refused(password: str, why: str) -> None:
    problem = password_problem(password, username="nurse")
    assert problem is not None and why in problem


@pytest.mark.parametrize("password", ACCEPTED)
def test_strong_enough_passwords_pass(password: str) -> None:
    assert password_problem(password, username="jdoe") is None


def test_the_shipped_list_is_the_top_ten_thousand() -> None:
    common = common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty123456", "qqqqqq1"} <= common  # ranks 1, 2, ..., 10,000
    assert "cathy1" not in common  # rank 10,001
    assert MIN_PASSWORD == 12


def test_create_user_refuses_a_weak_password_and_stores_nothing(database: Database) -> None:
    for weak in ("aaaaaaaaaa", "qwerty123456", "password2024!"):
        with pytest.raises(InvalidEntry, match="password"):
            create_user(
                database=database, username="ana", full_name="Ana", role="nurse", password=weak
            )
        assert verify_password(database=database, username="ana", password=weak) is None
    factories.user(database, username="ana")  # the test password passes the rule
