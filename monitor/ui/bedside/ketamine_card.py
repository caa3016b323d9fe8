"""The bedside's ketamine card: record a draw (product, lot, expiry, mL), a waste (from
which draw, mL, time, and the witness's username and password typed right there if they
stand beside the nurse), witness a waste another nurse recorded (on this tablet, signed in
as yourself, with your password), and the balance as it stands.

Every input is labelled with its unit; the product and the draw are big radio buttons;
each action's outcome shows beside its button. Ids start with `ket-` (the access matrix:
nurse and physician)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config import Config
from monitor.domain.ketamine_entries import LOT_MAX_CHARS
from monitor.domain.vocabulary import KetamineBalance
from monitor.ui.bedside.panel import ASSERTIVE, HIDDEN, POLITE
from monitor.ui.components import local_time

if TYPE_CHECKING:
    from monitor.services.ketamine import KetamineRecord
    from monitor.services.ketamine_record import WasteRow

SHOWN: Any = {"display": "block"}
# A volume is a number field with no min, max or step: past any of them the browser holds
# the value as invalid and dbc.Input sends None, so 60 mL would be refused as "Enter the
# volume" instead of the server's "At most 50 mL: check the decimal point"
# (ketamine_entries.check_volume says what is wrong, at the field).
VOLUME_INPUT: dict[str, Any] = {"type": "number", "step": "any", "inputMode": "decimal"}
CHOICES = "form-check-inline q-choices"


class Ket:
    CARD = "ket-card"
    BALANCE = "ket-balance"
    RECORD_LINK = "ket-record-link"
    PRODUCT = "ket-product"
    LOT = "ket-lot"
    EXPIRY = "ket-expiry"
    VOLUME = "ket-volume"
    DRAW = "ket-draw"
    DRAW_KEY = "ket-draw-key"
    DRAW_MESSAGE = "ket-draw-message"
    WASTE_FORM = "ket-waste-form"
    WASTE_DRAW = "ket-waste-draw"
    WASTE_VOLUME = "ket-waste-volume"
    WASTE_TIME = "ket-waste-time"
    WITNESS_USERNAME = "ket-witness-username"
    WITNESS_PASSWORD = "ket-witness-password"
    WASTE = "ket-waste"
    WASTE_KEY = "ket-waste-key"
    WASTE_MESSAGE = "ket-waste-message"
    WASTES = "ket-wastes"
    AWAITING = "ket-awaiting"
    AWAITING_WASTE = "ket-awaiting-waste"
    PASSWORD = "ket-password"
    WITNESS = "ket-witness"
    WITNESS_KEY = "ket-witness-key"
    WITNESS_MESSAGE = "ket-witness-message"


# Where each service field's message is shown.
FIELDS = {
    "product": Ket.PRODUCT,
    "lot": Ket.LOT,
    "expiry": Ket.EXPIRY,
    "volume_ml": Ket.VOLUME,
    "drawn_at": Ket.VOLUME,
}
WASTE_FIELDS = {
    "draw_id": Ket.WASTE_DRAW,
    "volume_ml": Ket.WASTE_VOLUME,
    "wasted_at": Ket.WASTE_TIME,
    "witness_username": Ket.WITNESS_USERNAME,
    "witness_password": Ket.WITNESS_PASSWORD,
}


def _field(label: str, input_id: str, **props: Any) -> Any:
    return html.Div(
        [
            dbc.Label(label, html_for=input_id),
            dbc.Input(id=input_id, size="lg", autocomplete="off", **props),
            dbc.FormFeedback(id=f"{input_id}-problem", type="invalid"),
        ],
        className="mb-2",
    )


def card(session_id: int, config: Config, keys: tuple[str, str, str]) -> dbc.Card:
    """The card's frame; the refresh fills the balance, the draws and the wastes."""
    products = [
        {"label": f"{p.concentration_mg_per_ml:g} mg/mL — {p.name}", "value": p.code}
        for p in config.ketamine.products
    ]
    draw_form = html.Div(
        [
            html.H3("Draw from a vial", className="h6"),
            dbc.Label("Product (concentration)", html_for=Ket.PRODUCT),
            dbc.RadioItems(id=Ket.PRODUCT, options=products, className=CHOICES),
            html.Div(id=f"{Ket.PRODUCT}-problem", className="invalid-feedback d-block"),
            _field("Lot number (as on the vial)", Ket.LOT, type="text", maxLength=LOT_MAX_CHARS),
            _field("Expiry date (as on the vial)", Ket.EXPIRY, type="date"),
            _field("Volume drawn (mL)", Ket.VOLUME, **VOLUME_INPUT),
            dcc.Store(id=Ket.DRAW_KEY, data=keys[0]),
            dbc.Button("Record draw", id=Ket.DRAW, color="primary", size="lg"),
            html.Div(id=Ket.DRAW_MESSAGE, className="mt-2", **ASSERTIVE),
        ],
        className="mb-3",
    )
    waste_form = html.Div(
        [
            html.H3("Waste", className="h6"),
            dbc.Label("From the draw", html_for=Ket.WASTE_DRAW),
            dbc.RadioItems(id=Ket.WASTE_DRAW, options=[], className=CHOICES),
            html.Div(id=f"{Ket.WASTE_DRAW}-problem", className="invalid-feedback d-block"),
            _field("Volume wasted (mL)", Ket.WASTE_VOLUME, **VOLUME_INPUT),
            _field("Time wasted (HH:MM, clinic time; empty = now)", Ket.WASTE_TIME, type="time"),
            html.P(
                "Witness beside you? They type their own username and password here; "
                "otherwise the waste waits for a witness.",
                className="small mb-1",
            ),
            _field("Witness's username", Ket.WITNESS_USERNAME, type="text", maxLength=64),
            _field("Witness's password", Ket.WITNESS_PASSWORD, type="password"),
            dcc.Store(id=Ket.WASTE_KEY, data=keys[1]),
            dbc.Button("Record waste", id=Ket.WASTE, color="primary", size="lg"),
            html.Div(id=Ket.WASTE_MESSAGE, className="mt-2", **ASSERTIVE),
        ],
        id=Ket.WASTE_FORM,
        className="mb-3",
        style=HIDDEN,
    )
    awaiting = html.Div(
        [
            html.H3("Wastes awaiting a witness", className="h6"),
            dbc.Label("Waste you witness", html_for=Ket.AWAITING_WASTE),
            dbc.RadioItems(id=Ket.AWAITING_WASTE, options=[], className=CHOICES),
            _field("Your password (you sign as the witness)", Ket.PASSWORD, type="password"),
            dcc.Store(id=Ket.WITNESS_KEY, data=keys[2]),
            dbc.Button("Witness", id=Ket.WITNESS, color="primary", size="lg"),
            html.Div(id=Ket.WITNESS_MESSAGE, className="mt-2", **ASSERTIVE),
        ],
        id=Ket.AWAITING,
        className="mb-3",
        style=HIDDEN,
    )
    return dbc.Card(
        [
            dbc.CardHeader("Ketamine record (Schedule III)"),
            dbc.CardBody(
                [
                    html.Div(id=Ket.BALANCE, className="mb-2", **POLITE),
                    html.Ul(id=Ket.WASTES, className="small mb-2", **POLITE),
                    dcc.Link(
                        "The session's ketamine record",
                        href=f"/session/{session_id}/ketamine",
                        id=Ket.RECORD_LINK,
                        className="nav-target mb-2",
                    ),
                    draw_form,
                    waste_form,
                    awaiting,
                ]
            ),
        ],
        id=Ket.CARD,
        className="mb-3",
    )


