"""The bedside screen's pieces: chair picker, open-session form, session panel and its refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from monitor.config import Config, Protocol, Ratings
from monitor.domain.acknowledgement import action_label
from monitor.domain.alarm_display import Banner, banners
from monitor.domain.clinic_time import age_on, clinic_today
from monitor.domain.delivered_dose import (
    DeliveredDose,
    PumpEvent,
    delivered_dose,
    percent_of_planned,
    planned_dose_has_run,
    planned_dose_runs_out_at,
)
from monitor.domain.dose import DosePlan
from monitor.domain.errors import IllegalTransition, InvalidEntry
from monitor.domain.excursions import PRIORITY_MARKS, PRIORITY_RANK
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.schedule import DueState
from monitor.domain.session_state import EXIT_WORDS, ExitKind, SessionState, ends_early_into
from monitor.domain.vocabulary import Priority
from monitor.ui.components import (
    alarm,
    cadss_items,
    cadss_legend,
    local_time,
    moaas_picker,
    readings_table,
    vital_input,
)
from monitor.ui.figures import DEFAULT_SPO2_RANGE, session_trend
from monitor.ui.ids import VITAL_INPUTS, Bedside, Recovery
from monitor.ui.recovery_view import card as recovery_card
from monitor.ui.recovery_view import status as recovery_status

if TYPE_CHECKING:
    from monitor.services.bedside import BedsideView, ChairStatus
    from monitor.services.ratings import RatingSaved
    from monitor.services.readings import ReadingSaved
    from monitor.services.recovery import RecoveryStatus
    from monitor.services.session_lifecycle import EndedEarly

B = Bedside
# Screen readers announce changes in these regions.
POLITE: Any = {"aria-live": "polite"}
ASSERTIVE: Any = {"aria-live": "assertive"}
FIELDS = (*VITAL_INPUTS, "moaas")
STATE_WORDS = {
    "planned": "Planned — baseline reading needed",
    "baseline": "Baseline taken",
    "infusing": "Infusing",
    "paused": "Infusion PAUSED",
    "recovery": "Recovery",
    "discharged": "Discharged",
    "stopped_early": "Ended early",
}
STATE_COLOURS = {
    "planned": "secondary",
    "baseline": "info",
    "infusing": "primary",
    "paused": "warning",
    "recovery": "success",
    "discharged": "dark",
    "stopped_early": "dark",
}


# ---- choosing a chair and opening a session ---------------------------------------------


def chair_picker(chairs: Sequence[str], active: Mapping[str, ChairStatus]) -> html.Div:
    """Each chair with its session's state and what needs a nurse there: an overdue reading,
    an unacknowledged high excursion, a discharge awaiting the physician's co-signature
    (each as words and marks, never colour alone)."""
    cards = []
    for chair in chairs:
        row = active.get(chair)
        detail = f"{row.patient_initials} · {row.mrn} · {STATE_WORDS[row.state]}" if row else "Free"
        marks = _chair_marks(row) if row else []
        card = dbc.Card(
            dbc.CardBody(
                [
                    html.H2(chair, className="h5 mb-1"),
                    html.Div(detail, className="small"),
                    *marks,
                ]
            ),
            className="chair-card h-100"
            + (" chair-busy" if row else "")
            + (" chair-alert" if marks else ""),
        )
        cards.append(
            dbc.Col(
                dcc.Link(
                    card,
                    href=f"/bedside?chair={quote(chair)}",
                    className="text-decoration-none",
                    id=f"bed-chair-{quote(chair)}",
                ),
                xs=6,
                md=4,
                className="mb-3",
            )
        )
    return html.Div([html.H1("Choose a chair", className="h3 mb-3"), dbc.Row(cards)])


def _chair_marks(row: ChairStatus) -> list[html.Div]:
    marks = []
    if row.unacknowledged_high:
        count = f" ({row.unacknowledged_high})" if row.unacknowledged_high > 1 else ""
        marks.append(
            html.Div(
                f"{PRIORITY_MARKS[Priority.HIGH]} HIGH unacknowledged{count}",
                className="chair-state chair-state-high",
            )
        )
    if row.overdue:
        marks.append(
            html.Div(
                f"⚠ READING OVERDUE by {int(row.overdue_seconds // 60)} min",
                className="chair-state chair-state-overdue",
            )
        )
    if row.awaiting_cosignature:
        marks.append(
            html.Div(
                "✍ Nurse signed — awaiting co-signature",
                className="chair-state chair-state-cosign",
            )
        )
    return marks


def _age(birth: date, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Age in years on today's date at the clinic (not the server's date)."""
    return age_on(birth, clinic_today(now or datetime.now(UTC), zone))


