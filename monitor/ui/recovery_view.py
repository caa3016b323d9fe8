"""The bedside recovery card: discharge criteria live, the nurse's assessment, and the two
signatures that lock the record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from monitor.config import Protocol
from monitor.domain.discharge import CHECKLIST_LABELS
from monitor.ui.components import local_time
from monitor.ui.ids import Recovery as R

if TYPE_CHECKING:
    from monitor.services.recovery import RecoveryStatus

# Modified Aldrete (Aldrete 1995): what each score means for the items the nurse scores.
ALDRETE_CHOICES = {
    R.ACTIVITY: (
        "Activity",
        (
            "Unable to move extremities",
            "Moves two extremities",
            "Moves four extremities on command",
        ),
    ),
    R.RESPIRATION: (
        "Respiration",
        ("Apnoeic", "Dyspnoea or limited breathing", "Breathes deeply and coughs freely"),
    ),
    R.CONSCIOUSNESS: ("Consciousness", ("Not responding", "Arousable on calling", "Fully awake")),
}


def _picker(component_id: str) -> html.Div:
    label, meanings = ALDRETE_CHOICES[component_id]
    return html.Div(
        [
            dbc.Label(f"{label} (Aldrete 0–2)", html_for=component_id),
            dbc.RadioItems(
                id=component_id,
                inline=True,
                className="btn-group scale-picker",
                options=[
                    {"label": str(score), "value": score, "title": meanings[score]}
                    for score in (2, 1, 0)
                ],
                inputClassName="btn-check",
                labelClassName="btn btn-outline-info",
                labelCheckedClassName="active",
            ),
            dbc.FormText(" · ".join(f"{score} = {meanings[score]}" for score in (2, 1, 0))),
        ],
        className="mb-2",
    )


def card(protocol: Protocol, key: str) -> dbc.Card:
    """Hidden until the infusion has stopped; the refresh shows it in recovery."""
    return dbc.Card(
        [
            dbc.CardHeader("Recovery and discharge sign-off"),
            dbc.CardBody(
                [
                    html.Div(id=R.STATUS, className="mb-3"),
                    html.H2("Nurse's assessment", className="h6"),
                    *[_picker(c) for c in (R.ACTIVITY, R.RESPIRATION, R.CONSCIOUSNESS)],
                    dbc.Label("Confirmed with the patient", html_for=R.CHECKLIST),
                    dbc.Checklist(
                        id=R.CHECKLIST,
                        switch=True,
                        className="mb-2 recovery-checklist",
                        options=[
                            {"label": CHECKLIST_LABELS[item], "value": item}
                            for item in protocol.discharge.checklist
                        ],
                    ),
                    dbc.Button("Save assessment", id=R.SAVE, color="primary", className="mb-3"),
                    html.Div(id=R.MESSAGE),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    html.H2(
                                        "Nurse: sign the assessment (performed)", className="h6"
                                    ),
                                    dbc.Label("Your password", html_for=R.SIGN_PASSWORD),
                                    dbc.Input(
                                        id=R.SIGN_PASSWORD, type="password", autoComplete="off"
                                    ),
                                    dbc.Button(
                                        "Sign as performed",
                                        id=R.SIGN,
                                        color="success",
                                        className="mt-2",
                                    ),
                                ],
                                md=6,
                            ),
                            dbc.Col(
                                [
                                    html.H2("Physician: approve the discharge", className="h6"),
                                    dbc.Label("Your password", html_for=R.APPROVE_PASSWORD),
                                    dbc.Input(
                                        id=R.APPROVE_PASSWORD, type="password", autoComplete="off"
                                    ),
                                    dbc.Label(
                                        "Override reason (only to discharge with criteria unmet)",
                                        html_for=R.OVERRIDE,
                                        className="mt-2",
                                    ),
                                    dbc.Textarea(id=R.OVERRIDE, rows=2, maxLength=2000),
                                    dbc.Button(
                                        "Approve discharge",
                                        id=R.APPROVE,
                                        color="danger",
                                        className="mt-2",
                                    ),
                                ],
                                md=6,
                            ),
                        ]
                    ),
                ]
            ),
        ],
        id=R.CARD,
        className="mb-3",
        style={"display": "none"},
    )


def status(view: RecoveryStatus, zone: ZoneInfo) -> Any:
    """Each criterion met or not, with the reason, and the signatures so far."""
    rows = [
        html.Li(
            [
                html.Span(
                    "✓ Met" if c.met else "✗ Not met",
                    className="criterion-mark " + ("text-success" if c.met else "text-danger"),
                ),
                html.Span(f" {c.label}: ", className="fw-bold"),
                html.Span(c.detail),
            ],
            className="criterion " + ("met" if c.met else "unmet"),
        )
        for c in view.criteria
    ]
    summary = (
        dbc.Badge("READY FOR DISCHARGE", color="success", id="rec-ready")
        if view.ready
        else dbc.Badge(
            f"{sum(not c.met for c in view.criteria)} criteria not met",
            color="danger",
            id="rec-ready",
        )
    )
    signed = [
        html.Div(
            f"Signed {s.meaning} by {s.printed_name} ({s.role}) "
            f"{local_time(s.signed_at, zone, '%Y-%m-%d %H:%M')}"
            + (f" — override: {s.override_reason}" if s.override_reason else ""),
            className="signature small",
        )
        for s in view.signatures
    ]
    assessed = (
        ""
        if view.assessment_id is None
        else "Assessment recorded"
        + (" and signed." if view.performed else "; not yet signed by the nurse.")
    )
    return html.Div(
        [
            summary,
            html.Ul(rows, className="criteria list-unstyled mt-2"),
            html.Div(assessed, className="small"),
            *signed,
        ]
    )
