"""The physician's written override: the reason for discharging with criteria unmet.

A discharge with an unmet criterion is the exception the audit looks for, so the reason
must say something (at least `MIN_OVERRIDE_REASON` characters, blank counts as none) and
stay a size the record's PDF lays out (`MAX_FREE_TEXT`, as every text a person writes).
The override covers unmet criteria only; open alarms are approval.py's rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from monitor.domain.errors import FieldProblem, refuse
from monitor.domain.free_text import MAX_FREE_TEXT

if TYPE_CHECKING:  # discharge reads config, which takes this module's default
    from monitor.domain.discharge import Criterion

# Clinic practice (no published number): a reason a reviewer can read, not "ok". The
# clinic's value is `sign_off.override_reason_min_chars` in config.yaml.
MIN_OVERRIDE_REASON = 10
MAX_OVERRIDE_REASON = MAX_FREE_TEXT


def clean_override_reason(text: str | None) -> str | None:
    """The reason as stored: stripped, None when blank; refused when longer than the limit."""
    reason = (text or "").strip() or None
    if reason is not None and len(reason) > MAX_OVERRIDE_REASON:
        raise refuse(
            "override",
            f"Keep the override reason to {MAX_OVERRIDE_REASON} characters (it has {len(reason)})",
        )
    return reason


def override_problems(
    criteria: Sequence[Criterion], reason: str | None, *, minimum: int = MIN_OVERRIDE_REASON
) -> list[FieldProblem]:
    """Why the override does not cover the unmet criteria; empty when none is unmet or the
    reason is long enough. With no reason at all, each unmet criterion is named."""
    text = (reason or "").strip()
    unmet = [c for c in criteria if not c.met]
    if unmet and not text:
        return [FieldProblem("override", f"Not met: {c.label} ({c.detail})") for c in unmet]
    if unmet and len(text) < minimum:
        return [FieldProblem("override", "Write the reason for discharging with criteria unmet")]
    return []
