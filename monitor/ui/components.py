"""Builders for the pieces screens share: alarm marks, labelled inputs, scale pickers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from monitor.config import Priority
from monitor.domain.excursions import PRIORITY_MARKS
from monitor.domain.scales import CADSS_ITEM_MAX, CADSS_ITEM_MIN, MOAAS_LEVELS, describe_moaas
from monitor.domain.vitals import LABELS
from monitor.ui.ids import Bedside

PRIORITY_WORDS = {Priority.HIGH: "HIGH", Priority.MEDIUM: "MEDIUM", Priority.LOW: "LOW"}


def local_time(moment: datetime | None, zone: ZoneInfo, fmt: str = "%H:%M") -> str:
    """A stored UTC time shown in the clinic's zone."""
    return moment.astimezone(zone).strftime(fmt) if moment else "—"


def alarm(
    priority: Priority | str, text: str, below: Sequence[tuple[Priority | str, str]] = ()
) -> html.Div:
    """One excursion in IEC 60601-1-8 style: colour, marks and the word, never colour alone.

    `below`: the lower conditions of the same banner (priority, text), each a line under
    the lead, with its own marks and word (monitor/domain/alarm_display.py)."""
    level = Priority(priority)
    lines = [
        html.Div(
            f"{PRIORITY_MARKS[Priority(p)]} {PRIORITY_WORDS[Priority(p)]} {line}",
            className="alarm-below",
        )
        for p, line in below
    ]
    return html.Div(
        [
            html.Span(PRIORITY_MARKS[level], className="alarm-marks"),
            html.Span(PRIORITY_WORDS[level], className="alarm-word"),
            html.Span(text, className="alarm-text"),
            *([html.Div(lines, className="alarm-lines w-100 small fw-normal")] if lines else []),
        ],
        className=f"alarm alarm-{level.value}" + (" flex-wrap" if lines else ""),
        role="alert" if level is Priority.HIGH else "status",
    )


def vital_input(name: str, last: str = "") -> dbc.Col:
    """A labelled numeric field ('Systolic (mmHg)') with its last value and an error slot."""
    label, unit = LABELS[name]
    optional = " — optional" if name == "temperature" else ""
    return dbc.Col(
        [
            dbc.Label(f"{label} ({unit}){optional}", html_for=Bedside.vital(name)),
            dbc.Input(
                id=Bedside.vital(name),
                type="text",
                inputmode="decimal" if name == "temperature" else "numeric",
                autocomplete="off",
                maxLength=6,
                className="vital-input",
                debounce=False,
            ),
            dbc.FormFeedback(id=Bedside.feedback(name), type="invalid"),
            dbc.FormText(last, id=Bedside.last(name), className="last-value"),
        ],
        xs=6,
        md=4,
        className="mb-2",
    )


def moaas_picker() -> html.Div:
    """MOAA/S 0–5 as large buttons, each with the level's meaning as its title."""
    return html.Div(
        [
            dbc.Label("MOAA/S (0–5)", html_for=Bedside.MOAAS, id="bed-moaas-label"),
            dbc.RadioItems(
                id=Bedside.MOAAS,
                options=[
                    {"label": str(score), "value": score, "title": describe_moaas(score)}
                    for score in sorted(MOAAS_LEVELS, reverse=True)
                ],
                inline=True,
                className="btn-group scale-picker",
                inputClassName="btn-check",
                labelClassName="btn btn-outline-info",
                labelCheckedClassName="active",
            ),
            html.Div(id=Bedside.feedback("moaas"), className="invalid-feedback d-block"),
            dbc.FormText("5 = responds readily to name in normal tone · 0 = no response"),
        ],
        className="mb-2",
    )


def cadss_items(numbers: Sequence[int]) -> list[html.Div]:
    """One 0–4 picker per CADSS item of the protocol's version."""
    return [
        html.Div(
            [
                dbc.Label(f"CADSS item {number} (0–4)", className="me-2 cadss-item-label"),
                dbc.RadioItems(
                    id={"type": Bedside.CADSS_ITEM, "item": number},
                    options=[
                        {"label": str(v), "value": v}
                        for v in range(CADSS_ITEM_MIN, CADSS_ITEM_MAX + 1)
                    ],
                    inline=True,
                    className="btn-group scale-picker",
                    inputClassName="btn-check",
                    labelClassName="btn btn-outline-secondary",
                    labelCheckedClassName="active",
                ),
            ],
            className="cadss-item mb-1",
        )
        for number in numbers
    ]


def readings_table(
    readings: Sequence[Any],
    zone: ZoneInfo,
    table_id: str = "bed-readings",
    corrections: Mapping[int, Sequence[str]] | None = None,
) -> Any:
    """The readings, newest first, in the clinic's time zone; each reading's addenda, if
    any, beside it (the original values stay as recorded)."""
    if not readings:
        return html.Div("No readings yet.", className="text-body-secondary")
    heads = (
        "Time",
        "Phase",
        "BP mmHg",
        "HR /min",
        "SpO2 %",
        "RR /min",
        "Temp °C",
        "MOAA/S",
        "Entered by",
        *(("Addenda",) if corrections is not None else ()),
    )
    notes = corrections or {}
    body = [
        html.Tr(
            [
                html.Td(local_time(r.taken_at, zone)),
                html.Td(r.phase),
                html.Td(f"{r.systolic}/{r.diastolic}"),
                html.Td(r.heart_rate),
                html.Td(r.spo2),
                html.Td(r.resp_rate),
                html.Td("" if r.temperature is None else f"{r.temperature:g}"),
                html.Td("" if r.moaas is None else r.moaas),
                html.Td(r.entered_by),
                *(
                    (
                        html.Td(
                            [html.Div(n, className="addendum-note") for n in notes.get(r.id, [])]
                        ),
                    )
                    if corrections is not None
                    else ()
                ),
            ]
        )
        for r in reversed(readings)
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)],
        striped=True,
        hover=True,
        responsive=True,
        size="sm",
        id=table_id,
    )
