"""Opening a session at a free chair: the patient, today's weight, the protocol, and the dose
plan the nurse programs the pump with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config import Config
from monitor.domain.clinic_time import age_on, clinic_today
from monitor.domain.dose import DosePlan
from monitor.ui.bedside.panel import POLITE
from monitor.ui.ids import Bedside, PreDose


def _age(birth: date, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Age in years on today's date at the clinic (not the server's date)."""
    return age_on(birth, clinic_today(now or datetime.now(UTC), zone))


# Where a refusal of the open-session service is shown: its field, or the patient (a
# course not ready: what stops this patient being opened). A seat taken is said below.
FIELD_SLOTS = {
    "weight": PreDose.OPEN_WEIGHT_PROBLEM,
    "protocol": PreDose.OPEN_PROTOCOL_PROBLEM,
    "patient": PreDose.OPEN_PATIENT_PROBLEM,
}


def _labelled(label: str, control: Any, width: int, slot: str) -> dbc.Col:
    """A form field with its label and the slot for why it was refused."""
    return dbc.Col([dbc.Label(label, html_for=control.id), control, _problem_slot(slot)], md=width)


def _problem_slot(slot: str) -> html.Div:
    return html.Div(id=slot, className="text-danger fw-bold mt-1", role="status")


def field_problems(problems: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each refusal (field, message) at its field's slot, by slot id: a course not ready,
    or any field the form has no slot for, at the patient's. Several at one slot join."""
    out = dict.fromkeys(FIELD_SLOTS.values(), "")
    for field, message in problems:
        slot = FIELD_SLOTS.get(field, PreDose.OPEN_PATIENT_PROBLEM)
        out[slot] = f"{out[slot]} {message.rstrip('.')}.".strip()
    return out


def open_form(chair: str, patients: Sequence[Any], config: Config, key: str) -> html.Div:
    """The form that seats a patient: who, today's weight (prefilled), which protocol."""
    options = [
        {
            "label": f"{p.name} · MRN {p.mrn} · {_age(p.birth_date, config.clinic.zone)} y",
            "value": p.id,
            "weight": p.weight_kg,
        }
        for p in patients
    ]
    protocols = [{"label": p.name, "value": p.id} for p in config.protocols]
    weight = dbc.Input(id=Bedside.OPEN_WEIGHT, type="text", inputmode="decimal", autocomplete="off")
    protocol = dbc.Select(
        id=Bedside.OPEN_PROTOCOL, options=protocols, value=config.default_protocol.id
    )
    return html.Div(
        [
            dcc.Store(id=Bedside.CHAIR, data=chair),
            dcc.Store(id=Bedside.OPEN_KEY, data=key),
            dcc.Location(id=Bedside.OPEN_REDIRECT, refresh=True),
            dcc.Link("← All chairs", href="/bedside", className="nav-target"),
            html.H1(f"{chair}: open a session", className="h3 my-3"),
            dbc.Card(
                dbc.CardBody(
                    [
                        dbc.Label("Patient", html_for=Bedside.OPEN_PATIENT),
                        dcc.Dropdown(
                            id=Bedside.OPEN_PATIENT,
                            options=[{"label": o["label"], "value": o["value"]} for o in options],
                            placeholder="Search by name or MRN",
                            className="touch-dropdown",
                        ),
                        html.Div(_problem_slot(PreDose.OPEN_PATIENT_PROBLEM), className="mb-3"),
                        dcc.Store(
                            id=Bedside.OPEN_WEIGHTS,
                            data={str(o["value"]): o["weight"] for o in options},
                        ),
                        dbc.Row(
                            [
                                _labelled("Weight today (kg)", weight, 4, FIELD_SLOTS["weight"]),
                                _labelled("Protocol", protocol, 8, FIELD_SLOTS["protocol"]),
                            ],
                            className="mb-3",
                        ),
                        html.Div(id=Bedside.OPEN_DOSE, className="dose-preview mb-3", **POLITE),
                        dbc.Button(
                            "Open session", id=Bedside.OPEN_SUBMIT, color="primary", size="lg"
                        ),
                        html.Div(id=Bedside.OPEN_MESSAGE, className="mt-3"),
                    ]
                )
            ),
        ]
    )


def weight_of_patient(patient_id: Any, weights: Mapping[str, float] | None) -> Any:
    """Prefill today's weight with the patient's recorded weight."""
    return (weights or {}).get(str(patient_id), "")


def dose_problem(message: str, weight: Any) -> Any:
    """Why no dose can be shown yet (nothing while the weight is still empty)."""
    return html.Div(message, className="text-muted") if weight not in (None, "") else ""


def dose_plan(plan: DosePlan, config: Config, protocol_id: str) -> Any:
    """The dose, volume and pump rate the service computed, as the nurse programs them."""
    concentration = config.protocol(protocol_id).concentration_mg_per_ml
    return dbc.Alert(
        [
            html.Div(f"Weight {plan.weight_kg:g} kg × {plan.dose_mg_per_kg:g} mg/kg"),
            html.Div(
                [
                    html.Strong(f"Dose {plan.dose_mg:g} mg"),
                    f" = {plan.volume_ml:g} mL at {concentration:g} mg/mL",
                ]
            ),
            html.Div(
                [
                    html.Strong(f"Pump rate {plan.rate_ml_per_h:g} mL/h"),
                    f" over {plan.infusion_minutes:g} min",
                ]
            ),
        ],
        color="info",
        className="mb-0",
        id="bed-dose-plan",
    )
