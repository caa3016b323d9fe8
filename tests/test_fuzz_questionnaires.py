"""Hostile input to the questionnaire screens and the safety-flag note: whatever arrives, no
500, and nothing stored off the instrument's scale (tests/test_fuzz.py's strategies)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.course_models import QuestionnaireResponse, SafetyFlagAcknowledgement
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.errors import InvalidEntry
from monitor.domain.free_text import unstorable
from monitor.domain.questionnaire_items import FORMS
from monitor.domain.vocabulary import Questionnaire
from monitor.services.questionnaires import record_questionnaire
from monitor.services.safety_flags import acknowledge_safety_flag
from tests import factories
from tests.pages.dash_http import ENDPOINT, body, callback_key
from tests.test_fuzz import FUZZ, INJECTION, anything, world

__all__ = ["world"]  # the fixture, shared with tests/test_fuzz.py


def with_items(payload: dict[str, Any], ids: list[Any], values: list[Any]) -> dict[str, Any]:
    """Fill the pattern-matching (ALL) states of a callback body: the answers, then the ids."""
    states = payload["state"]
    value_at, id_at = [
        n
        for n, dep in enumerate(states)
        if isinstance(dep, list) or str(dep.get("id", "")).startswith("{")
    ]
    states[value_at] = [
        {"id": i, "property": "value", "value": v} for i, v in zip(ids, values, strict=False)
    ]
    states[id_at] = [{"id": i, "property": "id", "value": i} for i in ids]
    return payload


@pytest.fixture
def planned(world: dict[str, Any], database: Database, config: Config) -> int:
    nurse = factories.user(database)
    return factories.session(
        database, config, nurse, chair=config.clinic.chairs[1], now=utcnow() - timedelta(minutes=5)
    )


def assert_on_the_scale(database: Database) -> None:
    with database.session_scope() as db:
        for row in db.scalars(select(QuestionnaireResponse)):
            form = FORMS[Questionnaire(row.questionnaire)]
            assert sorted(int(k) for k in row.items) == list(form.numbers)
            assert all(0 <= v <= form.item_max for v in row.items.values())
            assert row.total == sum(row.items.values())


@FUZZ
@given(
    answers=st.lists(anything, max_size=22),
    items=st.lists(anything, max_size=22),
    form=anything,
    session=anything,
    key=anything,
    whole=st.booleans(),
)
def test_nurse_questionnaire_form(
    world: dict[str, Any],
    database: Database,
    planned: int,
    answers: list[Any],
    items: list[Any],
    form: Any,
    session: Any,
    key: Any,
    whole: bool,
) -> None:
    app: Dash = world["app"]
    if whole:  # a well-formed form with hostile answers, for the planned session
        items, session, form, key = list(range(1, 10)), planned, "phq9", factories.key()
    payload = body(
        app,
        callback_key(app, "qf-result.children"),
        {
            "qf-submit.n_clicks": 1,
            "qf-session.data": session,
            "qf-form.data": form,
            "qf-key.data": key,
        },
    )
    ids = [{"type": "qf-item", "item": item} for item in items]
    payload = with_items(payload, ids, answers)
    payload["outputs"][2] = [{"id": i, "property": "className"} for i in ids]
    payload["outputs"][3] = [{"id": i, "property": "value"} for i in ids]
    response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert "Traceback" not in response.get_data(as_text=True)
    assert_on_the_scale(database)


@FUZZ
@given(
    answers=st.lists(anything, max_size=22),
    items=st.lists(anything, max_size=22),
    form=anything,
    key=anything,
)
def test_patient_mode_form_outside_patient_mode(
    world: dict[str, Any],
    database: Database,
    answers: list[Any],
    items: list[Any],
    form: Any,
    key: Any,
) -> None:
    app: Dash = world["app"]
    payload = body(
        app,
        callback_key(app, "pm-result.children"),
        {"pm-submit.n_clicks": 1, "pm-form.data": form, "pm-key.data": key},
    )
    ids = [{"type": "pm-item", "item": item} for item in items]
    payload = with_items(payload, ids, answers)
    payload["outputs"][3] = [{"id": i, "property": "className"} for i in ids]
    response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert_on_the_scale(database)


@FUZZ
@given(forms=anything, session=anything)
def test_patient_mode_handover(world: dict[str, Any], forms: Any, session: Any) -> None:
    app: Dash = world["app"]
    payload = body(
        app,
        callback_key(app, "qf-handover-message.children"),
        {"qf-handover.n_clicks": 1, "qf-session.data": session, "qf-handover-forms.value": forms},
    )
    response = world["clients"]["physician"].post(ENDPOINT, json=payload)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@pytest.fixture
def flagged(database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=utcnow() - timedelta(minutes=5))
    return {"nurse": nurse, "physician": factories.user(database, "physician"), "sid": sid}


@FUZZ
@given(note=st.one_of(anything.filter(lambda v: isinstance(v, str)), st.sampled_from(INJECTION)))
def test_safety_flag_note(
    database: Database, config: Config, flagged: dict[str, Any], note: str
) -> None:
    flag = record_questionnaire(
        database=database,
        config=config,
        actor=flagged["nurse"],
        session_id=flagged["sid"],
        questionnaire="phq9",
        items=dict.fromkeys(range(1, 10), 1),
        respondent="nurse",
        idempotency_key=factories.key(),
    ).flag_id
    assert flag is not None
    try:
        done = acknowledge_safety_flag(
            database=database,
            actor=flagged["physician"],
            flag_id=flag,
            note=note,
            submission_key=factories.key(),
        )
    except InvalidEntry:
        assert len(note.strip()) > 2000 or unstorable(note.strip())
        return
    with database.session_scope() as db:
        row = db.get_one(SafetyFlagAcknowledgement, done.acknowledgement_id)
        assert row.note == (note.strip() or None)
