"""What a physician may record on acknowledging an alert, and how each action reads."""

from __future__ import annotations

from monitor.domain.vocabulary import AcknowledgementAction, label_of


def action_label(action: str) -> str:
    """The action in words; an unknown stored value is shown as stored, never hidden."""
    return label_of(AcknowledgementAction, action)
