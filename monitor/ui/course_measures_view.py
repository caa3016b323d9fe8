"""The course measures on the auditor's measures page: the gate (must be zero), pre-dose
clearances by concern, self-harm flags and the time to a physician's review, response and
remission by indication. Tables in words, each number with its unit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.course_measures import CourseMeasures


def words_table(
    head: Sequence[str], rows: Sequence[Sequence[Any]], label: str, table_id: str
) -> Any:
    """A small table of words the measures page shows, scrolling sideways on a tablet."""
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        size="sm",
        striped=True,
        id=table_id,
    )
    named: dict[str, Any] = {"aria-label": label}
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **named)


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _gate(m: CourseMeasures, zone: ZoneInfo) -> list[Any]:
    count = len(m.opened_without)
    summary = html.P(
        f"Courses whose first session opened without cleared screening or consent: {count} "
        f"of {m.first_sessions} (must be 0). Courses recorded before courses existed, counted "
        f"apart: {m.recorded_before_courses}.",
        id="measures-gate",
        className="fw-semibold " + ("text-danger" if count else ""),
    )
    if not count:
        return [summary]
    rows = [
        (
            dcc.Link(f"Course {w.course_id}", href=f"/course/{w.course_id}"),
            dcc.Link(f"Session {w.session_id}", href=f"/audit/session/{w.session_id}"),
            local_time(w.opened_at, zone, "%Y-%m-%d %H:%M"),
            ", ".join(w.missing),
        )
        for w in m.opened_without
    ]
    head = ("Course", "First session", "Opened", "Missing at opening")
    return [
        summary,
        words_table(head, rows, "First sessions opened without", "measures-gate-table"),
    ]


def course_measures(m: CourseMeasures, zone: ZoneInfo) -> Any:
    clearances = [(concern.label, n) for concern, n in m.clearances.items()]
    f = m.flags
    outcomes = [
        (
            o.indication.label,
            o.questionnaire.label,
            o.courses,
            f"{o.responses} ({_rate(o.response_rate)})",
            f"{o.remissions} ({_rate(o.remission_rate)})",
        )
        for o in m.outcomes
    ]
    return html.Div(
        [
            html.H2("Treatment courses", className="h5"),
            *_gate(m, zone),
            html.H3("Pre-dose clearances by concern", className="h6 mt-3"),
            words_table(("Concern", "Clearances"), clearances, "Clearances", "measures-clearances"),
            html.H3("Self-harm flags (PHQ-9 item 9)", className="h6 mt-3"),
            words_table(
                ("Raised", "Reviewed", "Open", "Median to review", "90th percentile"),
                [
                    (
                        f.raised,
                        f.reviewed,
                        f.open,
                        _minutes(f.median_minutes),
                        _minutes(f.p90_minutes),
                    )
                ],
                "Self-harm flags",
                "measures-flags",
            ),
            html.H3("Response and remission by indication", className="h6 mt-3"),
            html.P(
                "Courses started in the period with at least two totals of the scale; the "
                "latest total against the first.",
                className="small text-body-secondary",
            ),
            words_table(
                ("Indication", "Scale", "Courses", "Response", "Remission"),
                outcomes,
                "Response and remission",
                "measures-outcomes",
            )
            if outcomes
            else html.P("No course with two totals of a scale.", id="measures-outcomes"),
        ]
    )
