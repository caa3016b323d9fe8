"""The pre-dose clearance's free text (its reason) and its other values, fuzzed as
tests/test_fuzz.py fuzzes the bedside: whatever a physician's tablet posts, the server
answers without a 500, and a stored clearance has a real reason for a real concern."""

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
from monitor.db.course_models import PreDoseClearance
from monitor.db.engine import Database
from monitor.domain.free_text import MAX_FREE_TEXT
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import PreDoseConcern
from monitor.services.pre_dose import MIN_REASON
from tests import factories
from tests.pages.dash_http import prepare, sign_in
from tests.test_fuzz import FUZZ, INJECTION, anything, post

concerns = st.one_of(st.sampled_from([c.value for c in PreDoseConcern]), anything)
reasons = st.one_of(
    anything,
    st.sampled_from(INJECTION),
    st.text(min_size=MAX_FREE_TEXT - 2, max_size=MAX_FREE_TEXT + 2),
    st.sampled_from(["", "   ", "ok", "\u200b\u200b\u200b\u200b\u200b", "Known HTN\x00"]),
)


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    at = factories.T0
    sid = factories.session(database, config, nurse, now=at - timedelta(minutes=20))
    factories.reading(
        database, config, nurse, sid, at - timedelta(minutes=10), systolic=150, diastolic=95
    )
    client: FlaskClient = prepare(app)
    sign_in(client, doctor.username)
    yield {"app": app, "sid": sid, "clients": {"physician": client}}


@FUZZ
@given(concern=concerns, reason=reasons, key=anything, session=anything)
def test_clearance_form(
    world: dict[str, Any], database: Database, concern: Any, reason: Any, key: Any, session: Any
) -> None:
    post(
        world,
        "physician",
        "predose-message.children",
        {
            "predose-clear.n_clicks": 1,
            "bed-session-id.data": session if session else world["sid"],
            "predose-concern.value": concern,
            "predose-reason.value": reason,
            "predose-key.data": key if key else factories.key(),
        },
    )
    with database.session_scope() as db:
        for row in db.scalars(select(PreDoseClearance)):
            assert row.concern in {c.value for c in PreDoseConcern}
            assert row.reason == row.reason.strip()
            assert len(row.reason) <= MAX_FREE_TEXT
            assert sum(ch.isalnum() for ch in row.reason) >= MIN_REASON
