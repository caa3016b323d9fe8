"""Builders for the pieces screens share: alarm marks, labelled inputs, scale pickers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from monitor.domain.excursions import PRIORITY_MARKS
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.scales import (
    CADSS_ITEM_MAX,
    CADSS_ITEM_MIN,
    MOAAS_LEVELS,
    CadssItem,
    describe_moaas,
)
from monitor.domain.vocabulary import AcknowledgementAction, Measure, Priority
from monitor.ui.ids import Bedside


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
            f"{PRIORITY_MARKS[Priority(p)]} {Priority(p).label} {line}",
            className="alarm-below",
        )
        for p, line in below
    ]
    return html.Div(
        [
            html.Span(PRIORITY_MARKS[level], className="alarm-marks"),
            html.Span(level.label, className="alarm-word"),
            html.Span(text, className="alarm-text"),
            *([html.Div(lines, className="alarm-lines w-100 small fw-normal")] if lines else []),
        ],
        className=f"alarm alarm-{level.value}" + (" flex-wrap" if lines else ""),
        role="alert" if level is Priority.HIGH else "status",
    )


def vital_input(name: str, last: str = "") -> dbc.Col:
    """A labelled numeric field ('Systolic (mmHg)') with its last value and an error slot."""
    measure = Measure(name)
    label, unit = measure.label, measure.unit
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


def cadss_legend(anchors: Sequence[str]) -> html.Div:
    """The 0–4 anchors once, above the items: '0 Not at all · 1 Slightly · …'."""
    return html.Div(
        [
            html.Span("Scores: ", className="fw-semibold"),
            *(
                html.Span(
                    [html.B(str(score)), f" {word}"],
                    className="cadss-legend-entry",
                )
                for score, word in enumerate(anchors, start=CADSS_ITEM_MIN)
            ),
        ],
        id="bed-cadss-legend",
        className="cadss-legend mb-2",
    )


def _labelled_by(element_id: str) -> Any:
    return {"aria-labelledby": element_id}


def cadss_items(items: Sequence[CadssItem], anchors: Sequence[str]) -> list[html.Div]:
    """One item per row: its number and prompt, then 0–4 as large buttons each showing the
    score and its anchor word. The buttons form a radio group named by the item, so a screen
    reader says 'Item 6: <prompt>, 2 Moderately'."""
    return [
        html.Div(
            [
                html.Div(
                    f"Item {item.number}: {item.prompt}",
                    id=f"bed-cadss-prompt-{item.number}",
                    className="cadss-prompt",
                ),
                html.Div(
                    dbc.RadioItems(
                        id={"type": Bedside.CADSS_ITEM, "item": item.number},
                        options=[
                            {
                                "label": [
                                    html.Span(str(score), className="cadss-score"),
                                    html.Span(anchors[score], className="cadss-anchor"),
                                ],
                                "value": score,
                            }
                            for score in range(CADSS_ITEM_MIN, CADSS_ITEM_MAX + 1)
                        ],
                        inline=True,
                        className="btn-group scale-picker cadss-scale",
                        inputClassName="btn-check",
                        labelClassName="btn btn-outline-secondary",
                        labelCheckedClassName="active",
                    ),
                    role="radiogroup",
                    **_labelled_by(f"bed-cadss-prompt-{item.number}"),
                ),
            ],
            className="cadss-row mb-2",
        )
        for item in items
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


# The acknowledgement dialog's choices: the vocabulary's words, "Other" saying that the
# note must say what.
ACTION_WORDS: dict[AcknowledgementAction, str] = {
    **{action: action.label for action in AcknowledgementAction},
    AcknowledgementAction.OTHER: "Other (say what in the note)",
}


def action_taken(action_id: str, note_id: str, *, gap: str) -> list[Any]:
    """What the physician did on acknowledging: the action (observed by default) and a
    note, the same fields wherever an alert is acknowledged (the board's dialog, the
    discharge approval). `gap`: the margin under the choices on that screen."""
    return [
        dbc.Label("Action taken", html_for=action_id),
        dbc.RadioItems(
            id=action_id,
            options=[
                {"label": ACTION_WORDS[action], "value": action.value}
                for action in AcknowledgementAction
            ],
            value=AcknowledgementAction.OBSERVED.value,
            className=f"{gap} ack-actions",
        ),
        dbc.Label("Note (optional; required for Other)", html_for=note_id),
        dbc.Textarea(id=note_id, maxLength=MAX_FREE_TEXT, rows=2),
    ]
