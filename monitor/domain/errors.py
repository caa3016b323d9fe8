"""Errors the clinical rules raise; services turn them into messages at the field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """Why one entered value was refused, for the message shown at its field."""

    field: str
    message: str


class DomainError(Exception):
    """A request the clinical rules refuse."""


class InvalidEntry(DomainError):
    """One or more entered values were refused; nothing may be stored."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class IllegalTransition(DomainError):
    """A session state change the state machine does not allow."""


def refuse(field: str, message: str) -> InvalidEntry:
    """An InvalidEntry for one field, to raise."""
    return InvalidEntry([FieldProblem(field, message)])


def in_words(error: Exception) -> str:
    """A refusal in the person's words: the messages, without internal field names."""
    if isinstance(error, InvalidEntry):
        return " ".join(p.message.rstrip(".") + "." for p in error.problems)
    return str(error)