def open_form(chair: str, patients: Sequence[Any], config: Config, key: str) -> html.Div:
    options = [
        {
            "label": f"{p.name} · MRN {p.mrn} · {_age(p.birth_date, config.clinic.zone)} y",
            "value": p.id,
            "weight": p.weight_kg,
        }
        for p in patients
    ]
    protocols = [{"label": p.name, "value": p.id} for p in config.protocols]
    return html.Div(
        [
            dcc.Store(id=B.CHAIR, data=chair),
            dcc.Store(id=B.OPEN_KEY, data=key),
            dcc.Location(id=B.OPEN_REDIRECT, refresh=True),
            dcc.Link("← All chairs", href="/bedside"),
            html.H1(f"{chair}: open a session", className="h3 my-3"),
            dbc.Card(
                dbc.CardBody(
                    [
                        dbc.Label("Patient", html_for=B.OPEN_PATIENT),
                        dcc.Dropdown(
                            id=B.OPEN_PATIENT,
                            options=[{"label": o["label"], "value": o["value"]} for o in options],
                            placeholder="Search by name or MRN",
                            className="mb-3 touch-dropdown",
                        ),
                        dcc.Store(
                            id=B.OPEN_WEIGHTS,
                            data={str(o["value"]): o["weight"] for o in options},
                        ),
                        dbc.Row(
                            [
                                dbc.Col(
                                    [
                                        dbc.Label("Weight today (kg)", html_for=B.OPEN_WEIGHT),
                                        dbc.Input(
                                            id=B.OPEN_WEIGHT,
                                            type="text",
                                            inputmode="decimal",
                                            autocomplete="off",
                                        ),
                                    ],
                                    md=4,
                                ),
                                dbc.Col(
                                    [
                                        dbc.Label("Protocol", html_for=B.OPEN_PROTOCOL),
                                        dbc.Select(
                                            id=B.OPEN_PROTOCOL,
                                            options=protocols,
                                            value=config.default_protocol.id,
                                        ),
                                    ],
                                    md=8,
                                ),
                            ],
                            className="mb-3",
                        ),
                        html.Div(id=B.OPEN_DOSE, className="dose-preview mb-3", **POLITE),
                        dbc.Button("Open session", id=B.OPEN_SUBMIT, color="primary", size="lg"),
                        html.Div(id=B.OPEN_MESSAGE, className="mt-3"),
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


# ---- the session panel -----------------------------------------------------------------


def session_panel(
    chair: str,
    session_id: int,
    protocol: Protocol,
    refresh_ms: float,
    keys: tuple[str, str, str, str],
) -> html.Div:
    """One session at the bedside. The reading form is the first card in every phase (a
    reading is what falls due, in recovery too), with the outcome of Save beside its
    button, so a tablet in either orientation shows it without scrolling; then the recovery
    card (in recovery), the pump and the flags, CADSS, the trend and the readings."""
    reading_key, event_key, cadss_key, recovery_key = keys
    return html.Div(
        [
            dcc.Store(id=B.SESSION, data=session_id),
            dcc.Store(id=B.CHAIR, data=chair),
            dcc.Store(id=B.READING_KEY, data=reading_key),
            dcc.Store(id=B.EVENT_KEY, data=event_key),
            dcc.Store(id=B.CADSS_KEY, data=cadss_key),
            dcc.Store(id=Recovery.KEY, data=recovery_key),
            dcc.Store(id=B.VERSION, data=0),
            dcc.Store(id=B.DUE),
            dcc.Store(id=B.DUE_CLOCK),
            dcc.Store(id=B.CADSS_DUE),
            dcc.Interval(id=B.REFRESH, interval=refresh_ms),
            dcc.Interval(id=B.TICK, interval=1000),
            html.Div(
                [
                    html.Div(id=B.HEADER, className="flex-grow-1"),
                    dcc.Link("← All chairs", href="/bedside", className="ms-2 text-nowrap"),
                ],
                className="d-flex align-items-start bed-top",
            ),
            html.Div(id=B.COUNTDOWN, className="countdown", role="timer", **POLITE),
            _reading_card(),
            recovery_card(protocol, recovery_key),
            dbc.Row(
                [
                    dbc.Col(_infusion_card(), lg=7),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader("Flags this session"),
                                dbc.CardBody(html.Div(id=B.FLAGS)),
                            ],
                            className="mb-3",
                        ),
                        lg=5,
                    ),
                ]
            ),
            _cadss_card(protocol.ratings),
            dbc.Card(
                [
                    dbc.CardHeader("Trend"),
                    dbc.CardBody(
                        dcc.Graph(id=B.TREND, config={"displayModeBar": False, "responsive": True})
                    ),
                ],
                className="mb-3",
            ),
            dbc.Card([dbc.CardHeader("Readings"), dbc.CardBody(html.Div(id=B.TABLE))]),
        ]
    )


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
                                    id=B.SAVE,
                                    color="primary",
                                    size="lg",
                                    className="w-100",
                                ),
                                md=4,
                                className="mb-2",
                            ),
                            # What Save did (saved with its flags, or why not) beside the button.
                            dbc.Col(html.Div(id=B.RESULT, **ASSERTIVE), md=8),
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


