"""The bedside's adverse-event card (issue 13): what happened, in a few taps on a tablet.

The kind and the grade are big toggle buttons, "serious" one checkbox, the onset the time
now (the nurse changes it if it began earlier), the action taken, a note and the excursion
it belongs to optional. Save's outcome stands beside it. Under the form, the session's
events, each open one with a "Resolved now" button, and a form for any other outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config.interventions import AdverseEvents
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from monitor.ui.bedside.panel import ASSERTIVE, POLITE
from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.adverse_event_reads import AdverseEventView, ExcursionChoice


class Ae:
    """The card's ids: every callback's first output starts with `ae-` (the access matrix)."""

    CARD = "ae-card"
    KEY = "ae-key"
    KIND = "ae-kind"
    SEVERITY = "ae-severity"
    SERIOUS = "ae-serious"
    ONSET = "ae-onset"
    ONSET_DEFAULT = "ae-onset-default"  # the "now" the onset showed last: untouched if equal
    ACTION = "ae-action"
    NOTE = "ae-note"
    EXCURSION = "ae-excursion"
    SAVE = "ae-save"
    MESSAGE = "ae-message"
    LIST = "ae-list"
    LIST_MESSAGE = "ae-list-message"
    RESOLVE_KEY = "ae-resolve-key"
    RESOLVE_NOW = "ae-resolve-now"  # pattern-matching: {"type": RESOLVE_NOW, "index": id}
    OUTCOME_EVENT = "ae-outcome-event"
    OUTCOME = "ae-outcome"
    RESOLVED_AT = "ae-resolved-at"
    OUTCOME_NOTE = "ae-outcome-note"
    OUTCOME_KEY = "ae-outcome-key"
    OUTCOME_SAVE = "ae-outcome-save"
    OUTCOME_MESSAGE = "ae-outcome-message"

    @staticmethod
    def problem(field: str) -> str:
        return f"ae-{field.replace('_', '-')}-problem"


# The event form's fields, by the service's names, with their input ids.
EVENT_FIELDS = {
    "kind": Ae.KIND,
    "severity": Ae.SEVERITY,
    "onset_at": Ae.ONSET,
    "action_taken": Ae.ACTION,
    "note": Ae.NOTE,
    "excursion_id": Ae.EXCURSION,
}
OUTCOME_FIELDS = {
    "outcome": Ae.OUTCOME,
    "resolved_at": Ae.RESOLVED_AT,
    "outcome_note": Ae.OUTCOME_NOTE,
}
# The "None" option's value. Not "": dbc.Select renders its own hidden placeholder option
# of value "", which a "None" of the same value loses to, so the select would show a blank.
NO_EXCURSION = "none"
NO_EXCURSION_OPTION = {"label": "None", "value": NO_EXCURSION}


def severity_button(severity: Severity) -> str:
    """'1 Mild', '4 Life-threatening': the grade and its word, from Severity.label."""
    word = severity.label.split(": ", 1)[-1]
    return f"{severity.grade} {word[:1].upper()}{word[1:]}"


def _picker(component_id: str, options: list[dict[str, Any]]) -> Any:
    return dbc.RadioItems(
        id=component_id,
        options=options,
        inline=True,
        className="btn-group scale-picker",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-info",
        labelCheckedClassName="active",
    )


def _field(label: str, component_id: str, control: Any) -> html.Div:
    return html.Div(
        [
            dbc.Label(label, html_for=component_id, id=f"{component_id}-label"),
            control,
            html.Div(id=Ae.problem(_name_of(component_id)), className="invalid-feedback d-block"),
        ],
        className="mb-2",
    )


def _name_of(component_id: str) -> str:
    """The service's name of the field an input enters (the input's own name otherwise)."""
    every = {**EVENT_FIELDS, **OUTCOME_FIELDS}
    return next(
        (name for name, cid in every.items() if cid == component_id),
        component_id.removeprefix("ae-").replace("-", "_"),
    )


def _text(component_id: str) -> Any:
    return dbc.Input(
        id=component_id, type="text", maxLength=MAX_FREE_TEXT, autocomplete="off", size="lg"
    )


def card(rules: AdverseEvents, *, key: str, onset: str) -> dbc.Card:
    """The card's frame; the refresh fills the list and the excursions."""
    return dbc.Card(
        [
            dbc.CardHeader("Adverse events"),
            dbc.CardBody(
                [
                    dcc.Store(id=Ae.KEY, data=key),
                    dcc.Store(id=Ae.ONSET_DEFAULT, data=onset),
                    dcc.Store(id=Ae.RESOLVE_KEY, data=f"{key}r"),
                    dcc.Store(id=Ae.OUTCOME_KEY, data=f"{key}o"),
                    _field(
                        "What happened",
                        Ae.KIND,
                        _picker(
                            Ae.KIND, [{"label": k.label, "value": k.code} for k in rules.kinds]
                        ),
                    ),
                    _field(
                        "Grade (CTCAE)",
                        Ae.SEVERITY,
                        _picker(
                            Ae.SEVERITY,
                            [{"label": severity_button(s), "value": s.value} for s in Severity],
                        ),
                    ),
                    dbc.Checklist(
                        id=Ae.SERIOUS,
                        options=[{"label": "Serious adverse event", "value": "serious"}],
                        value=[],
                        inline=True,
                    ),
                    _field(
                        "Onset (clinic time, hh:mm)",
                        Ae.ONSET,
                        dbc.Input(id=Ae.ONSET, type="time", value=onset, size="lg"),
                    ),
                    _field("Action taken (optional)", Ae.ACTION, _text(Ae.ACTION)),
                    _field("Note (optional; required for Other)", Ae.NOTE, _text(Ae.NOTE)),
                    _field(
                        "Linked excursion (optional)",
                        Ae.EXCURSION,
                        dbc.Select(
                            id=Ae.EXCURSION,
                            options=[NO_EXCURSION_OPTION],
                            value=NO_EXCURSION,
                            size="lg",
                        ),
                    ),
                    html.Div(
                        [
                            dbc.Button(
                                "Save adverse event", id=Ae.SAVE, color="primary", size="lg"
                            ),
                            html.Div(id=Ae.MESSAGE, className="flex-grow-1", **ASSERTIVE),
                        ],
                        className="d-flex gap-2 align-items-start flex-wrap",
                    ),
                    html.H2("This session's adverse events", className="h6 mt-3"),
                    html.Div(id=Ae.LIST_MESSAGE, **ASSERTIVE),
                    html.Div(id=Ae.LIST, **POLITE),
                    _outcome_form(),
                ]
            ),
        ],
        id=Ae.CARD,
        className="mb-3",
    )


