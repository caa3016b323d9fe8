"""CHECK constraints built from the vocabulary's enums, shared by every table module."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import CheckConstraint


def one_of(column: str, values: Iterable[StrEnum]) -> str:
    """A column's CHECK clause from its enum: `state IN ('planned', 'baseline', ...)`, the
    members in the enum's order, so the text is the same on every backend and every run."""
    quoted = ", ".join(f"'{value.value}'" for value in values)
    return f"{column} IN ({quoted})"


def vocabulary_check(column: str, vocabulary: type[StrEnum]) -> CheckConstraint:
    """The CHECK constraint holding a column to its enum's stored values, named after the
    column; the enum rides along in `info`, for migration 0011 to rebuild it from."""
    return CheckConstraint(one_of(column, vocabulary), name=column, info={"vocabulary": vocabulary})