def _infusion_card() -> dbc.Card:
    def button(id_: str, text: str, colour: str) -> dbc.Button:
        return dbc.Button(
            text, id=id_, color=colour, size="lg", className="me-2 mb-2", disabled=True
        )

    return dbc.Card(
        [
            dbc.CardHeader("Infusion"),
            dbc.CardBody(
                [
                    html.Div(
                        [
                            button(B.START, "Start infusion", "success"),
                            button(B.PAUSE, "Pause", "warning"),
                            button(B.RESUME, "Resume", "success"),
                            button(B.STOP, "Stop infusion", "danger"),
                        ]
                    ),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(
                                        "Reason (to pause or stop early)",
                                        html_for=B.EVENT_REASON,
                                    ),
                                    dbc.Input(
                                        id=B.EVENT_REASON, type="text", maxLength=MAX_FREE_TEXT
                                    ),
                                ],
                                md=7,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label("New rate (mL/h)", html_for=B.RATE),
                                    dbc.InputGroup(
                                        [
                                            dbc.Input(
                                                id=B.RATE,
                                                type="text",
                                                inputmode="decimal",
                                                maxLength=6,
                                            ),
                                            dbc.Button(
                                                "Set rate",
                                                id=B.RATE_CHANGE,
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
                        id=B.END_EARLY,
                        color="danger",
                        outline=True,
                        className="mt-3 me-2",
                        disabled=True,
                    ),
                    dbc.Button(
                        "Sign exit: transfer or against advice",
                        id=B.EXIT_OPEN,
                        color="danger",
                        className="mt-3",
                        style={"display": "none"},
                    ),
                    html.Div(
                        "In recovery the session ends through the discharge sign-off, or a "
                        "transfer or against-advice exit that the physician signs.",
                        id=B.EXIT_HINT,
                        className="small text-body-secondary mt-2",
                        style={"display": "none"},
                    ),
                    html.Div(id=B.EVENT_MESSAGE, className="mt-2"),
                    _end_dialog(),
                    _exit_dialog(),
                    html.Div(id=B.END_RESULT, style=FLOATING, **ASSERTIVE),
                    html.Div(id=B.EXIT_RESULT, style=FLOATING, **ASSERTIVE),
                ]
            ),
        ],
        className="mb-3",
    )


# An outcome shown over the page, near its top, so it is read without scrolling.
FLOATING: Any = {
    "position": "fixed",
    "top": "4.5rem",
    "left": "50%",
    "transform": "translateX(-50%)",
    "zIndex": 1060,
    "width": "min(40rem, 94vw)",
}


def _end_dialog() -> dbc.Modal:
    """Ending early, confirmed: what will happen in this state, and why (required)."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("End session early?")),
            dbc.ModalBody(
                [
                    html.Div(id=B.END_EXPLAIN, className="mb-3"),
                    dbc.Label("Reason (required)", html_for=B.END_REASON),
                    dbc.Textarea(id=B.END_REASON, maxLength=MAX_FREE_TEXT, rows=2),
                    html.Div(id=B.END_PROBLEM, className="mt-2"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=B.END_CANCEL, color="secondary", size="lg"),
                    dbc.Button("Confirm: end early", id=B.END_CONFIRM, color="danger", size="lg"),
                ]
            ),
        ],
        id=B.END_MODAL,
        is_open=False,
        backdrop="static",
    )


def _exit_dialog() -> dbc.Modal:
    """The physician's signed exit from recovery: kind, reason, password (a signature)."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Sign the patient out of recovery")),
            dbc.ModalBody(
                [
                    html.P(
                        "The patient leaves recovery without a discharge. Monitoring ends, "
                        "the record is locked, and your signature records the kind of exit, "
                        "the reason and the discharge criteria as they stand now."
                    ),
                    dbc.Label("Exit", html_for=B.EXIT_KIND),
                    dbc.RadioItems(
                        id=B.EXIT_KIND,
                        options=[{"label": EXIT_WORDS[k], "value": k.value} for k in ExitKind],
                        value=ExitKind.TRANSFER.value,
                        className="mb-3",
                        inputClassName="me-2",
                    ),
                    dbc.Label("Reason (required)", html_for=B.EXIT_REASON),
                    dbc.Textarea(
                        id=B.EXIT_REASON, maxLength=MAX_FREE_TEXT, rows=2, className="mb-3"
                    ),
                    dbc.Label("Your password, to sign", html_for=B.EXIT_PASSWORD),
                    dbc.Input(id=B.EXIT_PASSWORD, type="password", autocomplete="off"),
                    html.Div(id=B.EXIT_PROBLEM, className="mt-2"),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=B.EXIT_CANCEL, color="secondary", size="lg"),
                    dbc.Button("Sign exit", id=B.EXIT_CONFIRM, color="danger", size="lg"),
                ]
            ),
        ],
        id=B.EXIT_MODAL,
        is_open=False,
        backdrop="static",
    )


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


