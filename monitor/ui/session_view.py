"""The session drill-down: timeline chart, readings, excursions and the audit trail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.record_access import is_access
from monitor.domain.session_state import accepts_entries
from monitor.domain.vocabulary import AcknowledgementAction, ExitKind, Measure, SessionState
from monitor.ui.before_dose_view import before_dose_body
from monitor.ui.components import alarm, local_time, readings_table
from monitor.ui.figures import DEFAULT_SPO2_RANGE, session_timeline
from monitor.ui.ids import SessionPage
from monitor.ui.record_interventions import (
    ADVERSE_EVENTS,
    KETAMINE,
    MEDICATIONS,
    adverse_events,
    ketamine,
    medications,
)

if TYPE_CHECKING:
    from monitor.services.session_record import SessionRecord


def missing(session_id: str) -> Any:
    return dbc.Alert(f"No session {session_id!r}.", color="warning")


def page(
    record: SessionRecord,
    zone: ZoneInfo,
    addendum_key: str,
    *,
    read_only: bool = False,
    spo2_range: tuple[float, float] = DEFAULT_SPO2_RANGE,  # issue 9 (chart)
    approval: Any = None,
    rems_serious: bool | None = None,  # issue 13: the REMS form's serious-event answer
) -> html.Div:
    h = record.snapshot.header
    live = accepts_entries(SessionState(h.state))
    corrections = {
        r.id: [
            f"{a.field} {a.original_value} → {a.corrected_value}: {a.reason} "
            f"({a.author}, {local_time(a.created_at, zone, '%Y-%m-%d %H:%M')})"
            for a in record.addenda_for(r.id)
        ]
        for r in record.snapshot.readings
    }
    return html.Div(
        [
            dcc.Store(id=SessionPage.SESSION, data=h.id),
            dcc.Store(id=SessionPage.ADDENDUM_KEY, data=addendum_key),
            html.H1(f"{h.chair} · {h.patient_name} · MRN {h.mrn}", className="h4"),
            html.Div(h.session_of, className="fw-bold", id="session-of") if h.session_of else None,
            html.Div(
                f"{h.protocol_name} · {h.weight_kg:g} kg · {h.dose_mg:g} mg · "
                f"opened {local_time(h.opened_at, zone, '%Y-%m-%d %H:%M')} · "
                f"state {h.state.replace('_', ' ')}",
                className="text-body-secondary mb-2",
            ),
            _dose_and_ending(h),
            dbc.Badge(
                "Signed and locked: corrections are addenda",
                color="secondary",
                className="mb-2",
                id="session-locked",
            )
            if h.state == SessionState.DISCHARGED or h.exit_kind
            else None,
            html.Div(
                [
                    dcc.Link(
                        "Bedside for this chair",
                        href=f"/bedside?chair={quote(h.chair)}",
                        className="me-3",
                    )
                    if live and not read_only
                    else None,
                    html.A(
                        "Discharge record (PDF)",
                        href=f"/session/{h.id}/record.pdf",
                        className="btn btn-outline-info",
                        id="session-pdf",
                    ),
                ],
                className="mb-2",
            ),
            approval,  # the physician's co-signature, while the session is in recovery
            _card(
                "Before dosing",
                before_dose_body(record, zone),
                SessionPage.BEFORE_DOSE,
            ),
            _card(
                "Timeline",
                dcc.Graph(
                    id=SessionPage.TIMELINE,
                    figure=session_timeline(record, zone, spo2_range=spo2_range),
                    config={"displayModeBar": False, "responsive": True},
                ),
            ),
            _card(
                "Readings",
                readings_table(
                    record.snapshot.readings,
                    zone,
                    table_id=SessionPage.READINGS,
                    corrections=corrections,
                ),
            ),
            _card(
                "Excursions and acknowledgements", _excursions(record, zone), SessionPage.EXCURSIONS
            ),
            # issue 13: what was given and what happened
            _card(
                "Adverse events",
                adverse_events(record, zone, rems_serious=rems_serious),
                ADVERSE_EVENTS,
            ),
            _card("Medications", medications(record, zone), MEDICATIONS),
            _card("Ketamine", ketamine(record, zone, link=not read_only), KETAMINE),
            _card("Signatures", _signatures(record, zone), SessionPage.SIGNATURES),
            _card(
                "Addenda",
                [_addenda(record, zone), None if read_only else addendum_form(record, zone)],
                SessionPage.ADDENDA,
            ),
            _card("Audit trail", _audit(record, zone), SessionPage.AUDIT),
        ]
    )


def approval_card(panel: Any, toast: Any) -> Any:
    """The discharge sign-off near the top of the record: the physician co-signs here."""
    return html.Div(
        [
            toast,
            dbc.Card(
                [dbc.CardHeader("Discharge sign-off"), dbc.CardBody(panel)],
                className="mb-3 border-danger",
                id="session-signoff",
            ),
        ]
    )


def _dose_and_ending(h: Any) -> Any:
    """Planned against delivered dose (stored when the pump stopped), and how the session
    ended if not by discharge (issue 9)."""
    planned = f"Dose planned {h.dose_mg:g} mg ({h.planned_ml:.1f} mL)"
    given = h.dose_given
    ending = None
    if h.exit_kind:
        words = ExitKind(h.exit_kind).label
        ending = f"{words} (physician-signed exit): {h.end_reason or ''}"
    elif h.state == SessionState.STOPPED_EARLY:
        ending = f"Ended early: {h.end_reason or ''}"
    return html.Div(
        [
            html.Div(f"{planned} · {given}", id="session-dose"),
            html.Div(ending, id="session-ending", className="fw-bold") if ending else None,
        ],
        className="mb-2",
    )


def _card(title: str, body: Any, body_id: str | None = None) -> dbc.Card:
    content = dbc.CardBody(body, id=body_id) if body_id else dbc.CardBody(body)
    return dbc.Card([dbc.CardHeader(title), content], className="mb-3")


def _signatures(record: SessionRecord, zone: ZoneInfo) -> Any:
    if not record.signatures:
        return html.Div("Not signed yet.", className="text-body-secondary")
    return [
        html.Div(
            [
                html.Strong(f"{s.meaning.title()}: {s.printed_name} ({s.role})"),
                html.Span(f" {local_time(s.signed_at, zone, '%Y-%m-%d %H:%M:%S')}"),
                html.Span(
                    " · all criteria met" if s.all_criteria_met else " · criteria NOT all met"
                ),
                html.Div(f"Override: {s.override_reason}", className="text-danger fw-bold")
                if s.override_reason
                else None,
            ],
            className="signature mb-2",
        )
        for s in record.signatures
    ]


def _addenda(record: SessionRecord, zone: ZoneInfo) -> Any:
    if not record.addenda:
        return html.Div("None.", className="text-body-secondary mb-2")
    return html.Ul(
        [
            html.Li(
                f"{local_time(a.created_at, zone, '%Y-%m-%d %H:%M')} {a.author}: "
                + (
                    f"reading at {_reading_time(record, a.target_id, zone)}, {a.field} "
                    f"{a.original_value} → {a.corrected_value}"
                    if a.target_type == "reading"
                    else f"note: {a.corrected_value}"
                )
                + f" (reason: {a.reason})",
                className="addendum",
            )
            for a in record.addenda
        ]
    )


def _reading_time(record: SessionRecord, reading_id: int | None, zone: ZoneInfo) -> str:
    match = [r for r in record.snapshot.readings if r.id == reading_id]
    return local_time(match[0].taken_at, zone) if match else "?"


def addendum_form(record: SessionRecord, zone: ZoneInfo) -> html.Div:
    """Correct a reading's value, or add a note; the original stays as it was. Readings are
    listed at their clinic time, as every other screen shows them."""
    readings = [
        {
            "label": f"{local_time(r.taken_at, zone)} · {r.systolic}/{r.diastolic} "
            f"· HR {r.heart_rate}",
            "value": r.id,
        }
        for r in record.snapshot.readings
    ]
    return html.Div(
        [
            html.H2("Add an addendum", className="h6 mt-2"),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                "Reading (leave empty for a note)", html_for=SessionPage.ADD_READING
                            ),
                            dbc.Select(id=SessionPage.ADD_READING, options=readings),
                        ],
                        md=5,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Value", html_for=SessionPage.ADD_FIELD),
                            dbc.Select(
                                id=SessionPage.ADD_FIELD,
                                options=[{"label": m.label, "value": m.value} for m in Measure],
                            ),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Corrected value or note", html_for=SessionPage.ADD_VALUE),
                            dbc.Input(
                                id=SessionPage.ADD_VALUE, type="text", maxLength=MAX_FREE_TEXT
                            ),
                        ],
                        md=4,
                    ),
                ],
                className="mb-2",
            ),
            dbc.Label("Reason", html_for=SessionPage.ADD_REASON),
            dbc.Input(id=SessionPage.ADD_REASON, type="text", maxLength=MAX_FREE_TEXT),
            dbc.Button(
                "Add addendum", id=SessionPage.ADD_SUBMIT, color="warning", className="mt-2"
            ),
            html.Div(id=SessionPage.ADD_MESSAGE, className="mt-2"),
        ]
    )


def _excursions(record: SessionRecord, zone: ZoneInfo) -> Any:
    rows = record.snapshot.excursions
    if not rows:
        return html.Div("None.", className="text-body-secondary")
    out = []
    for x in rows:
        ack = record.acknowledgements.get(x.id)
        status = (
            f"Acknowledged by {ack.by} at {local_time(ack.at, zone)}: "
            f"{AcknowledgementAction(ack.action).in_a_sentence}"
            + (f" — {ack.note}" if ack.note else "")
            if ack
            else "UNACKNOWLEDGED"
        )
        out.append(
            html.Div(
                [
                    alarm(x.priority, f"{local_time(x.detected_at, zone)} {x.message}"),
                    html.Div(
                        status,
                        className="small mb-2 ms-2 ack-status"
                        + ("" if ack else " text-danger fw-bold"),
                    ),
                ]
            )
        )
    return out


def _values(values: dict[str, object] | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""


AUDIT_FILTERS = (
    {"label": "All events", "value": "all"},
    {"label": "Record access only (views and exports)", "value": "access"},
)


def _audit(record: SessionRecord, zone: ZoneInfo) -> Any:
    """The session's trail; each row is marked as a record access or not, so the filter
    above it narrows the rows in the browser without asking the server for anything."""
    head = ("When", "Who", "What", "Old", "New", "Reason")
    body = [
        html.Tr(
            [
                html.Td(local_time(e.at, zone, "%H:%M:%S")),
                html.Td(e.by),
                html.Td(e.action),
                html.Td(_values(e.old), className="audit-values"),
                html.Td(_values(e.new), className="audit-values"),
                html.Td(e.reason or ""),
            ],
            className="audit-access" if is_access(e.action) else "audit-other",
        )
        for e in record.audit
    ]
    return html.Div(
        [
            dbc.RadioItems(
                id=SessionPage.AUDIT_FILTER,
                options=list(AUDIT_FILTERS),
                value="all",
                inline=True,
                className="mb-2",
            ),
            dbc.Table(
                [html.Thead(html.Tr([html.Th(c) for c in head])), html.Tbody(body)],
                size="sm",
                responsive=True,
                striped=True,
                id=SessionPage.AUDIT_TABLE,
                className="audit-trail",
            ),
        ]
    )
