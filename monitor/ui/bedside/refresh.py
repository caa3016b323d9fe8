"""What each refresh of the session panel shows, by name: the header (state, dose given,
the cue to stop the pump), when the next reading falls due, the flags, the trend and the
readings, the last value of each measure, which controls the state allows, the CADSS due,
and the recovery card."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from monitor.domain.delivered_dose import (
    DeliveredDose,
    PumpEvent,
    delivered_dose,
    percent_of_planned,
    planned_dose_has_run,
    planned_dose_runs_out_at,
)
from monitor.domain.errors import IllegalTransition
from monitor.domain.schedule import DueState
from monitor.domain.session_state import DOSING_STATES, accepts_entries
from monitor.domain.vocabulary import ExitKind, Phase, SessionState
from monitor.ui.bedside.controls import CONTROLS, disabled_controls, in_sign_off
from monitor.ui.bedside.flags import flags
from monitor.ui.bedside.panel import HIDDEN
from monitor.ui.bedside.words import STATE_COLOURS, STATE_WORDS
from monitor.ui.components import local_time, readings_table
from monitor.ui.figures import DEFAULT_SPO2_RANGE, session_trend
from monitor.ui.ids import VITAL_INPUTS, Bedside, Recovery
from monitor.ui.recovery_view import status_panel

if TYPE_CHECKING:
    from monitor.services.bedside import BedsideView
    from monitor.services.recovery import RecoveryStatus


def refresh_outputs() -> dict[str, Any]:
    """Where each part of `refreshed` goes, under the same names."""
    return {
        "header": Output(Bedside.HEADER, "children"),
        "due": Output(Bedside.DUE, "data"),
        "flags": Output(Bedside.FLAGS, "children"),
        "trend": Output(Bedside.TREND, "figure"),
        "table": Output(Bedside.TABLE, "children"),
        "last_values": {name: Output(Bedside.last(name), "children") for name in VITAL_INPUTS},
        "controls_disabled": {control: Output(control, "disabled") for control in CONTROLS},
        "cadss_due": Output(Bedside.CADSS_DUE, "data"),
        "cadss_banner": Output("bed-cadss-banner", "children"),
        "cadss_card_class": Output(Bedside.CADSS_CARD, "className"),
        "recovery_status": Output(Recovery.STATUS, "children"),
        "recovery_card_style": Output(Recovery.CARD, "style"),
        "save_disabled": Output(Bedside.SAVE, "disabled"),
    }


def refreshed(
    view: BedsideView,
    recovery: RecoveryStatus | None,
    zone: ZoneInfo,
    spo2_range: tuple[float, float] = DEFAULT_SPO2_RANGE,
) -> dict[str, Any]:
    """The session panel as it stands now, under the names of `refresh_outputs`."""
    session = view.snapshot
    state = SessionState(session.header.state)
    cadss = view.cadss_due
    cadss_due = cadss is not None and cadss.state in ("due", "overdue")
    return {
        "header": _header(view, zone),
        "due": _due_data(view),
        "flags": flags(session.excursions, zone),
        "trend": session_trend(  # priority marks, fixed SpO2 range, clean ticks
            session.readings,
            session.events,
            zone,
            excursions=session.excursions,
            spo2_range=spo2_range,
            opened_at=session.header.opened_at,
            markers=session.markers,  # issue 13: adverse events and medications given
        ),
        "table": readings_table(session.readings, zone),
        "last_values": _last_values(view, zone),
        "controls_disabled": disabled_controls(state),
        "cadss_due": cadss.at_minutes if cadss else None,
        "cadss_banner": _cadss_banner(cadss),
        "cadss_card_class": "mb-3 cadss-due" if cadss_due else "mb-3",
        "recovery_status": status_panel(recovery, zone) if recovery else "",
        "recovery_card_style": {"display": "block"} if in_sign_off(state) else HIDDEN,
        "save_disabled": not accepts_entries(state),
    }


def _last_values(view: BedsideView, zone: ZoneInfo) -> dict[str, str]:
    """Under each field, the last reading's value and when it was taken."""
    readings = view.snapshot.readings
    last = readings[-1] if readings else None
    return {
        name: f"last {getattr(last, name)}" + f" at {local_time(last.taken_at, zone)}"
        if last and getattr(last, name) is not None
        else ""
        for name in VITAL_INPUTS
    }


