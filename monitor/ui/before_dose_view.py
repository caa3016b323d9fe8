"""The session record's "Before dosing" card (issue 12): the questionnaires taken (PHQ-9,
PCL-5 totals), the physician's pre-dose clearances and the safety flags with their
acknowledgement, each with who and when in the clinic's zone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dash import html

from monitor.domain.before_dose_words import (
    acknowledgement_words,
    clearance_words,
    flag_words,
    questionnaire_words,
)
from monitor.ui.components import alarm, local_time

if TYPE_CHECKING:
    from monitor.services.session_record import SessionRecord

DAY_TIME = "%Y-%m-%d %H:%M"


def before_dose_body(record: SessionRecord, zone: ZoneInfo) -> Any:
    before = record.before_dose
    if not (before.questionnaires or before.clearances or before.safety_flags):
        return html.Div("No questionnaire, clearance or safety flag recorded.")
    questionnaires = [
        html.Li(
            f"{local_time(q.taken_at, zone, DAY_TIME)} "
            f"{questionnaire_words(q.questionnaire, q.total, q.items, q.respondent)} "
            f"({q.entered_by})",
            className="before-questionnaire",
        )
        for q in before.questionnaires
    ]
    flags = [
        html.Div(
            [
                alarm(
                    f.priority, f"{local_time(f.raised_at, zone)} {flag_words(f.kind, f.message)}"
                ),
                html.Div(
                    acknowledgement_words(f.acknowledged_by, f.note)
                    + (
                        f" ({local_time(f.acknowledged_at, zone, DAY_TIME)})"
                        if f.acknowledged_at
                        else ""
                    ),
                    className="small mb-2",
                ),
            ],
            className="before-flag",
        )
        for f in before.safety_flags
    ]
    clearances = [
        html.Li(
            f"{local_time(c.cleared_at, zone, DAY_TIME)} {clearance_words(c.concern, c.reason)} "
            f"({c.cleared_by})",
            className="before-clearance",
        )
        for c in before.clearances
    ]
    return html.Div(
        [
            html.H3("Questionnaires", className="h6") if questionnaires else None,
            html.Ul(questionnaires) if questionnaires else None,
            html.H3("Safety flags", className="h6") if flags else None,
            *flags,
            html.H3("Pre-dose clearances", className="h6") if clearances else None,
            html.Ul(clearances) if clearances else None,
        ]
    )
