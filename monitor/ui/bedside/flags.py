"""The session's flags at the bedside: one banner per measure group per reading, each with
its acknowledgement (who, when, what was done), open ones first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from monitor.domain.acknowledgement import action_label
from monitor.domain.alarm_display import Banner, banners
from monitor.domain.excursions import PRIORITY_RANK
from monitor.ui.components import alarm, local_time


def flags(excursions: Sequence[Any], zone: ZoneInfo) -> Any:
    """The session's stored excursions shown per reading, one banner per measure group,
    each with its acknowledgement: open ones (awaiting the physician) first, then by
    priority, newest first."""
    if not excursions:
        return html.Div("No flags.", className="text-body-secondary")
    per_reading: dict[int, list[Any]] = {}
    for x in sorted(excursions, key=lambda x: x.id):
        per_reading.setdefault(x.reading_id, []).append(x)
    shown = [banner for flagged in per_reading.values() for banner in banners(flagged)]
    ordered = sorted(
        shown,
        key=lambda b: (
            all(x.acknowledged_at for x in b.flags),
            -PRIORITY_RANK[b.priority],
            -b.lead.id,
        ),
    )
    return [_flag_banner(b, zone) for b in ordered]


def _flag_banner(banner: Banner[Any], zone: ZoneInfo) -> Any:
    """A reading's banner with whether it was acknowledged, by whom, when and the action."""
    lead = banner.lead
    statuses = [_ack_status(x, zone) for x in banner.flags]
    one_status = len(set(statuses)) == 1
    status_lines = (
        [_ack_line(banner.lead, statuses[0])]
        if one_status
        else [_ack_line(x, f"{x.label}: {s}") for x, s in zip(banner.flags, statuses, strict=True)]
    )
    acknowledged = all(x.acknowledged_at for x in banner.flags)
    return html.Div(
        [
            alarm(
                banner.priority,
                f"{local_time(lead.detected_at, zone)} {lead.message}",
                [(x.priority, x.message) for x in banner.below],
            ),
            *status_lines,
        ],
        className="flag-banner mb-3 " + ("flag-acknowledged" if acknowledged else "flag-open"),
    )


def _ack_status(x: Any, zone: ZoneInfo) -> str:
    if x.acknowledged_at is None:
        return "OPEN — awaiting physician"
    note = f" ({x.ack_note})" if x.ack_note else ""
    return (
        f"Acknowledged {local_time(x.acknowledged_at, zone)} by {x.acknowledged_by} — "
        f"{action_label(x.ack_action or '')}{note}"
    )


def _ack_line(x: Any, text: str) -> Any:
    if x.acknowledged_at is None:
        return html.Div(
            dbc.Badge(text, color="danger", className="ack-open-badge fs-6"),
            className="ack-status ack-open mb-1",
        )
    return html.Div("✓ " + text, className="ack-status ack-done small mb-1")
