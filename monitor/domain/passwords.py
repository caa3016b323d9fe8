"""What a chosen password must be: long enough, and not one attackers try first.

NIST SP 800-63B 5.1.1.2: a minimum length, and a check against passwords known to be
common, repetitive or tied to the account. The list is the 10,000 most common passwords
(common_passwords.txt, shipped with the app; its header says where it came from).
`password_problem` is pure: creating a user and changing a password both call it.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # hashing cost grows with length; no passphrase needs more
MIN_DISTINCT = 5  # "aaaaaaaaaaaa", "abababababab", "121212121212" are guessed early
COMMON_LIST = Path(__file__).with_name("common_passwords.txt")
_SYMBOLS = string.punctuation + " "
_AROUND = string.digits + _SYMBOLS


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercase; lines starting with # are its header."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why this password may not be chosen (a message for the person), or None."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters"
    lowered = password.lower()
    common = common_passwords()
    if lowered in common:
        return "This is one of the 10,000 most common passwords: choose another"
    cores = {lowered.strip(_SYMBOLS), lowered.strip(_AROUND)} - {lowered}
    if cores & common:
        return "A common password with digits or symbols around it is still guessed early"
    if len(set(lowered)) < MIN_DISTINCT:
        return f"Use at least {MIN_DISTINCT} different characters"
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        return "Do not put your username in your password"
    return None
