"""The auditor's screens: history filters and grid, and the quality-measure charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from monitor.domain.vocabulary import Priority, SessionState
from monitor.ui.components import local_time
from monitor.ui.figures import GRID, INK
from monitor.ui.ids import Audit

# The history's "only sessions with" filters, by the value the filter sends: a priority or
# a state of the vocabulary where it is one, the history's own words for the rest.
FLAG_LABELS = {
    Priority.HIGH.value: "High excursions",
    Priority.MEDIUM.value: "Medium excursions",
    "overdue": "Overdue readings",
    "unacknowledged": "Unacknowledged excursions",
    "override": "Discharged by override",
    "not_cosigned": "Not co-signed within 24 h",
    SessionState.STOPPED_EARLY.value: "Stopped early",
}
COLUMNS = [
    {
        "field": "session_id",
        "headerName": "Session",
        "cellRenderer": "markdown",
        "linkTarget": "_self",
        "width": 100,
    },
    {"field": "opened_at", "headerName": "Date"},
    {"field": "patient", "headerName": "Patient", "sortable": True},
    {"field": "mrn", "headerName": "MRN", "sortable": False},
    {"field": "chair", "headerName": "Chair"},
    {"field": "nurse", "headerName": "Nurse", "sortable": False},
    {"field": "physician", "headerName": "Physician", "sortable": False},
    {"field": "state", "headerName": "State"},
    {"field": "started", "headerName": "Infusion", "sortable": False},
    {"field": "dose_mg", "headerName": "Dose mg"},
    {"field": "high_count", "headerName": "High"},
    {"field": "medium_count", "headerName": "Medium"},
    {"field": "unacknowledged_count", "headerName": "Unack."},
    {"field": "on_time", "headerName": "On time", "sortable": False},
    {"field": "minutes_to_ready", "headerName": "Min to ready"},
    {"field": "sign_off", "headerName": "Sign-off", "sortable": False},
    # The auditor's filter travels with every page request as this hidden column's filter.
    {"field": "query", "hide": True, "filter": "agTextColumnFilter", "sortable": False},
]


def filter_model(query: str) -> dict[str, Any]:
    """The grid filter model that carries the history filter (as a query string)."""
    return {"query": {"filterType": "text", "type": "equals", "filter": query or "all"}}


def query_of(model: Any) -> str:
    """The history filter's query string back out of a grid request's filter model."""
    try:
        value = str(model["query"]["filter"])
    except (KeyError, TypeError):
        return ""
    return "" if value == "all" else value


def date_field(component_id: str, label: str, value: date, problem_id: str) -> dbc.Col:
    """A date input with its label and the message shown under it when it is refused."""
    return dbc.Col(
        [
            dbc.Label(label, html_for=component_id),
            dbc.Input(id=component_id, type="date", value=value.isoformat()),
            dbc.FormFeedback(id=problem_id, type="invalid"),
        ],
        md=3,
    )


def history_page(
    staff: dict[str, list[tuple[int, str]]], protocols: Sequence[tuple[str, str]], today: date
) -> html.Div:
    def select(component_id: str, label: str, options: list[dict[str, Any]]) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(label, html_for=component_id),
                dbc.Select(
                    id=component_id, options=[{"label": "Any", "value": ""}, *options], value=""
                ),
            ],
            md=3,
        )

    people = {
        role: [{"label": name, "value": str(uid)} for uid, name in rows]
        for role, rows in staff.items()
    }
    return html.Div(
        [
            html.H1("Session history", className="h3"),
            dbc.Card(
                dbc.CardBody(
                    [
                        dbc.Row(
                            [
                                date_field(
                                    Audit.START,
                                    "From (date)",
                                    today.replace(day=1),
                                    Audit.START_PROBLEM,
                                ),
                                date_field(Audit.END, "To (date)", today, Audit.END_PROBLEM),
                                dbc.Col(
                                    [
                                        dbc.Label("Patient (MRN or name)", html_for=Audit.PATIENT),
                                        dbc.Input(id=Audit.PATIENT, type="text", maxLength=100),
                                    ],
                                    md=3,
                                ),
                                select(
                                    Audit.PROTOCOL,
                                    "Protocol",
                                    [{"label": n, "value": i} for i, n in protocols],
                                ),
                            ],
                            className="mb-2",
                        ),
                        dbc.Row(
                            [
                                select(Audit.NURSE, "Nurse", people["nurse"]),
                                select(Audit.PHYSICIAN, "Physician", people["physician"]),
                            ],
                            className="mb-2",
                        ),
                        dbc.Label("Only sessions with", html_for=Audit.FLAGS),
                        dbc.Checklist(
                            id=Audit.FLAGS,
                            inline=True,
                            value=[],
                            className="mb-2 audit-flags",
                            options=[{"label": t, "value": v} for v, t in FLAG_LABELS.items()],
                        ),
                        dbc.Button("Apply", id=Audit.APPLY, color="primary", className="me-2"),
                        _export_link("Export sessions (CSV)", Audit.EXPORT_SESSIONS, "me-2"),
                        _export_link("Export readings (CSV)", Audit.EXPORT_READINGS),
                    ]
                ),
                className="mb-3",
            ),
            dcc.Store(id=Audit.FILTER),
            html.Div(id=Audit.COUNT, className="mb-2"),
            grid(),
        ]
    )


def grid() -> dag.AgGrid:
    """Server-side paging and sorting; the filter comes from the form above, via the grid's
    filter model, so changing it makes the grid ask again from the first page."""
    return dag.AgGrid(
        id=Audit.GRID,
        columnDefs=COLUMNS,
        rowModelType="infinite",
        defaultColDef={"sortable": True, "resizable": True, "minWidth": 90},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 50,
            "cacheBlockSize": 50,
            "maxBlocksInCache": 4,
            "rowHeight": 44,
        },
        columnSize="autoSize",
        className="ag-theme-alpine-dark",
        style={"height": "640px"},
        filterModel=filter_model(""),
    )


def _export_link(text: str, link_id: str, spacing: str = "") -> html.A:
    """A CSV download as a button; its address is set by the filter callback, so the file
    holds exactly the sessions the grid shows."""
    return html.A(text, id=link_id, href="#", className=f"btn btn-outline-info {spacing}".rstrip())


def grid_rows(rows: Sequence[Any], zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "session_id": f"[{r.session_id}](/audit/session/{r.session_id})",
            "opened_at": local_time(r.opened_at, zone, "%Y-%m-%d %H:%M"),
            "patient": r.patient,
            "mrn": r.mrn,
            "chair": r.chair,
            "nurse": r.nurse,
            "physician": r.physician or "",
            "state": r.state.replace("_", " "),
            "started": f"{local_time(r.infusion_started_at, zone)}–"
            f"{local_time(r.infusion_stopped_at, zone)}",
            "dose_mg": r.dose_mg,
            "high_count": r.high_count,
            "medium_count": r.medium_count,
            "unacknowledged_count": r.unacknowledged_count,
            "on_time": "" if r.on_time_rate is None else f"{r.on_time_rate:.0%}",
            "minutes_to_ready": None if r.minutes_to_ready is None else round(r.minutes_to_ready),
            "sign_off": r.sign_off,
        }
        for r in rows
    ]


def measures_page(start: date, end: date) -> html.Div:
    return html.Div(
        [
            html.H1("Quality measures", className="h3"),
            dbc.Row(
                [
                    date_field(
                        Audit.MEASURE_START, "From (date)", start, Audit.MEASURE_START_PROBLEM
                    ),
                    date_field(Audit.MEASURE_END, "To (date)", end, Audit.MEASURE_END_PROBLEM),
                    dbc.Col(
                        [
                            dbc.Label("By", html_for=Audit.PERIOD),
                            dbc.RadioItems(
                                id=Audit.PERIOD,
                                value="month",
                                inline=True,
                                options=[
                                    {"label": "Week", "value": "week"},
                                    {"label": "Month", "value": "month"},
                                ],
                            ),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        dbc.Button(
                            "Show", id=Audit.MEASURE_APPLY, color="primary", className="mt-4"
                        ),
                        md=3,
                    ),
                ],
                className="mb-3",
            ),
            html.Div(id=Audit.MEASURE_CHARTS),
            html.Div(id=Audit.MEASURE_TABLE),
            html.Div(id=Audit.MEASURE_COURSES, className="mt-3"),
            html.Div(id=Audit.MEASURE_INTERVENTIONS, className="mt-3"),
        ]
    )


CHARTS = (
    ("On-time reading rate", ["on_time_rate"], "%"),
    ("Excursions per 100 sessions", ["high_per_100", "medium_per_100", "low_per_100"], ""),
    (
        "Minutes from a high excursion to its acknowledgement",
        ["high_ack_median_min", "high_ack_p90_min"],
        "min",
    ),
    ("Median minutes from infusion start to discharge-ready", ["ready_median_min"], "min"),
    (
        "Overrides, sessions not co-signed, stopped early",
        ["overrides", "not_cosigned", "stopped_early"],
        "",
    ),
)


def measure_charts(frame: pd.DataFrame) -> Any:
    if frame.empty:
        return dbc.Alert("No sessions in this period.", color="secondary")
    cards = []
    labels = frame["period"].dt.strftime("%Y-%m-%d")
    for title, columns, unit in CHARTS:
        figure = go.Figure([go.Bar(x=labels, y=frame[c], name=c) for c in columns])
        figure.update_xaxes(type="category")
        figure.update_layout(
            title={"text": title, "font": {"size": 14}},
            height=260,
            barmode="group",
            margin={"l": 40, "r": 10, "t": 40, "b": 30},
            paper_bgcolor="rgba(0,0,0,0)",
            plot_bgcolor="rgba(0,0,0,0)",
            font={"color": INK},
            yaxis={"gridcolor": GRID, "ticksuffix": unit and f" {unit}"},
        )
        if unit == "%":
            figure.update_yaxes(tickformat=".0%", ticksuffix="", range=[0, 1])
        cards.append(dbc.Col(dcc.Graph(figure=figure, config={"displayModeBar": False}), lg=6))
    return dbc.Row(cards)


def measure_table(frame: pd.DataFrame) -> Any:
    if frame.empty:
        return ""
    shown = frame.copy()
    shown["period"] = shown["period"].dt.strftime("%Y-%m-%d")
    head = html.Thead(html.Tr([html.Th(c) for c in shown.columns]))
    body = html.Tbody(
        [html.Tr([html.Td(_cell(v)) for v in row]) for row in shown.itertuples(index=False)]
    )
    table = dbc.Table([head, body], size="sm", striped=True, id="measures-table-data")
    # scrolls sideways on a tablet: focusable, so a keyboard can scroll it too
    named: dict[str, Any] = {"aria-label": "Measures by period"}
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **named)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3g}"
    return str(value)
