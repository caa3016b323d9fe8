"""Errors a use case raises; pages show them as messages, routes as HTTP statuses."""

from __future__ import annotations

from monitor.domain.errors import DomainError, FieldProblem, IllegalTransition, InvalidEntry

__all__ = [
    "Conflict",
    "DomainError",
    "FieldProblem",
    "IllegalTransition",
    "InvalidEntry",
    "NotFound",
    "PermissionDenied",
]


class PermissionDenied(DomainError):
    """The actor's role may not take this action."""


class NotFound(DomainError):
    """The session, patient or user asked for does not exist."""


class Conflict(DomainError):
    """The request clashes with what is stored, e.g. a chair already in use."""
