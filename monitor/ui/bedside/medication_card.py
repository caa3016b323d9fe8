"""The bedside's rescue-medications card: what was given (drug, dose, route, time, by whom,
for what, under whose order), the physician's orders waiting to be given, the nurse's
"Give" form in a few taps (drug, route and indication as big buttons; the usual dose and
the time now filled in), and for a physician signed in at the bedside the signed "Order"
form. Each refusal is shown at its field; each outcome beside its button."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config.interventions import Formulary, RescueDrug
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.rescue_doses import amount, usual_range
from monitor.domain.vocabulary import MedicationRoute
from monitor.ui.bedside.panel import ASSERTIVE, POLITE
from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.medication_record import GivenDose, IndicationChoice, WaitingOrder


class Meds:
    """The card's ids: the nurse's under `med-` (nurse and physician), the physician's
    order under `medorder-` (physician only)."""

    CARD = "med-card"
    SHOWN = "med-shown"  # a store: the fingerprint of the lists the card shows now
    GIVEN = "med-given"
    WAITING = "med-waiting"
    GIVE_ORDER = "med-give-order"  # pattern {"type": GIVE_ORDER, "order": id}
    DRUG = "med-drug"
    ROUTE = "med-route"
    DOSE = "med-dose"
    DOSE_LABEL = "med-dose-label"
    GIVEN_AT = "med-given-at"
    INDICATION = "med-indication"
    ORDER = "med-order"  # the order being given (a store), None on a standing order
    ORDER_NOTE = "med-order-note"
    KEY = "med-key"
    GIVE = "med-give"
    MESSAGE = "med-message"
    O_DRUG = "medorder-drug"
    O_ROUTE = "medorder-route"
    O_DOSE = "medorder-dose"
    O_DOSE_LABEL = "medorder-dose-label"
    O_REASON = "medorder-reason"
    O_PASSWORD = "medorder-password"
    O_KEY = "medorder-key"
    O_SUBMIT = "medorder-submit"
    O_MESSAGE = "medorder-message"

    @staticmethod
    def problem(field: str) -> str:
        return f"med-problem-{field}"

    @staticmethod
    def order_problem(field: str) -> str:
        return f"medorder-problem-{field}"


GIVE_FIELDS = ("drug", "route", "dose", "given_at", "indication", "order")
ORDER_FIELDS = ("drug", "route", "dose", "reason", "password")
PICKER = "btn-group scale-picker med-picker"


def _picker(id_: str, options: list[dict[str, Any]], value: Any = None) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=id_,
        options=options,
        value=value,
        inline=True,
        className=PICKER,
        inputClassName="btn-check",
        labelClassName="btn btn-outline-info",
        labelCheckedClassName="active",
    )


def _problem(id_: str) -> html.Div:
    return html.Div(id=id_, className="invalid-feedback d-block")


def drug_options(formulary: Formulary) -> list[dict[str, Any]]:
    """Each drug as a button: its name, strength, and whether a nurse may give it now."""
    return [
        {
            "label": html.Span(
                [
                    html.Strong(d.name),
                    html.Br(),
                    html.Small(f"{d.strength} · {usual_range(d)}"),
                    html.Br(),
                    html.Small("standing order" if d.standing_order else "needs order"),
                ]
            ),
            "value": d.code,
        }
        for d in formulary.drugs
    ]


def route_options(drug: RescueDrug | None) -> list[dict[str, Any]]:
    routes = drug.routes if drug else []
    return [{"label": MedicationRoute(r).label, "value": MedicationRoute(r).value} for r in routes]


def dose_label(drug: RescueDrug | None) -> str:
    return f"Dose ({drug.unit})" if drug else "Dose"


def usual_dose(drug: RescueDrug) -> str:
    return f"{drug.dose_min:g}"


def card(formulary: Formulary, *, physician: bool, key: str, order_key: str, now: str) -> Any:
    """The card's frame; the refresh fills what was given, the orders and the indications."""
    return dbc.Card(
        [
            dbc.CardHeader("Rescue medications"),
            dbc.CardBody(
                [
                    dcc.Store(id=Meds.SHOWN, data=None),
                    html.Div(id=Meds.GIVEN, **POLITE),
                    html.Div(id=Meds.WAITING, className="mt-2", **POLITE),
                    _give_form(formulary, key, now),
                    _order_form(formulary, order_key) if physician else None,
                ]
            ),
        ],
        id=Meds.CARD,
        className="mb-3",
    )


def _give_form(formulary: Formulary, key: str, now: str) -> Any:
    return html.Div(
        [
            dcc.Store(id=Meds.KEY, data=key),
            dcc.Store(id=Meds.ORDER, data=None),
            html.H2("Give a dose", className="h6 mt-3"),
            dbc.Label("Drug", html_for=Meds.DRUG),
            _picker(Meds.DRUG, drug_options(formulary)),
            _problem(Meds.problem("drug")),
            html.Div(id=Meds.ORDER_NOTE, className="small mt-1"),
            _problem(Meds.problem("order")),
            dbc.Label("Route", html_for=Meds.ROUTE, className="mt-2"),
            _picker(Meds.ROUTE, []),
            _problem(Meds.problem("route")),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Dose", html_for=Meds.DOSE, id=Meds.DOSE_LABEL),
                            dbc.Input(
                                id=Meds.DOSE,
                                type="text",
                                inputMode="decimal",
                                size="lg",
                                autocomplete="off",
                            ),
                            _problem(Meds.problem("dose")),
                        ],
                        xs=6,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Time given (clinic time)", html_for=Meds.GIVEN_AT),
                            dbc.Input(id=Meds.GIVEN_AT, type="time", value=now, size="lg"),
                            _problem(Meds.problem("given_at")),
                        ],
                        xs=6,
                    ),
                ],
                className="mt-2",
            ),
            dbc.Label(
                "Given for (this session's adverse event or excursion)",
                html_for=Meds.INDICATION,
                className="mt-2",
            ),
            _picker(Meds.INDICATION, []),
            _problem(Meds.problem("indication")),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Button("Give", id=Meds.GIVE, color="primary", size="lg"), width="auto"
                    ),
                    dbc.Col(html.Div(id=Meds.MESSAGE, className="med-outcome", **ASSERTIVE)),
                ],
                className="mt-2 align-items-center",
            ),
        ]
    )


