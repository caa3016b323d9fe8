"""Who may witness a waste, in words a person reads (no "A admin")."""

from __future__ import annotations

import pytest

from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.services.witness import refuse_unless_may_witness


@pytest.mark.parametrize(
    ("role", "words"),
    [(Role.ADMIN, "An admin may not witness"), (Role.AUDITOR, "An auditor may not witness")],
)
def test_a_role_that_may_not_witness_is_named_in_words(role: Role, words: str) -> None:
    with pytest.raises(InvalidEntry) as refused:
        refuse_unless_may_witness(Actor(2, "w", "W", role), 1, field="witness_username")
    assert refused.value.problems[0].message.startswith(words)


@pytest.mark.parametrize("role", [Role.NURSE, Role.PHYSICIAN])
def test_a_licensed_colleague_may_witness(role: Role) -> None:
    refuse_unless_may_witness(Actor(2, "w", "W", role), 1, field="witness_username")


def test_whoever_wasted_may_not_witness() -> None:
    with pytest.raises(InvalidEntry) as refused:
        refuse_unless_may_witness(Actor(1, "w", "W", Role.NURSE), 1, field="password")
    assert "their own waste" in refused.value.problems[0].message