def end_explained(state: str) -> tuple[Any, bool]:
    """The dialog's explanation for a session in `state`, and whether Confirm is offered
    (both from the state machine: where ending early leads, or that it cannot)."""
    current = SessionState(state)
    try:
        text, offered = END_EXPLAINED[ends_early_into(current)], True
    except IllegalTransition:
        text, offered = NO_END_EARLY.get(current, "This session has already ended."), False
    return html.P(text, id="bed-end-explained", className="mb-0"), offered


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
    return dbc.Alert(text, color="info", id="bed-end-done", dismissable=True, className="shadow")


def exit_signed(kind: ExitKind) -> Any:
    return dbc.Alert(
        f"Exit signed: {EXIT_WORDS[kind]}. Monitoring has ended and the record is locked.",
        color="info",
        id="exit-done",
        dismissable=True,
        className="shadow",
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
                    dbc.Button("Save CADSS", id=B.CADSS_SAVE, color="primary", className="mt-2"),
                    html.Div(id=B.CADSS_MESSAGE, className="mt-2"),
                    html.Small(
                        f"Item prompts: {form.source}",
                        className="text-body-secondary d-block mt-2 cadss-source",
                    ),
                ]
            ),
        ],
        id=B.CADSS_CARD,
        className="mb-3",
    )


