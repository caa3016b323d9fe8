"""How a read model's rows are built: by name, never by position.

A row dataclass names its fields; `columns` selects, for each field, the model column of
the same name (or the expression given for it), labelled with the field's name, and
`build_all` makes the dataclasses from the labelled result. Adding, removing or reordering a
field therefore cannot shift a value into the wrong one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy.sql.elements import ColumnElement

RowType = TypeVar("RowType")


def columns(row_type: type, model: Any, **expressions: Any) -> list[ColumnElement[Any]]:
    """One labelled column per field of `row_type`: the expression named for it, or the
    model's attribute of the same name. Fields with a default and no column are left out."""
    chosen: list[ColumnElement[Any]] = []
    for field in fields(row_type):
        if field.name in expressions:
            chosen.append(expressions[field.name].label(field.name))
        elif hasattr(model, field.name):
            chosen.append(getattr(model, field.name).label(field.name))
    return chosen


def build_all(row_type: type[RowType], rows: Iterable[Any]) -> list[RowType]:
    """The dataclasses from rows of labelled columns, each field given by its name."""
    return [row_type(**row._mapping) for row in rows]


def initials(given_name: str, family_name: str) -> str:
    """A patient's initials as the board and the bedside show them (the given name's first
    letter, then the family name's), so a screen seen by others shows no full name."""
    return f"{given_name[:1]}{family_name[:1]}".upper()


def with_initials(row: Any) -> dict[str, Any]:
    """A row's labelled values with its `given_name` and `family_name` (selected last, for
    this) replaced by the patient's initials: the only name a shared screen shows."""
    values = dict(row._mapping)
    given, family = values.pop("given_name"), values.pop("family_name")
    return values | {"patient_initials": initials(given, family)}
