"""The recovery card: discharge criteria live, the nurse's assessment, and the two
signatures that lock the record. The physician's approval panel (with the open HIGH alerts
to acknowledge first) is shared by the bedside card and the session record page; each role
is shown only the signature it may give."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.config import Protocol
from monitor.domain.discharge import CHECKLIST_LABELS
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Action, is_allowed
from monitor.domain.session_state import SessionEvent, allows
from monitor.ui.components import action_taken, alarm, local_time
from monitor.ui.ids import Recovery

if TYPE_CHECKING:
    from monitor.domain.approval import OpenAlert
    from monitor.services.recovery import RecoveryStatus

SIGNERS = "rec-signers"  # the signature panel(s) the signed-in role may use


@dataclass(frozen=True)
class ApprovalIds:
    """The approval panel's component ids on one page: "rec" on the bedside card,
    "session-signoff" on the session record page."""

    prefix: str

    def _id(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def password(self) -> str:
        return self._id("approve-password")

    @property
    def override(self) -> str:
        return self._id("override")

    @property
    def approve(self) -> str:
        return self._id("approve")

    @property
    def outcome(self) -> str:
        return self._id("approve-outcome")

    @property
    def refresh(self) -> str:
        return self._id("approve-refresh")

    @property
    def version(self) -> str:
        return self._id("approve-version")

    @property
    def status(self) -> str:
        return self._id("approve-status")

    @property
    def alerts(self) -> str:
        return self._id("approve-alerts")

    @property
    def alert_ids(self) -> str:
        return self._id("approve-alert-ids")

    @property
    def approve_section(self) -> str:
        return self._id("approve-section")

    @property
    def ack_section(self) -> str:
        return self._id("ack-section")

    @property
    def ack_action(self) -> str:
        return self._id("ack-action")

    @property
    def ack_note(self) -> str:
        return self._id("ack-note")

    @property
    def ack_key(self) -> str:
        return self._id("ack-key")

    @property
    def ack(self) -> str:
        return self._id("ack")

    @property
    def ack_message(self) -> str:
        return self._id("ack-message")


BEDSIDE = ApprovalIds("rec")
RECORD = ApprovalIds("session-signoff")

# Modified Aldrete (Aldrete 1995): what each score means for the items the nurse scores.
ALDRETE_CHOICES = {
    Recovery.ACTIVITY: (
        "Activity",
        (
            "Unable to move extremities",
            "Moves two extremities",
            "Moves four extremities on command",
        ),
    ),
    Recovery.RESPIRATION: (
        "Respiration",
        ("Apnoeic", "Dyspnoea or limited breathing", "Breathes deeply and coughs freely"),
    ),
    Recovery.CONSCIOUSNESS: (
        "Consciousness",
        ("Not responding", "Arousable on calling", "Fully awake"),
    ),
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


def card(protocol: Protocol) -> html.Div:
    """Hidden until the infusion has stopped; the refresh shows it in recovery. The approval's
    outcome toast stays outside it: the card hides once the patient is discharged."""
    return html.Div([outcome_toast(BEDSIDE), _card(protocol)])


def _card(protocol: Protocol) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Recovery and discharge sign-off"),
            dbc.CardBody(
                [
                    html.Div(id=Recovery.STATUS, className="mb-3"),
                    html.H2("Nurse's assessment", className="h6"),
                    *[
                        _picker(c)
                        for c in (Recovery.ACTIVITY, Recovery.RESPIRATION, Recovery.CONSCIOUSNESS)
                    ],
                    dbc.Label("Confirmed with the patient", html_for=Recovery.CHECKLIST),
                    dbc.Checklist(
                        id=Recovery.CHECKLIST,
                        switch=True,
                        className="mb-2 recovery-checklist",
                        options=[
                            {"label": CHECKLIST_LABELS[item], "value": item}
                            for item in protocol.discharge.checklist
                        ],
                    ),
                    dbc.Button(
                        "Save assessment", id=Recovery.SAVE, color="primary", className="mb-3"
                    ),
                    html.Div(id=Recovery.MESSAGE),
                    html.Div(id=SIGNERS),  # filled for the signed-in role
                ]
            ),
        ],
        id=Recovery.CARD,
        className="mb-3",
        style={"display": "none"},
    )


def status_panel(view: RecoveryStatus, zone: ZoneInfo) -> Any:
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
    waiting = len(view.open_highs)
    alerts = (
        html.Div(
            f"{waiting} HIGH alert{'s' if waiting > 1 else ''} not yet acknowledged: the "
            "physician acknowledges before approving the discharge.",
            className="small text-danger fw-bold open-highs",
        )
        if waiting
        else None
    )
    return html.Div(
        [
            summary,
            html.Ul(rows, className="criteria list-unstyled mt-2"),
            html.Div(assessed, className="small"),
            alerts,
            *signed,
        ]
    )


# ---- the signatures each role may give ---------------------------------------------------


def sign_panel() -> html.Div:
    """The nurse signs the assessment as performed."""
    return html.Div(
        [
            html.H2("Nurse: sign the assessment (performed)", className="h6"),
            dbc.Label("Your password", html_for=Recovery.SIGN_PASSWORD),
            dbc.Input(id=Recovery.SIGN_PASSWORD, type="password", autoComplete="off"),
            dbc.Button("Sign as performed", id=Recovery.SIGN, color="success", className="mt-2"),
        ],
        className="sign-panel",
    )


def signers(role: str, refresh_ms: float, ack_key: str) -> Any:
    """The bedside card's signature panels for this role: the nurse signs (performed), the
    physician approves; nobody is shown a signature their role cannot give."""
    panels = [
        sign_panel() if is_allowed(role, Action.SIGN_PERFORMED) else None,
        approval_panel(BEDSIDE, refresh_ms, ack_key)
        if is_allowed(role, Action.DISCHARGE)
        else None,
    ]
    return dbc.Row([dbc.Col(p, md=6, className="mb-2") for p in panels if p is not None])


def outcome_toast(ids: ApprovalIds) -> dbc.Toast:
    """The approval's outcome, fixed at the top of the screen: seen without scrolling."""
    return dbc.Toast(
        id=ids.outcome,
        header="Discharge approval",
        is_open=False,
        dismissable=True,
        className="approval-outcome",
        style={
            "position": "fixed",
            "top": "4.5rem",
            "right": "1rem",
            "width": "min(28rem, calc(100vw - 2rem))",
            "zIndex": 1080,
        },
    )