# ---- refresh -----------------------------------------------------------------------------

CONTROLS = (B.START, B.PAUSE, B.RESUME, B.STOP, B.RATE_CHANGE, B.END_EARLY)
ENABLED_IN = {
    B.START: {"baseline"},
    B.PAUSE: {"infusing"},
    B.RESUME: {"paused"},
    B.STOP: {"infusing", "paused"},
    B.RATE_CHANGE: {"infusing"},
    # issue 9 (dose): a session in recovery leaves by discharge or a physician-signed exit
    B.END_EARLY: {"planned", "baseline", "infusing", "paused"},
}


def refresh_outputs() -> list[Output]:
    return [
        Output(B.HEADER, "children"),
        Output(B.DUE, "data"),
        Output(B.FLAGS, "children"),
        Output(B.TREND, "figure"),
        Output(B.TABLE, "children"),
        *[Output(B.last(name), "children") for name in VITAL_INPUTS],
        *[Output(control, "disabled") for control in CONTROLS],
        Output(B.CADSS_DUE, "data"),
        Output("bed-cadss-banner", "children"),
        Output(B.CADSS_CARD, "className"),
        Output(Recovery.STATUS, "children"),
        Output(Recovery.CARD, "style"),
        Output(B.SAVE, "disabled"),
    ]


def refreshed(
    view: BedsideView,
    recovery: RecoveryStatus | None,
    zone: ZoneInfo,
    spo2_range: tuple[float, float] = DEFAULT_SPO2_RANGE,  # issue 9 (chart)
) -> tuple[Any, ...]:
    snap = view.snapshot
    state = snap.header.state
    last = snap.readings[-1] if snap.readings else None
    lasts = [
        f"last {getattr(last, name)}" + f" at {local_time(last.taken_at, zone)}"
        if last and getattr(last, name) is not None
        else ""
        for name in VITAL_INPUTS
    ]
    cadss = view.cadss_due
    cadss_due = cadss is not None and cadss.state in ("due", "overdue")
    return (
        _header(view, zone),
        _due_data(view),
        _flags(snap.excursions, zone),
        session_trend(  # issue 9 (chart): priority marks, fixed SpO2 range, clean ticks
            snap.readings,
            snap.events,
            zone,
            excursions=snap.excursions,
            spo2_range=spo2_range,
            opened_at=snap.header.opened_at,
        ),
        readings_table(snap.readings, zone),
        *lasts,
        *[state not in ENABLED_IN[control] for control in CONTROLS],
        cadss.at_minutes if cadss else None,
        _cadss_banner(cadss),
        "mb-3 cadss-due" if cadss_due else "mb-3",
        recovery_status(recovery, zone) if recovery else "",
        {"display": "block"} if recovery else {"display": "none"},
        state not in ("planned", "baseline", "infusing", "paused", "recovery"),
    )


