"""One session at the bedside: the layout of its panel and cards (reading form, recovery
card, pump, flags, CADSS, trend, readings). What each card shows is filled by the refresh."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config import Protocol, Ratings
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.ui.bedside.dialogs import end_dialog, exit_dialog
from monitor.ui.components import cadss_items, cadss_legend, moaas_picker, vital_input
from monitor.ui.ids import VITAL_INPUTS, Bedside, PreDose, Recovery
from monitor.ui.recovery_view import card as recovery_card

# Screen readers announce changes in these regions.
POLITE: Any = {"aria-live": "polite"}
ASSERTIVE: Any = {"aria-live": "assertive"}
# An outcome shown over the page, near its top, so it is read without scrolling.
FLOATING: Any = {
    "position": "fixed",
    "top": "4.5rem",
    "left": "50%",
    "transform": "translateX(-50%)",
    "zIndex": 1060,
    "width": "min(40rem, 94vw)",
}
HIDDEN: Any = {"display": "none"}


def session_panel(
    chair: str,
    session_id: int,
    protocol: Protocol,
    refresh_ms: float,
    keys: tuple[str, str, str, str],
    *,
    pre_dose: Any = None,
    course_place: str = "",
    interventions: Any = None,
) -> html.Div:
    """One session at the bedside. The reading form is the first card in every phase (a
    reading is what falls due, in recovery too), with the outcome of Save beside its
    button, so a tablet in either orientation shows it without scrolling; then the recovery
    card (in recovery), the pre-dose check above the pump (before dosing), the pump and the
    flags, CADSS, the trend and the readings. `course_place` ("Session 3 of 6") stands on
    the header's line. `interventions` (adverse events, rescue medications, the ketamine
    record) stand under the pump and the flags."""
    reading_key, event_key, cadss_key, recovery_key = keys
    return html.Div(
        [
            dcc.Store(id=Bedside.SESSION, data=session_id),
            dcc.Store(id=Bedside.CHAIR, data=chair),
            dcc.Store(id=Bedside.READING_KEY, data=reading_key),
            dcc.Store(id=Bedside.EVENT_KEY, data=event_key),
            dcc.Store(id=Bedside.CADSS_KEY, data=cadss_key),
            dcc.Store(id=Recovery.KEY, data=recovery_key),
            dcc.Store(id=Bedside.VERSION, data=0),
            dcc.Store(id=Bedside.DUE),
            dcc.Store(id=Bedside.DUE_CLOCK),
            dcc.Store(id=Bedside.CADSS_DUE),
            dcc.Interval(id=Bedside.REFRESH, interval=refresh_ms),
            dcc.Interval(id=Bedside.TICK, interval=1000),
            html.Div(
                [
                    html.Div(id=Bedside.HEADER, className="flex-grow-1"),
                    # on the header's line (the header is redrawn by the refresh; this is not)
                    html.Span(course_place, id=PreDose.COURSE_PLACE, className="fw-bold ms-2")
                    if course_place
                    else None,
                    dcc.Link(
                        "← All chairs", href="/bedside", className="ms-2 text-nowrap nav-target"
                    ),
                ],
                className="d-flex align-items-start bed-top",
            ),
            html.Div(id=Bedside.COUNTDOWN, className="countdown", role="timer", **POLITE),
            _reading_card(),
            recovery_card(protocol),
            dbc.Row(
                [
                    dbc.Col([pre_dose, _infusion_card()], lg=7),
                    dbc.Col(_titled_card("Flags this session", html.Div(id=Bedside.FLAGS)), lg=5),
                ]
            ),
            interventions,
            _cadss_card(protocol.ratings),
            _titled_card(
                "Trend",
                dcc.Graph(id=Bedside.TREND, config={"displayModeBar": False, "responsive": True}),
            ),
            dbc.Card([dbc.CardHeader("Readings"), dbc.CardBody(html.Div(id=Bedside.TABLE))]),
        ]
    )


def _titled_card(title: str, body: Any) -> dbc.Card:
    """A card of the panel: its title, what the refresh fills, space below."""
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)], className="mb-3")


def _reading_card() -> dbc.Card:
    fields = [vital_input(name) for name in VITAL_INPUTS]
    for field in fields:
        field.lg = 2  # one row of six fields on a landscape tablet
    return dbc.Card(
        [
            dbc.CardHeader("New reading"),
            dbc.CardBody(
                [
                    dbc.Row(fields),
                    moaas_picker(),
                    dbc.Row(
                        [
                            dbc.Col(
                                dbc.Button(
                                    "Save reading",
                                    id=Bedside.SAVE,
                                    color="primary",
                                    size="lg",
                                    className="w-100",
                                ),
                                md=4,
                                className="mb-2",
                            ),
                            # What Save did (saved with its flags, or why not) beside the button.
                            dbc.Col(html.Div(id=Bedside.RESULT, **ASSERTIVE), md=8),
                        ],
                        className="mt-2",
                    ),
                ],
                className="pb-1",
            ),
        ],
        id="bed-reading-card",
        className="mb-3",
    )


def _pump_button(id_: str, text: str, colour: str) -> dbc.Button:
    """A pump button: disabled until the refresh asks the state machine."""
    return dbc.Button(text, id=id_, color=colour, size="lg", className="me-2 mb-2", disabled=True)


def _infusion_card() -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Infusion"),
            dbc.CardBody(
                [
                    html.Div(
                        [
                            _pump_button(Bedside.START, "Start infusion", "success"),
                            _pump_button(Bedside.PAUSE, "Pause", "warning"),
                            _pump_button(Bedside.RESUME, "Resume", "success"),
                            _pump_button(Bedside.STOP, "Stop infusion", "danger"),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(
                                        "Reason (to pause or stop early)",
                                        html_for=Bedside.EVENT_REASON,
                                    ),
                                    dbc.Input(
                                        id=Bedside.EVENT_REASON,
                                        type="text",
                                        maxLength=MAX_FREE_TEXT,
                                    ),
                                ],
                                md=7,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label("New rate (mL/h)", html_for=Bedside.RATE),
                                    dbc.InputGroup(
                                        [
                                            dbc.Input(
                                                id=Bedside.RATE,
                                                type="text",
                                                inputmode="decimal",
                                                maxLength=6,
                                            ),
                                            dbc.Button(
                                                "Set rate",
                                                id=Bedside.RATE_CHANGE,
                                                color="secondary",
                                                disabled=True,
                                            ),
                                        ]
                                    ),
                                ],
                                md=5,
                            ),
                        ],
                        className="mt-2",
                    ),
                    dbc.Button(
                        "End session early",
                        id=Bedside.END_EARLY,
                        color="danger",
                        outline=True,
                        className="mt-3 me-2",
                        disabled=True,
                    ),
                    dbc.Button(
                        "Sign exit: transfer or against advice",
                        id=Bedside.EXIT_OPEN,
                        color="danger",
                        className="mt-3",
                        style=HIDDEN,
                    ),
                    html.Div(
                        "In recovery the session ends through the discharge sign-off, or a "
                        "transfer or against-advice exit that the physician signs.",
                        id=Bedside.EXIT_HINT,
                        className="small text-body-secondary mt-2",
                        style=HIDDEN,
                    ),
                    html.Div(id=Bedside.EVENT_MESSAGE, className="mt-2"),
                    end_dialog(),
                    exit_dialog(),
                    html.Div(id=Bedside.END_RESULT, style=FLOATING, **ASSERTIVE),
                    html.Div(id=Bedside.EXIT_RESULT, style=FLOATING, **ASSERTIVE),
                ]
            ),
        ],
        className="mb-3",
    )


def _cadss_card(ratings: Ratings) -> dbc.Card:
    """The protocol's CADSS as a form: each item's prompt and its 0–4 anchors, from config."""
    form = ratings.cadss_form
    return dbc.Card(
        [
            dbc.CardHeader([f"{ratings.cadss_version} ", html.Span(id="bed-cadss-banner")]),
            dbc.CardBody(
                [
                    cadss_legend(form.anchors),
                    *cadss_items(form.prompts(ratings.cadss_version), form.anchors),
                    dbc.Button(
                        "Save CADSS", id=Bedside.CADSS_SAVE, color="primary", className="mt-2"
                    ),
                    html.Div(id=Bedside.CADSS_MESSAGE, className="mt-2"),
                    html.Small(
                        f"Item prompts: {form.source}",
                        className="text-body-secondary d-block mt-2 cadss-source",
                    ),
                ]
            ),
        ],
        id=Bedside.CADSS_CARD,
        className="mb-3",
    )
