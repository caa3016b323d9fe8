"""The two ways a session ends away from the discharge sign-off: ending early (the nurse,
confirmed with a reason) and the physician's signed exit from recovery (transfer, against
advice). Each dialog, what it explains, and what it says once done."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import html

from monitor.domain.errors import IllegalTransition
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.session_state import ExitKind, SessionState, ends_early_into
from monitor.ui.ids import Bedside

if TYPE_CHECKING:
    from monitor.services.early_end import EndedEarly

# What ending early does, keyed by where the state machine says it leads.
END_EXPLAINED = {
    SessionState.STOPPED_EARLY: "Nothing has been given. The session closes now as ended "
    "early (declined, not fit for treatment, no-show) and the chair is freed.",
    SessionState.RECOVERY: "The pump stops now: a stop is recorded with your reason and the "
    "dose given so far. The patient then stays in recovery observation: readings continue, "
    "and discharge needs the usual sign-off by the nurse and the physician.",
}
NO_END_EARLY = {
    SessionState.RECOVERY: "A session in recovery does not end early: it ends through the "
    "discharge sign-off, or a transfer or against-advice exit that the physician signs.",
}


def _confirm_dialog(
    modal_id: str, title: str, body: list[Any], cancel_id: str, confirm: tuple[str, str]
) -> dbc.Modal:
    """A dialog that ends the session: closed until asked for, Cancel or Confirm to leave."""
    confirm_text, confirm_id = confirm
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(title)),
            dbc.ModalBody(body),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=cancel_id, color="secondary", size="lg"),
                    dbc.Button(confirm_text, id=confirm_id, color="danger", size="lg"),
                ]
            ),
        ],
        id=modal_id,
        is_open=False,
        backdrop="static",
    )


def end_dialog() -> dbc.Modal:
    """Ending early, confirmed: what will happen in this state, and why (required)."""
    return _confirm_dialog(
        Bedside.END_MODAL,
        "End session early?",
        [
            html.Div(id=Bedside.END_EXPLAIN, className="mb-3"),
            dbc.Label("Reason (required)", html_for=Bedside.END_REASON),
            dbc.Textarea(id=Bedside.END_REASON, maxLength=MAX_FREE_TEXT, rows=2),
            html.Div(id=Bedside.END_PROBLEM, className="mt-2"),
        ],
        Bedside.END_CANCEL,
        ("Confirm: end early", Bedside.END_CONFIRM),
    )


def exit_dialog() -> dbc.Modal:
    """The physician's signed exit from recovery: kind, reason, password (a signature)."""
    return _confirm_dialog(
        Bedside.EXIT_MODAL,
        "Sign the patient out of recovery",
        [
            html.P(
                "The patient leaves recovery without a discharge. Monitoring ends, "
                "the record is locked, and your signature records the kind of exit, "
                "the reason and the discharge criteria as they stand now."
            ),
            dbc.Label("Exit", html_for=Bedside.EXIT_KIND),
            dbc.RadioItems(
                id=Bedside.EXIT_KIND,
                options=[{"label": kind.label, "value": kind.value} for kind in ExitKind],
                value=ExitKind.TRANSFER.value,
                className="mb-3",
                inputClassName="me-2",
            ),
            dbc.Label("Reason (required)", html_for=Bedside.EXIT_REASON),
            dbc.Textarea(id=Bedside.EXIT_REASON, maxLength=MAX_FREE_TEXT, rows=2, className="mb-3"),
            dbc.Label("Your password, to sign", html_for=Bedside.EXIT_PASSWORD),
            dbc.Input(id=Bedside.EXIT_PASSWORD, type="password", autocomplete="off"),
            html.Div(id=Bedside.EXIT_PROBLEM, className="mt-2"),
        ],
        Bedside.EXIT_CANCEL,
        ("Sign exit", Bedside.EXIT_CONFIRM),
    )


def end_explained(state: str) -> tuple[Any, bool]:
    """The dialog's explanation for a session in `state`, and whether Confirm is offered
    (both from the state machine: where ending early leads, or that it cannot)."""
    current = SessionState(state)
    try:
        text, offered = END_EXPLAINED[ends_early_into(current)], True
    except IllegalTransition:
        text, offered = NO_END_EARLY.get(current, "This session has already ended."), False
    return html.P(text, id="bed-end-explained", className="mb-0"), offered


def _ending_told(text: str, id_: str) -> Any:
    """How the session ended, over the page until dismissed."""
    return dbc.Alert(text, color="info", id=id_, dismissable=True, className="shadow")


def ended_early(result: EndedEarly, chair: str) -> Any:
    """What ending early did, in words (from the service's result)."""
    if result.state is SessionState.RECOVERY:
        given = (
            f" with {result.delivered_mg:.1f} mg ({result.delivered_ml:.1f} mL) given"
            if result.delivered_mg is not None
            else ""
        )
        text = (
            f"Infusion stopped{given}. {chair} is now in recovery observation: keep taking "
            "readings; discharge needs the usual sign-off."
        )
    else:
        text = f"Session ended early. {chair} is free."
    return _ending_told(text, "bed-end-done")


def exit_signed(kind: ExitKind) -> Any:
    """The signed exit, confirmed with its kind."""
    return _ending_told(
        f"Exit signed: {kind.label}. Monitoring has ended and the record is locked.", "exit-done"
    )
