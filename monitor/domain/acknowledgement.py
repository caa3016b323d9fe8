"""What a physician may record on acknowledging an alert, and how each action reads."""

from __future__ import annotations

# The stored action values (monitor/db/models.py ACKNOWLEDGEMENT_ACTIONS keeps the same
# tuple for its check constraint; tests/domain/test_alarm_display.py holds them equal).
ACTION_LABELS = {
    "observed": "Observed",
    "repeat_reading_ordered": "Repeat reading ordered",
    "infusion_paused": "Infusion paused",
    "medication_given": "Medication given",
    "other": "Other",
}
ACTIONS = tuple(ACTION_LABELS)


def action_label(action: str) -> str:
    """The action in words; an unknown stored value is shown as stored, never hidden."""
    return ACTION_LABELS.get(action, action.replace("_", " "))
