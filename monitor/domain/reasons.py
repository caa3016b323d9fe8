"""The reasons a person writes when a session leaves its usual course: a pause, an early
stop, an early end, a signed exit from recovery.

Each is stored stripped (blank is no reason) and no longer than any other free text. Some
events cannot happen without one: a pause and an early end say why; a physician's exit from
recovery (transfer, against advice) says why in at least a few characters, because the
record's reader has nothing else to go on. The exit minimum is the clinic's
`sign_off.exit_reason_min_chars` in config.yaml.
"""

from __future__ import annotations

from monitor.domain.errors import refuse
from monitor.domain.free_text import MAX_FREE_TEXT

MAX_REASON = MAX_FREE_TEXT
# Clinic practice (no published number): more than "ED" or "AMA", a phrase a reader follows.
MIN_EXIT_REASON = 5


def clean_reason(text: str | None) -> str | None:
    """The reason as stored: stripped, None when blank; refused when too long."""
    reason = (text or "").strip()
    if len(reason) > MAX_REASON:
        raise refuse("reason", f"Keep the reason under {MAX_REASON} characters")
    return reason or None


def required_reason(text: str | None, missing: str) -> str:
    """A reason the event cannot go without; `missing` says what to write when blank."""
    reason = clean_reason(text)
    if reason is None:
        raise refuse("reason", missing)
    return reason


def exit_reason(text: str | None, *, minimum: int = MIN_EXIT_REASON) -> str:
    """Why the patient leaves recovery without a discharge: at least `minimum` characters."""
    reason = clean_reason(text) or ""
    if len(reason) < minimum:
        raise refuse("reason", "Write why the patient leaves recovery without discharge")
    return reason
