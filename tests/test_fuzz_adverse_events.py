"""The adverse-event card's free text (the action taken, the note, the outcome note) and
its other values, fuzzed as tests/test_fuzz.py fuzzes the bedside: whatever a tablet posts,
the server answers without a 500, and what is stored is a real event (a kind from the
picklist, a grade, stripped text within the limit, a note where the kind needs one) and a
real outcome; a refusal stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, AdverseEventOutcomeEntry
from monitor.db.types import utcnow
from monitor.domain.entered_time import clock_time
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from tests import factories
from tests.adverse_event_data import adverse_event
from tests.pages.dash_http import prepare, sign_in
from tests.test_fuzz import FUZZ, INJECTION, anything, post

KINDS = [k.code for k in factories.CONFIG.adverse_events.kinds]
texts = st.one_of(
    anything,
    st.sampled_from(INJECTION),
    st.text(min_size=MAX_FREE_TEXT - 2, max_size=MAX_FREE_TEXT + 2),
    st.sampled_from(["", "   ", "Ondansetron 4 mg IV", "\u200b", "bad\x00", "\udcff"]),
)
kinds = st.one_of(st.sampled_from(KINDS), anything)
severities = st.one_of(st.sampled_from([s.value for s in Severity]), anything)
outcomes = st.one_of(st.sampled_from([o.value for o in AdverseEventOutcome]), anything)
times = st.one_of(
    st.just("now"),
    anything,
    st.sampled_from(["", "24:00", "00:00", "23:59", "7:5", "12:00:00", " 09:30 "]),
)


def when(value: Any) -> Any:
    return clock_time(utcnow(), factories.CONFIG.clinic.zone) if value == "now" else value


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=30))
    event = adverse_event(
        database, config, nurse, sid, now=utcnow(), onset_at=utcnow() - timedelta(minutes=5)
    )
    client: FlaskClient = prepare(app)
    sign_in(client, nurse.username)
    yield {"app": app, "sid": sid, "event": event.adverse_event_id, "clients": {"nurse": client}}


def assert_events_real(database: Database) -> None:
    with database.session_scope() as db:
        for row in db.scalars(select(AdverseEvent)):
            assert row.kind in KINDS and row.severity in {s.value for s in Severity}
            for text in (row.note, row.action_taken):
                assert text is None or (text == text.strip() and 0 < len(text) <= MAX_FREE_TEXT)
            if factories.CONFIG.adverse_events.kind(row.kind).note_required:
                assert row.note
        for outcome in db.scalars(select(AdverseEventOutcomeEntry)):
            assert outcome.outcome in {o.value for o in AdverseEventOutcome}
            assert outcome.note is None or len(outcome.note) <= MAX_FREE_TEXT


@FUZZ
@given(
    kind=kinds,
    severity=severities,
    serious=anything,
    onset=times,
    action=texts,
    note=texts,
    excursion=anything,
    key=anything,
)
def test_event_form(
    world: dict[str, Any],
    database: Database,
    kind: Any,
    severity: Any,
    serious: Any,
    onset: Any,
    action: Any,
    note: Any,
    excursion: Any,
    key: Any,
) -> None:
    post(
        world,
        "nurse",
        "ae-message.children",
        {
            "ae-save.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "ae-kind.value": kind,
            "ae-severity.value": severity,
            "ae-serious.value": serious,
            "ae-onset.value": when(onset),
            "ae-action.value": action,
            "ae-note.value": note,
            "ae-excursion.value": excursion,
            "ae-key.data": key if key else factories.key(),
        },
    )
    assert_events_real(database)


@FUZZ
@given(event=anything, outcome=outcomes, resolved=times, note=texts, key=anything)
def test_outcome_form(
    world: dict[str, Any],
    database: Database,
    event: Any,
    outcome: Any,
    resolved: Any,
    note: Any,
    key: Any,
) -> None:
    post(
        world,
        "nurse",
        "ae-outcome-message.children",
        {
            "ae-outcome-save.n_clicks": 1,
            "bed-session-id.data": world["sid"],
            "ae-outcome-event.value": str(world["event"]) if event is None else event,
            "ae-outcome.value": outcome,
            "ae-resolved-at.value": when(resolved),
            "ae-outcome-note.value": note,
            "ae-outcome-key.data": key if key else factories.key(),
        },
    )
    assert_events_real(database)