def _order_form(formulary: Formulary, key: str) -> Any:
    """The physician's order: one dose, a reason when outside the range or past the
    maximum, signed with their password."""
    return html.Div(
        [
            dcc.Store(id=Meds.O_KEY, data=key),
            html.H2("Order a dose (physician)", className="h6 mt-4"),
            dbc.Label("Drug to order", html_for=Meds.O_DRUG),
            _picker(Meds.O_DRUG, drug_options(formulary)),
            _problem(Meds.order_problem("drug")),
            dbc.Label("Route ordered", html_for=Meds.O_ROUTE, className="mt-2"),
            _picker(Meds.O_ROUTE, []),
            _problem(Meds.order_problem("route")),
            dbc.Label("Dose ordered", html_for=Meds.O_DOSE, id=Meds.O_DOSE_LABEL, className="mt-2"),
            dbc.Input(
                id=Meds.O_DOSE, type="text", inputMode="decimal", size="lg", autocomplete="off"
            ),
            _problem(Meds.order_problem("dose")),
            dbc.Label(
                "Reason (required outside the usual range or past the maximum)",
                html_for=Meds.O_REASON,
                className="mt-2",
            ),
            dbc.Input(
                id=Meds.O_REASON,
                type="text",
                maxLength=MAX_FREE_TEXT,
                size="lg",
                autocomplete="off",
            ),
            _problem(Meds.order_problem("reason")),
            dbc.Label(
                "Your password (signs the order)", html_for=Meds.O_PASSWORD, className="mt-2"
            ),
            dbc.Input(
                id=Meds.O_PASSWORD, type="password", size="lg", autocomplete="current-password"
            ),
            _problem(Meds.order_problem("password")),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Button("Sign the order", id=Meds.O_SUBMIT, color="primary", size="lg"),
                        width="auto",
                    ),
                    dbc.Col(html.Div(id=Meds.O_MESSAGE, className="med-outcome", **ASSERTIVE)),
                ],
                className="mt-2 align-items-center",
            ),
        ]
    )


def given_list(doses: Sequence[GivenDose], zone: ZoneInfo) -> Any:
    if not doses:
        return html.P("No rescue medication given this session.", className="small mb-1")
    return html.Div(
        [
            html.H2("Given", className="h6"),
            html.Ul(
                [
                    html.Li(
                        f"{local_time(d.given_at, zone)} {d.words} — by {d.given_by}, for "
                        f"{d.indication or 'no indication recorded'}; "
                        + (f"ordered by {d.ordered_by}" if d.ordered_by else "standing order")
                    )
                    for d in doses
                ],
                className="small mb-1",
            ),
        ],
        id="med-given-list",
    )


def waiting_list(orders: Sequence[WaitingOrder], zone: ZoneInfo) -> Any:
    if not orders:
        return None
    return html.Div(
        [
            html.H2("Orders waiting", className="h6"),
            html.Ul(
                [
                    html.Li(
                        [
                            f"{o.words} — ordered by {o.ordered_by} at "
                            f"{local_time(o.ordered_at, zone)}"
                            + (f" ({o.reason})" if o.reason else "")
                            + " ",
                            dbc.Button(
                                "Give as ordered",
                                id={"type": Meds.GIVE_ORDER, "order": o.order_id},
                                color="secondary",
                                size="lg",
                                className="ms-2 my-1",
                            ),
                        ]
                    )
                    for o in orders
                ],
                className="list-unstyled",
            ),
        ],
        id="med-waiting-list",
    )


def indication_options(choices: Sequence[IndicationChoice], zone: ZoneInfo) -> list[dict[str, Any]]:
    return [{"label": f"{c.words} ({local_time(c.at, zone)})", "value": c.value} for c in choices]


def fingerprint(*shown: object) -> str:
    """What the card's lists show, in a few characters: the refresh redraws them only when
    this changes, so a button or a picker the nurse is tapping is never replaced under the
    tap (a redrawn element is a new element; the tap in flight would be lost)."""
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


def indication_kept(current: Any, options: list[dict[str, Any]]) -> Any:
    """The nurse's pick stays while it is offered; a lone choice is picked for them."""
    values = [o["value"] for o in options]
    if current in values:
        return current
    return values[0] if len(values) == 1 else None


def problems_at(problems: Mapping[str, str], fields: Sequence[str]) -> dict[str, str]:
    """The message under each field (empty where none)."""
    return {name: problems.get(name, "") for name in fields}


def order_note(order: WaitingOrder | None) -> str:
    if order is None:
        return ""
    return f"Giving the order of {order.ordered_by}: {order.words}"


def dose_words(value: float, unit: str) -> str:
    return amount(value, unit)
