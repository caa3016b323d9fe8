"""Who is acting: the signed-in user as the services see them, and the role check."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain.permissions import Action, Role, is_allowed
from monitor.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    full_name: str
    role: Role


def ensure_allowed(actor: Actor, action: Action) -> None:
    """Refuse the action unless the actor's role allows it."""
    if not is_allowed(actor.role, action):
        raise PermissionDenied(f"A {actor.role.value} may not {action.value.replace('_', ' ')}")