def _header(view: BedsideView, zone: ZoneInfo) -> Any:
    h = view.snapshot.header
    started = h.infusion_started_at
    elapsed = (
        f" · {int((view.now - started).total_seconds() // 60)} min since start"
        if started and h.state in ("infusing", "paused", "recovery")
        else ""
    )
    given = _given(view)
    ends_at = (
        planned_dose_runs_out_at(given, h.planned_ml, view.now)
        if given and h.state in ("infusing", "paused")
        else None
    )
    end = (
        f" · expected end {local_time(ends_at, zone)}"
        + (" if resumed now" if h.state == "paused" else "")
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
                        STATE_WORDS[h.state],
                        color=STATE_COLOURS[h.state],
                        id=B.STATE,
                        className="state-badge me-3",
                    ),
                    dcc.Link(
                        "Full session record",
                        href=f"/session/{h.id}",
                        id="bed-record-link",
                        className="me-3",
                    ),
                    dcc.Link("Back to chairs", href="/bedside", className="btn btn-outline-light")
                    if h.state in ("discharged", "stopped_early")
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
                f"{EXIT_WORDS[ExitKind(h.exit_kind)]}: {h.end_reason or ''}",
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
        id=B.DOSE_GIVEN,
    )


def _dose_cue(h: Any, given: DeliveredDose | None) -> Any:
    """The cue to stop the pump once the planned volume has run."""
    if given is None or h.state != "infusing" or not planned_dose_has_run(given.ml, h.planned_ml):
        return None
    return dbc.Alert(
        [html.Strong("Planned dose delivered — stop the pump"), f" ({h.dose_mg:g} mg)"],
        color="danger",
        id=B.DOSE_CUE,
        className="dose-cue fs-5 my-2 py-2",  # an alert: announced by screen readers
    )


def _due_data(view: BedsideView) -> dict[str, Any]:
    due = view.due
    grace_ms = view.protocol.schedule.grace_minutes * 60_000
    state = view.snapshot.header.state
    if state in ("discharged", "stopped_early"):
        return {"state": "ended"}
    if due.state is DueState.BASELINE:
        has_baseline = any(r.phase == "baseline" for r in view.snapshot.readings)
        return {"state": "baseline", "has_baseline": has_baseline}
    assert due.due_at is not None
    return {
        "state": due.state.value,
        "phase": due.phase,
        "grace_ms": grace_ms,
        "due_at_ms": due.due_at.timestamp() * 1000,
        "server_now_ms": view.now.timestamp() * 1000,
        "due_label": due.due_at.astimezone(ZoneInfo("UTC")).isoformat(),
    }


def _flags(excursions: Sequence[Any], zone: ZoneInfo) -> Any:
    """The session's stored excursions shown per reading, one banner per measure group,
    each with its acknowledgement: open ones (awaiting the physician) first, then by
    priority, newest first."""
    if not excursions:
        return html.Div("No flags.", className="text-body-secondary")
    per_reading: dict[int, list[Any]] = {}
    for x in sorted(excursions, key=lambda x: x.id):
        per_reading.setdefault(x.reading_id, []).append(x)
    shown = [banner for flags in per_reading.values() for banner in banners(flags)]
    ordered = sorted(
        shown,
        key=lambda b: (
            all(x.acknowledged_at for x in b.flags),
            -PRIORITY_RANK[b.priority],
            -b.lead.id,
        ),
    )
    return [_flag_banner(b, zone) for b in ordered]


def _flag_banner(banner: Banner[Any], zone: ZoneInfo) -> Any:
    """A reading's banner with whether it was acknowledged, by whom, when and the action."""
    lead = banner.lead
    statuses = [_ack_status(x, zone) for x in banner.flags]
    one_status = len(set(statuses)) == 1
    status_lines = (
        [_ack_line(banner.lead, statuses[0])]
        if one_status
        else [_ack_line(x, f"{x.label}: {s}") for x, s in zip(banner.flags, statuses, strict=True)]
    )
    acknowledged = all(x.acknowledged_at for x in banner.flags)
    return html.Div(
        [
            alarm(
                banner.priority,
                f"{local_time(lead.detected_at, zone)} {lead.message}",
                [(x.priority, x.message) for x in banner.below],
            ),
            *status_lines,
        ],
        className="flag-banner mb-3 " + ("flag-acknowledged" if acknowledged else "flag-open"),
    )


