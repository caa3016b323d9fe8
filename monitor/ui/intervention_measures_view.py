"""What was given and what happened, on the auditor's measures page: adverse events per 100
sessions by kind and by grade, rescue doses per 100 sessions by drug, the minutes to a
physician's acknowledgement of a flagged event, and the ketamine record's open findings
(target zero). Tables in words, each number with its unit; no rate without sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dash import dcc, html

from monitor.ui.course_measures_view import words_table

if TYPE_CHECKING:
    from monitor.domain.intervention_measures import Rate
    from monitor.services.intervention_measures import InterventionMeasures


def _per_100(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} min"


def _rates(rates: Sequence[Rate], first: str, name: str, table_id: str) -> Any:
    rows = [(r.label, r.count, _per_100(r.per_100)) for r in rates]
    return words_table((first, "Count", "Per 100 sessions"), rows, name, table_id)


def _ketamine(m: InterventionMeasures) -> list[Any]:
    count = len(m.open_discrepancies)
    words = html.P(
        f"Unresolved ketamine discrepancies: {count} (target 0). Sessions given ketamine "
        f"without a draw recorded: {m.given_without_record} (target 0).",
        id="measures-ketamine",
        className="fw-semibold " + ("text-danger" if count or m.given_without_record else ""),
    )
    links = [
        html.Li(
            dcc.Link(
                f"Session {o.session_id} ({o.day.isoformat()}): {o.imbalance_ml:.2f} mL",
                href=f"/audit/session/{o.session_id}",
            )
        )
        for o in m.open_discrepancies
    ]
    return [words, html.Ul(links)] if links else [words]


def intervention_measures(m: InterventionMeasures, exports: Sequence[tuple[str, str]] = ()) -> Any:
    """The section; `exports` are (words, href) of the period's CSV downloads."""
    ack = m.acknowledgement
    return html.Div(
        [
            html.H2("Adverse events, rescue medications and ketamine", className="h5"),
            html.Div(
                [
                    html.A(
                        words,
                        href=href,
                        className="btn btn-outline-info me-2 mb-2",
                    )
                    for words, href in exports
                ]
            )
            if exports
            else None,
            html.P(
                f"Sessions opened in the period: {m.sessions}. Adverse events: "
                f"{m.adverse_events}. Rescue-medication doses: {m.administrations}.",
                id="measures-intervention-counts",
            ),
            *_ketamine(m),
            html.H3("Adverse events per 100 sessions, by kind", className="h6 mt-3"),
            _rates(m.by_kind, "Kind", "Adverse events by kind", "measures-ae-kinds"),
            html.H3("Adverse events per 100 sessions, by grade (CTCAE)", className="h6 mt-3"),
            _rates(m.by_grade, "Grade", "Adverse events by grade", "measures-ae-grades"),
            html.H3("Rescue medications per 100 sessions, by drug", className="h6 mt-3"),
            _rates(m.by_drug, "Drug", "Rescue medications by drug", "measures-rescue"),
            html.H3(
                "Flagged adverse events: time to the physician's acknowledgement",
                className="h6 mt-3",
            ),
            words_table(
                ("Flagged", "Acknowledged", "Still unacknowledged", "Median", "Longest"),
                [
                    (
                        ack.flagged,
                        ack.acknowledged,
                        ack.unacknowledged,
                        _minutes(ack.median_minutes),
                        _minutes(ack.longest_minutes),
                    )
                ],
                "Acknowledgement of flagged adverse events",
                "measures-ae-ack",
            ),
        ]
    )
