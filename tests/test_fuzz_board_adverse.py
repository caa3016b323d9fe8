"""Hostile input at the board's adverse-event dialog (issue 13): a crafted events store, a
crafted target, and any note the physician types. The server answers without a 500 or a
stack trace; a note the service cannot store is refused at its field, never stored."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEventAcknowledgement
from tests import factories
from tests.adverse_event_rows import adverse_event
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, body, callback_key
from tests.test_fuzz import FUZZ, INJECTION, anything, huge_ints, world

__all__ = ["world"]  # the fixture, shared with tests/test_fuzz.py

event_dicts = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.integers(), huge_ints, anything),
        "message": anything,
        "at": anything,
    },
)
event_stores = st.one_of(
    anything,
    st.fixed_dictionaries(
        {},
        optional={
            "chair": anything,
            "patient": anything,
            "events": st.one_of(st.lists(st.one_of(event_dicts, anything), max_size=3), anything),
        },
    ),
)
notes = st.one_of(anything, st.sampled_from(INJECTION), st.text(min_size=1990, max_size=2100))


def answered(world: dict[str, Any], payload: dict[str, Any]) -> None:
    response = world["clients"]["physician"].post(ENDPOINT, json=payload)
    text = response.get_data(as_text=True)
    assert response.status_code < 500, text[:300]
    assert "Traceback" not in text


@FUZZ
@given(
    tile=event_stores,
    session=st.one_of(st.integers(min_value=1, max_value=3), huge_ints, anything),
)
def test_board_adverse_store(world: dict[str, Any], tile: Any, session: Any) -> None:
    """Opening the adverse-event dialog from a crafted board-ae-flags store."""
    app: Dash = world["app"]
    button = {"type": "board-ae-open", "session": session}
    payload = body(app, callback_key(app, "board-ae-target.data"), {})
    payload["inputs"] = [[{"id": button, "property": "n_clicks", "value": 1}]]
    payload["state"] = [{"id": "board-ae-flags", "property": "data", "value": {str(session): tile}}]
    payload["changedPropIds"] = [f"{json.dumps(button, sort_keys=True)}.n_clicks"]
    answered(world, payload)


@settings(FUZZ, max_examples=30)
@given(target=event_stores, note=notes, key=st.one_of(anything, st.just("k" * 32)))
def test_board_adverse_acknowledge(
    world: dict[str, Any], database: Database, config: Config, target: Any, note: Any, key: Any
) -> None:
    """Acknowledging from a crafted target, with any note and key: a flagged event that
    exists may be acknowledged, nothing else is stored, and nothing fails."""
    values = {
        "board-ae-ack.n_clicks": 1,
        "board-ae-target.data": target,
        "board-ae-note.value": note,
        "board-ae-key.data": key,
        "board-version.data": 1,
    }
    payload = body(world["app"], callback_key(world["app"], "board-ae-message.children"), values)
    payload["changedPropIds"] = ["board-ae-ack.n_clicks"]
    answered(world, payload)


@settings(FUZZ, max_examples=20)
@given(note=notes)
def test_any_note_on_a_real_event(
    world: dict[str, Any], database: Database, config: Config, note: Any
) -> None:
    """A real flagged event acknowledged with any note: stored as typed (trimmed) when it
    can be, refused at the field when it cannot; never a 500."""
    event = adverse_event(database, config, factories.user(database), world["sid"], T0)
    target = {"chair": "C", "patient": "P", "events": [{"id": event, "message": "m", "at": "t"}]}
    values = {
        "board-ae-ack.n_clicks": 1,
        "board-ae-target.data": target,
        "board-ae-note.value": note,
        "board-ae-key.data": factories.key(),
        "board-version.data": 1,
    }
    payload = body(world["app"], callback_key(world["app"], "board-ae-message.children"), values)
    payload["changedPropIds"] = ["board-ae-ack.n_clicks"]
    answered(world, payload)
    with database.session_scope() as db:
        stored = db.scalars(
            select(AdverseEventAcknowledgement.note).where(
                AdverseEventAcknowledgement.adverse_event_id == event
            )
        ).all()
    assert len(stored) <= 1