def _ack_status(x: Any, zone: ZoneInfo) -> str:
    if x.acknowledged_at is None:
        return "OPEN — awaiting physician"
    note = f" ({x.ack_note})" if x.ack_note else ""
    return (
        f"Acknowledged {local_time(x.acknowledged_at, zone)} by {x.acknowledged_by} — "
        f"{action_label(x.ack_action or '')}{note}"
    )


def _ack_line(x: Any, text: str) -> Any:
    if x.acknowledged_at is None:
        return html.Div(
            dbc.Badge(text, color="danger", className="ack-open-badge fs-6"),
            className="ack-status ack-open mb-1",
        )
    return html.Div("✓ " + text, className="ack-status ack-done small mb-1")


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


# ---- outcomes of actions ------------------------------------------------------------------


def field_state_outputs() -> list[Output]:
    return [
        *[Output(B.vital(name), "invalid") for name in VITAL_INPUTS],
        Output(B.MOAAS, "className"),
        *[Output(B.feedback(name), "children") for name in FIELDS],
    ]


def field_states(problems: Mapping[str, str]) -> tuple[Any, ...]:
    """Which fields are marked invalid, and the message under each."""
    moaas_class = "btn-group scale-picker" + (" is-invalid" if "moaas" in problems else "")
    return (
        *[name in problems for name in VITAL_INPUTS],
        moaas_class,
        *[problems.get(name, "") for name in FIELDS],
    )


def refused(problems: Mapping[str, str]) -> Any:
    other = [m for f, m in problems.items() if f not in FIELDS]
    return dbc.Alert(
        ["Not saved: correct the marked fields.", *[html.Div(m) for m in other]],
        color="danger",
        id="bed-not-saved",
    )


def describe(error: Exception) -> str:
    """A refusal in the nurse's words: the messages, without internal field names."""
    if isinstance(error, InvalidEntry):
        return " ".join(p.message.rstrip(".") + "." for p in error.problems)
    return str(error)


def problem(message: str | Exception) -> Any:
    if isinstance(message, Exception):
        message = describe(message)
    return dbc.Alert(message, color="warning", className="mb-2")


def saved(result: ReadingSaved, zone: ZoneInfo) -> Any:
    when = local_time(result.taken_at, zone)
    head = dbc.Alert(f"Reading saved at {when}.", color="success", id="bed-saved", className="mb-2")
    # One banner per measure group; every rule that fired is still stored and audited.
    flags = [
        alarm(b.priority, b.lead.message, [(f.priority, f.message) for f in b.below])
        for b in banners(result.flags)
    ]
    return html.Div([head, *flags], id="bed-saved-result")


EVENT_WORDS = {
    "start": "Infusion started.",
    "pause": "Infusion paused.",
    "resume": "Infusion resumed.",
    "stop": "Infusion stopped.",
    "rate_change": "Rate changed.",
}


def event_done(kind: str) -> Any:
    """What was recorded (from the stored event, so a replay shows what really happened)."""
    return dbc.Alert(EVENT_WORDS[kind], color="info", className="mb-0")


def score(value: Any) -> int | None:
    """A CADSS item as sent by the page: a whole number, or None (the service refuses it)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def rating_saved(result: RatingSaved) -> Any:
    meaning = (
        f"dissociation present (above {result.cutoff:g})"
        if result.dissociation_present
        else f"at or below the cut-off {result.cutoff:g}"
    )
    return dbc.Alert(
        f"{result.version} saved: total {result.total}, {meaning}.",
        color="warning" if result.dissociation_present else "success",
        id="bed-cadss-saved",
    )


def parse_rate(text: Any) -> float | None:
    try:
        return float(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None


def notice(message: str) -> Any:
    """A done action, confirmed in words."""
    return dbc.Alert(message, color="success", className="mb-2")