def approval_panel(
    ids: ApprovalIds, refresh_ms: float, ack_key: str, *, with_status: bool = False
) -> html.Div:
    """The physician's co-signature: the open HIGH alerts to acknowledge first (same action
    choices and note as the board's dialog), then password, override reason and approval."""
    controls = [
        html.H2("Physician: approve the discharge", className="h6"),
        html.Div(id=ids.alerts),
        html.Div(
            [
                *action_taken(ids.ack_action, ids.ack_note, gap="mb-2"),
                dbc.Button(
                    "Acknowledge these alerts", id=ids.ack, color="warning", className="mt-2"
                ),
                html.Div(id=ids.ack_message, className="mt-2", role="status"),
            ],
            id=ids.ack_section,
            className="ack-from-approval mb-3",
            style={"display": "none"},
        ),
        html.Div(
            [
                dbc.Label("Your password", html_for=ids.password),
                dbc.Input(id=ids.password, type="password", autoComplete="off"),
                dbc.Label(
                    "Override reason (only to discharge with criteria unmet)",
                    html_for=ids.override,
                    className="mt-2",
                ),
                dbc.Textarea(id=ids.override, rows=2, maxLength=MAX_FREE_TEXT),
                dbc.Button("Approve discharge", id=ids.approve, color="danger", className="mt-2"),
            ],
            id=ids.approve_section,
        ),
    ]
    stores = [
        dcc.Interval(id=ids.refresh, interval=refresh_ms),
        dcc.Store(id=ids.version, data=0),
        dcc.Store(id=ids.alert_ids, data=[]),
        dcc.Store(id=ids.ack_key, data=ack_key),
    ]
    if not with_status:
        return html.Div([*stores, *controls], className="approval-panel")
    return html.Div(  # the criteria beside the controls: the approve button stays in view
        [
            *stores,
            dbc.Row(
                [
                    dbc.Col(html.Div(id=ids.status), lg=7, className="mb-2"),
                    dbc.Col(controls, lg=5),
                ]
            ),
        ],
        className="approval-panel",
    )


def open_alerts(alerts: Sequence[OpenAlert], zone: ZoneInfo) -> Any:
    """The unacknowledged HIGH alerts that hold the approval, oldest first."""
    if not alerts:
        return html.Div(
            "No open HIGH alerts.", className="small text-body-secondary mb-2 no-open-highs"
        )
    return html.Div(
        [
            html.Div(
                "Acknowledge before approving (an override does not cover an open alarm):",
                className="fw-bold small mb-1",
            ),
            *[alarm(a.priority, f"{local_time(a.detected_at, zone)} {a.message}") for a in alerts],
        ],
        className="open-highs-to-acknowledge mb-2",
    )


def panel_state(view: RecoveryStatus, zone: ZoneInfo) -> dict[str, Any]:
    """The open alerts, their ids (what an acknowledgement covers), and which sections show
    (while a discharge can still follow, by the state machine)."""
    alerts = list(view.open_highs)
    in_sign_off = allows(view.state, SessionEvent.DISCHARGE)
    return {
        "alerts": open_alerts(alerts, zone) if in_sign_off else "",
        "alert_ids": [a.excursion_id for a in alerts],
        "ack_section": _shown(bool(alerts) and in_sign_off),
        "approve_section": _shown(in_sign_off and view.approved is None),
    }


def _shown(visible: bool) -> dict[str, str]:
    return {"display": "block"} if visible else {"display": "none"}


def outcome(message: Any, approved: bool) -> dict[str, Any]:
    """The toast's body, open, header and outline (the words say it; the colour repeats it,
    with no unlabelled icon for a screen reader to trip on)."""
    return {
        "message": message,
        "is_open": True,
        "header": "Discharge approved" if approved else "Discharge NOT approved",
        "outline": "approval-outcome border border-2 "
        + ("border-success" if approved else "border-danger"),
    }


def refusal(problems: Sequence[str]) -> Any:
    return html.Ul([html.Li(p) for p in problems], className="mb-0 ps-3")


def approved_message(session_id: int) -> Any:
    return html.Div(
        [
            html.Div("Discharge approved: the record is signed and locked."),
            html.A("Open the signed record", href=f"/session/{session_id}"),
        ]
    )
