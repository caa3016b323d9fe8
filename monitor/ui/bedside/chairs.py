"""Choosing a chair: each chair with its session's state and what needs a nurse there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.excursions import PRIORITY_MARKS
from monitor.domain.vocabulary import Priority, SessionState
from monitor.ui.bedside.words import STATE_WORDS

if TYPE_CHECKING:
    from monitor.services.bedside import ChairStatus


def chair_picker(chairs: Sequence[str], active: Mapping[str, ChairStatus]) -> html.Div:
    """Each chair with its session's state and what needs a nurse there: an overdue reading,
    an unacknowledged high excursion, a discharge awaiting the physician's co-signature
    (each as words and marks, never colour alone)."""
    cards = []
    for chair in chairs:
        row = active.get(chair)
        detail = (
            f"{row.patient_initials} · {row.mrn} · {STATE_WORDS[SessionState(row.state)]}"
            if row
            else "Free"
        )
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


def _chair_mark(text: str, kind: str) -> html.Div:
    """One thing that needs a nurse at the chair, in words with its mark."""
    return html.Div(text, className=f"chair-state chair-state-{kind}")


def _chair_marks(row: ChairStatus) -> list[html.Div]:
    marks = []
    if row.unacknowledged_high:
        count = f" ({row.unacknowledged_high})" if row.unacknowledged_high > 1 else ""
        marks.append(
            _chair_mark(f"{PRIORITY_MARKS[Priority.HIGH]} HIGH unacknowledged{count}", "high")
        )
    if row.overdue:
        marks.append(
            _chair_mark(f"⚠ READING OVERDUE by {int(row.overdue_seconds // 60)} min", "overdue")
        )
    if row.awaiting_cosignature:
        marks.append(_chair_mark("✍ Nurse signed — awaiting co-signature", "cosign"))
    return marks
