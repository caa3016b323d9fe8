"""The session drill-down: timeline chart, readings, excursions and the audit trail."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.ui.components import alarm, local_time, readings_table
from monitor.ui.figures import session_timeline
from monitor.ui.ids import SessionPage as S

if TYPE_CHECKING:
    from monitor.services.session_record import SessionRecord

ACTION_WORDS = {
    "observed": "observed",
    "repeat_reading_ordered": "repeat reading ordered",
    "infusion_paused": "infusion paused",
    "medication_given": "medication given",
    "other": "other",
}


def missing(session_id: str) -> Any:
    return dbc.Alert(f"No session {session_id!r}.", color="warning")


def page(record: SessionRecord, zone: ZoneInfo) -> html.Div:
    h = record.snapshot.header
    return html.Div(
        [
            html.H1(f"{h.chair} · {h.patient_name} · MRN {h.mrn}", className="h4"),
            html.Div(
                f"{h.protocol_name} · {h.weight_kg:g} kg · {h.dose_mg:g} mg · "
                f"opened {local_time(h.opened_at, zone, '%Y-%m-%d %H:%M')} · "
                f"state {h.state.replace('_', ' ')}",
                className="text-body-secondary mb-2",
            ),
            dcc.Link(
                "Bedside for this chair", href=f"/bedside?chair={quote(h.chair)}", className="me-3"
            )
            if h.state not in ("discharged", "stopped_early")
            else None,
            dbc.Card(
                [
                    dbc.CardHeader("Timeline"),
                    dbc.CardBody(
                        dcc.Graph(
                            id=S.TIMELINE,
                            figure=session_timeline(record, zone),
                            config={"displayModeBar": False, "responsive": True},
                        )
                    ),
                ],
                className="my-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("Readings"),
                    dbc.CardBody(
                        readings_table(record.snapshot.readings, zone, table_id=S.READINGS)
                    ),
                ],
                className="mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader("Excursions and acknowledgements"),
                    dbc.CardBody(_excursions(record, zone), id=S.EXCURSIONS),
                ],
                className="mb-3",
            ),
            dbc.Card(
                [dbc.CardHeader("Audit trail"), dbc.CardBody(_audit(record, zone), id=S.AUDIT)]
            ),
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
            f"{ACTION_WORDS[ack.action]}" + (f" — {ack.note}" if ack.note else "")
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


def _audit(record: SessionRecord, zone: ZoneInfo) -> Any:
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
            ]
        )
        for e in record.audit
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(c) for c in head])), html.Tbody(body)],
        size="sm",
        responsive=True,
        striped=True,
        id="session-audit-table",
    )