def _header(view: BedsideView, zone: ZoneInfo) -> Any:
    h = view.snapshot.header
    state = SessionState(h.state)
    started = h.infusion_started_at
    elapsed = (
        f" · {int((view.now - started).total_seconds() // 60)} min since start"
        if started and (state in DOSING_STATES or state is SessionState.RECOVERY)
        else ""
    )
    given = _given(view)
    ends_at = (
        planned_dose_runs_out_at(given, h.planned_ml, view.now)
        if given and state in DOSING_STATES
        else None
    )
    end = (
        f" · expected end {local_time(ends_at, zone)}"
        + (" if resumed now" if state is SessionState.PAUSED else "")
        if ends_at
        else ""
    )
    # Compact (name, state and links on one line; small print under it) so that the reading
    # form starts high on a portrait tablet.
    return html.Div(
        [
            html.Div(
                [
                    html.H1(f"{h.chair} · {h.patient_name}", className="h4 mb-0 me-2"),
                    dbc.Badge(
                        STATE_WORDS[state],
                        color=STATE_COLOURS[state],
                        id=Bedside.STATE,
                        className="state-badge me-3",
                    ),
                    dcc.Link(
                        "Full session record",
                        href=f"/session/{h.id}",
                        id="bed-record-link",
                        className="me-3",
                    ),
                    dcc.Link("Back to chairs", href="/bedside", className="btn btn-outline-light")
                    if not accepts_entries(state)
                    else None,
                ],
                className="d-flex align-items-center flex-wrap gap-1",
            ),
            html.Div(
                [
                    f"MRN {h.mrn} · {h.protocol_name} · weight {h.weight_kg:g} kg · "
                    f"dose {h.dose_mg:g} mg · pump {h.rate_ml_per_h:g} mL/h{elapsed}{end}",
                    _dose_given(h, given),
                ],
                className="small text-body-secondary",
            ),
            _dose_cue(h, given),
            html.Div(
                f"{ExitKind(h.exit_kind).label}: {h.end_reason or ''}",
                id="bed-exit-kind",
                className="fw-bold",
            )
            if h.exit_kind in set(ExitKind)
            else None,
            html.Div(
                f"Scheduled readings: {view.on_time} on time · {view.late} late · "
                f"{view.missed} missed",
                className="small" + (" text-danger fw-bold" if view.missed else ""),
                id="bed-timeliness",
            )
            if h.infusion_started_at
            else None,
        ]
    )


def _given(view: BedsideView) -> DeliveredDose | None:
    """The dose the pump has given by now (None before the start, or if the events cannot
    be counted: the header then says nothing rather than something wrong)."""
    h = view.snapshot.header
    if h.infusion_started_at is None:
        return None
    events = [PumpEvent(e.kind, e.occurred_at, e.rate_ml_per_h) for e in view.snapshot.events]
    try:
        return delivered_dose(
            events, concentration_mg_per_ml=h.concentration_mg_per_ml, now=view.now
        )
    except IllegalTransition:
        return None


def _dose_given(h: Any, given: DeliveredDose | None) -> Any:
    """'given 12.4 of 32.2 mg (38 %) · 12.4 mL': stored at the stop, live while running."""
    if given is None:
        return None
    mg = h.delivered_mg if h.delivered_mg is not None and given.stopped else given.mg
    ml = h.delivered_ml if h.delivered_ml is not None and given.stopped else given.ml
    percent = percent_of_planned(mg, h.dose_mg)
    share = f" ({percent:.0f} %)" if percent is not None else ""
    return html.Span(  # on the header's line: the page below does not move down
        [
            " · ",
            html.Strong(f"given {mg:.1f} of {h.dose_mg:g} mg{share}", className="text-body"),
            f" · {ml:.1f} mL" + (" (pump stopped)" if given.stopped else ""),
        ],
        id=Bedside.DOSE_GIVEN,
    )


def _dose_cue(h: Any, given: DeliveredDose | None) -> Any:
    """The cue to stop the pump once the planned volume has run (while it runs)."""
    running = h.state == SessionState.INFUSING
    if given is None or not running or not planned_dose_has_run(given.ml, h.planned_ml):
        return None
    return dbc.Alert(
        [html.Strong("Planned dose delivered — stop the pump"), f" ({h.dose_mg:g} mg)"],
        color="danger",
        id=Bedside.DOSE_CUE,
        className="dose-cue fs-5 my-2 py-2",  # an alert: announced by screen readers
    )


def _due_data(view: BedsideView) -> dict[str, Any]:
    """When the next reading falls due, for the countdown the browser draws each second."""
    due = view.due
    grace_ms = view.protocol.schedule.grace_minutes * 60_000
    if not accepts_entries(SessionState(view.snapshot.header.state)):
        return {"state": "ended"}
    if due.state is DueState.BASELINE:
        has_baseline = any(r.phase == Phase.BASELINE for r in view.snapshot.readings)
        return {"state": "baseline", "has_baseline": has_baseline}
    assert due.due_at is not None
    return {
        "state": due.state.value,
        "phase": due.phase,
        "grace_ms": grace_ms,
        "due_at_ms": due.due_at.timestamp() * 1000,
        "server_now_ms": view.now.timestamp() * 1000,
    }


def _cadss_banner(cadss: Any) -> Any:
    if cadss is None:
        return "— all scheduled ratings done"
    when = "baseline" if cadss.at_minutes == 0 else f"{cadss.at_minutes:g} min"
    if cadss.state == "overdue":
        return dbc.Badge(f"OVERDUE ({when})", color="danger", id="bed-cadss-state")
    if cadss.state == "due":
        return dbc.Badge(
            f"DUE NOW ({when})", color="warning", text_color="dark", id="bed-cadss-state"
        )
    return html.Span(f"next at {when}", className="text-body-secondary", id="bed-cadss-state")