def _outcome_form() -> Any:
    return html.Details(
        [
            html.Summary("Record another outcome", className="nav-target"),
            _field(
                "Event",
                Ae.OUTCOME_EVENT,
                dbc.Select(id=Ae.OUTCOME_EVENT, options=[], size="lg"),
            ),
            _field(
                "Outcome",
                Ae.OUTCOME,
                _picker(
                    Ae.OUTCOME, [{"label": o.label, "value": o.value} for o in AdverseEventOutcome]
                ),
            ),
            _field(
                "Time resolved (clinic time, hh:mm)",
                Ae.RESOLVED_AT,
                dbc.Input(id=Ae.RESOLVED_AT, type="time", size="lg"),
            ),
            _field("Outcome note (optional)", Ae.OUTCOME_NOTE, _text(Ae.OUTCOME_NOTE)),
            html.Div(
                [
                    dbc.Button("Save outcome", id=Ae.OUTCOME_SAVE, color="secondary", size="lg"),
                    html.Div(id=Ae.OUTCOME_MESSAGE, className="flex-grow-1", **ASSERTIVE),
                ],
                className="d-flex gap-2 align-items-start flex-wrap",
            ),
        ],
        className="mt-2",
    )


def excursion_options(choices: Sequence[ExcursionChoice], zone: ZoneInfo) -> list[dict[str, Any]]:
    """'None', then each excursion as '14:32 · <its message>'."""
    return [NO_EXCURSION_OPTION] + [
        {"label": f"{local_time(c.taken_at, zone)} · {c.message}", "value": str(c.id)}
        for c in choices
    ]


def event_options(events: Sequence[AdverseEventView], zone: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {"label": f"{local_time(e.onset_at, zone)} · {e.kind_label}", "value": str(e.id)}
        for e in events
    ]


def _standing(event: AdverseEventView, zone: ZoneInfo) -> str:
    if event.outcome is None:
        return "Open"
    if event.resolved_at is not None:
        return f"{event.outcome.label} at {local_time(event.resolved_at, zone)}"
    return event.outcome.label


def event_list(events: Sequence[AdverseEventView], zone: ZoneInfo) -> Any:
    """Each event on a line: onset, kind, grade, serious, outcome; open ones can be
    resolved with one tap."""
    if not events:
        return html.P("None recorded.", className="text-body-secondary mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(
                        f"{local_time(e.onset_at, zone)} · {e.kind_label}"
                        + (f" ({e.note})" if e.note else "")
                        + f" · {e.severity.label}"
                        + (" · serious" if e.serious else "")
                        + " · ",
                    ),
                    html.Strong(_standing(e, zone), id=f"ae-standing-{e.id}"),
                    None
                    if e.closed
                    else dbc.Button(
                        "Resolved now",
                        id={"type": Ae.RESOLVE_NOW, "index": e.id},
                        color="success",
                        size="lg",
                        className="ms-2",
                        title=f"Mark {e.kind_label} resolved now",
                    ),
                ],
                className="mb-2 d-flex align-items-center flex-wrap gap-1",
                id=f"ae-event-{e.id}",
            )
            for e in events
        ],
        className="list-unstyled mb-0",
    )
