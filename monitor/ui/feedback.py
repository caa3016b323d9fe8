"""What any screen says back after an action: a refusal in the person's words, or a done
action confirmed. Screen-neutral, so the board, the record and the audit pages say it the same
way as the bedside."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc

from monitor.domain.errors import in_words


def problem(message: str | Exception) -> Any:
    """Why an action was not done (a warning: nothing was stored)."""
    if isinstance(message, Exception):
        message = in_words(message)
    return dbc.Alert(message, color="warning", className="mb-2")


def notice(message: str) -> Any:
    """A done action, confirmed in words."""
    return dbc.Alert(message, color="success", className="mb-2")
