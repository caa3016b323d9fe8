"""Hostile input at the board's safety-flag dialog and in what the record prints from
before dosing (issue 12): the note and reason a physician types, a crafted flags store,
and any text the services store as a note or reason. The server answers without a 500
or a stack trace; the record page and the PDF render whatever text is stored."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.free_text import BIDI_CONTROLS, MAX_FREE_TEXT
from monitor.domain.permissions import Role
from monitor.services.session_record import discharge_pdf, session_record
from monitor.ui.session_view import page
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0
from tests.pages.dash_http import ENDPOINT, body, callback_key
from tests.test_fuzz import FUZZ, INJECTION, alert_dicts, anything, huge_ints, world

__all__ = ["world"]  # the fixture, shared with tests/test_fuzz.py

# A flag in the store has an alert's shape (tests/test_fuzz.py): the same crafted entries.
flag_stores = st.one_of(
    anything,
    st.fixed_dictionaries(
        {},
        optional={
            "chair": anything,
            "patient": anything,
            "flags": st.one_of(st.lists(st.one_of(alert_dicts, anything), max_size=3), anything),
        },
    ),
)


@FUZZ
@given(
    tile=flag_stores,
    session=st.one_of(st.integers(min_value=1, max_value=3), huge_ints, anything),
    others=st.dictionaries(st.text(max_size=5), flag_stores, max_size=2),
)
def test_board_flags_store(world: dict[str, Any], tile: Any, session: Any, others: Any) -> None:
    """Opening the safety-flag dialog from a crafted board-flags store."""
    app: Dash = world["app"]
    button = {"type": "board-flag-open", "session": session}
    payload = body(app, callback_key(app, "board-flag-target.data"), {})
    payload["inputs"] = [[{"id": button, "property": "n_clicks", "value": 1}]]
    payload["state"] = [
        {"id": "board-flags", "property": "data", "value": {**others, str(session): tile}}
    ]
    payload["changedPropIds"] = [f"{json.dumps(button, sort_keys=True)}.n_clicks"]
    response = world["clients"]["physician"].post(ENDPOINT, json=payload)
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (tile, text[:300])
    assert "Traceback" not in text


# What can be stored as text: PostgreSQL takes no NUL, no database a lone surrogate, and
# the record refuses the bidirectional controls that would make it read otherwise than
# typed (domain/free_text.py); the implicit direction marks are stored and printed.
storable = st.characters(codec="utf-8", exclude_characters="\x00" + "".join(BIDI_CONTROLS))
stored_text = st.one_of(
    st.text(storable, min_size=1, max_size=300),
    st.text(storable, min_size=MAX_FREE_TEXT - 100, max_size=MAX_FREE_TEXT),
    st.sampled_from(INJECTION),
    st.sampled_from(["\x07\x1b", "<b>&amp;</b>", "\u200fRTL mark", "a\n\n\n", "]]>%PDF"]),
).filter(str.strip)  # a blank reason is refused at its field, not stored


@pytest.fixture
def flagged(database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    return {"nurse": nurse, "doc": doc, "sid": factories.session(database, config, nurse)}


@settings(FUZZ, max_examples=8)
@given(note=stored_text, reason=stored_text)
def test_record_and_pdf_print_any_stored_note(
    database: Database, config: Config, flagged: dict[str, Any], note: str, reason: str
) -> None:
    sid, doc = flagged["sid"], flagged["doc"]
    flag = rows.raise_flag(database, config, flagged["nurse"], sid, T0)
    rows.acknowledge_flag(database, doc, flag, T0 + timedelta(minutes=1), note)
    # a reason needs words (the pre-dose service refuses a blank one): the text follows them
    reason = f"Seen and cleared: {reason}"[:MAX_FREE_TEXT]
    rows.clearance(database, config, doc, sid, T0 + timedelta(minutes=2), reason)
    record = session_record(database=database, actor=doc, session_id=sid)
    assert record.before_dose.safety_flags[-1].note == (note.strip() or None)
    page(record, config.clinic.zone, "k")
    pdf = discharge_pdf(database=database, config=config, actor=doc, session_id=sid)
    assert pdf.startswith(b"%PDF")