def balance_line(record: KetamineRecord) -> Any:
    """Drawn / given / wasted / status, in mL of the product; what awaits a witness."""
    b = record.balance
    given = "pending (infusion not stopped)" if b.given_ml is None else f"{b.given_ml:.2f} mL"
    color = {
        KetamineBalance.BALANCED: "success",
        KetamineBalance.RESOLVED: "success",
        KetamineBalance.DISCREPANCY: "danger",
        KetamineBalance.GIVEN_WITHOUT_RECORD: "danger",
    }.get(b.status, "secondary")
    parts: list[Any] = [
        html.Span(f"Drawn {b.drawn_ml:.2f} mL · Given {given} · Wasted {b.wasted_ml:.2f} mL · "),
        dbc.Badge(b.status.label, color=color, id="ket-status", className="fs-6"),
    ]
    if b.imbalance_ml:
        parts.append(html.Span(f" (imbalance {b.imbalance_ml:+.2f} mL)"))
    if b.awaiting_witness_ml:
        parts.append(
            html.Div(
                f"{b.awaiting_witness_ml:.2f} mL wasted, awaiting witness: not yet counted",
                id="ket-awaiting-line",
                className="small",
            )
        )
    return html.Div(parts)


def draw_options(record: KetamineRecord, zone: ZoneInfo) -> list[dict[str, str | int]]:
    return [
        {
            "label": f"{local_time(d.drawn_at, zone)} lot {d.lot}: {d.volume_ml:.2f} mL",
            "value": d.id,
        }
        for d in record.draws
    ]


def waste_lines(record: KetamineRecord, zone: ZoneInfo) -> list[Any]:
    """Each waste of the session and who witnessed it, so both nurses see the witness land
    on their own tablet."""
    lines = []
    for w in record.wastes:
        witness = (
            f"witnessed by {w.witness_name} at {local_time(w.witnessed_at, zone)}"
            if w.witnessed
            else "awaiting witness"
        )
        lines.append(
            html.Li(
                f"Wasted {w.volume_ml:.2f} mL at {local_time(w.wasted_at, zone)} "
                f"by {w.wasted_by_name} — {witness}"
            )
        )
    return lines


def to_witness(record: KetamineRecord, viewer_id: int) -> list[WasteRow]:
    """The wastes awaiting a witness that the signed-in person may witness: those someone
    else recorded (a nurse cannot witness her own waste; her own show in the wastes list as
    awaiting witness)."""
    return [w for w in record.awaiting_witness if w.entered_by != viewer_id]


def awaiting_options(wastes: list[WasteRow], zone: ZoneInfo) -> list[dict[str, str | int]]:
    return [
        {
            "label": f"{w.volume_ml:.2f} mL at {local_time(w.wasted_at, zone)} "
            f"by {w.wasted_by_name}",
            "value": w.id,
        }
        for w in wastes
    ]


def refreshed(record: KetamineRecord, zone: ZoneInfo, viewer_id: int) -> dict[str, Any]:
    """The card's parts as they stand, for the person looking at it (`viewer_id`)."""
    awaiting = to_witness(record, viewer_id)
    return {
        "balance": balance_line(record),
        "wastes": waste_lines(record, zone),
        "draws": draw_options(record, zone),
        "waste_style": SHOWN if record.draws else HIDDEN,
        "awaiting": awaiting_options(awaiting, zone),
        "awaiting_style": SHOWN if awaiting else HIDDEN,
    }
