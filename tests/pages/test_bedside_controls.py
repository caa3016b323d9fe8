"""Every bedside control, in every session state, does what the state machine allows.

The screen has no list of its own of which state enables which button: each control is
enabled (or shown) exactly where `allows(state, event)` says its event is accepted, and the
reading form and the recovery card follow `accepts_entries` and the discharge. The session
is put in each state through the real services, and the controls are read from the real
callbacks' answers, as the browser gets them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.session_state import (
    SessionEvent,
    SessionState,
    accepts_entries,
    allows,
)
from monitor.services.actors import Actor
from monitor.services.early_end import end_session_early
from monitor.ui import recovery_view
from tests import factories
from tests.factories import T0
from tests.pages.dash_http import call, open_page, prepare, sign_in
from tests.services.test_recovery import READY, discharged, recovered

# Each pump control and the event it asks the state machine for.
PUMP_CONTROLS = {
    "bed-start": SessionEvent.START_INFUSION,
    "bed-pause": SessionEvent.PAUSE,
    "bed-resume": SessionEvent.RESUME,
    "bed-stop": SessionEvent.STOP_INFUSION,
    "bed-rate-change": SessionEvent.RATE_CHANGE,
    "bed-end-early": SessionEvent.END_EARLY,
}


def in_state(
    database: Database, config: Config, nurse: Actor, doctor: Actor, state: SessionState
) -> int:
    """A session brought to `state` through the services, as a clinic would."""
    if state is SessionState.PLANNED:
        return factories.session(database, config, nurse)
    if state is SessionState.BASELINE:
        sid = factories.session(database, config, nurse)
        factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=1))
        return sid
    if state is SessionState.INFUSING:
        return factories.infusing(database, config, nurse)
    if state is SessionState.PAUSED:
        sid = factories.infusing(database, config, nurse)
        factories.event(
            database, nurse, sid, SessionEvent.PAUSE, T0 + timedelta(minutes=5), reason="nausea"
        )
        return sid
    if state is SessionState.RECOVERY:
        return recovered(database, config, nurse)
    if state is SessionState.STOPPED_EARLY:
        sid = factories.session(database, config, nurse)
        end_session_early(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            reason="declined",
            now=T0 + timedelta(minutes=1),
        )
        return sid
    assert state is SessionState.DISCHARGED
    return discharged(database, config, nurse, doctor, signed=READY + timedelta(minutes=1))


def answer(app: Dash, client: Any, output: str, values: dict[str, Any]) -> dict[str, Any]:
    response = call(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json()["response"])


def refreshed(app: Dash, client: Any, sid: int) -> dict[str, Any]:
    values = {"bed-refresh.n_intervals": 1, "bed-version.data": 0, "bed-session-id.data": sid}
    return answer(app, client, "bed-header.children", values)


def exit_shown(app: Dash, client: Any, sid: int) -> tuple[bool, bool]:
    """Whether the signed-exit button and the nurse's hint about it are shown."""
    values = {"bed-refresh.n_intervals": 1, "bed-version.data": 0, "bed-session-id.data": sid}
    shown = answer(app, client, "bed-exit-open.style", values)
    return (
        shown["bed-exit-open"]["style"]["display"] != "none",
        shown["bed-exit-hint"]["style"]["display"] != "none",
    )


@pytest.mark.parametrize("state", list(SessionState))
def test_every_control_follows_the_state_machine(
    app: Dash, database: Database, config: Config, state: SessionState
) -> None:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = in_state(database, config, nurse, doctor, state)
    client = prepare(app)
    sign_in(client, nurse.username)

    shown = refreshed(app, client, sid)
    assert shown["bed-header"]["children"], "the refresh rendered no header"
    for control, event in PUMP_CONTROLS.items():
        enabled = not shown[control]["disabled"]
        assert enabled is allows(state, event), f"{control} enabled={enabled} while {state}"
    assert (not shown["bed-save"]["disabled"]) is accepts_entries(state)
    card_shown = shown["rec-card"]["style"]["display"] != "none"
    assert card_shown is allows(state, SessionEvent.DISCHARGE)

    # Ending early: the dialog offers Confirm exactly where the state machine allows it.
    dialog = answer(
        app,
        client,
        "bed-end-explain.children",
        {"bed-end-early.n_clicks": 1, "bed-end-cancel.n_clicks": None, "bed-session-id.data": sid},
    )
    assert (not dialog["bed-end-confirm"]["disabled"]) is allows(state, SessionEvent.END_EARLY)

    # The signed exit: the nurse never has the button, and is told how recovery ends.
    assert exit_shown(app, client, sid) == (False, allows(state, SessionEvent.SIGNED_EXIT))
    doctor_client = prepare(app)
    sign_in(doctor_client, doctor.username)
    assert exit_shown(app, doctor_client, sid) == (allows(state, SessionEvent.SIGNED_EXIT), False)

    # The session record page offers the physician the discharge approval where the state
    # machine accepts a discharge.
    record_page = json.dumps(open_page(doctor_client, app, f"/session/{sid}"))
    approval_offered = f'"{recovery_view.RECORD.approve}"' in record_page
    assert approval_offered is allows(state, SessionEvent.DISCHARGE), (
        f"discharge approval offered={approval_offered} while {state}"
    )
