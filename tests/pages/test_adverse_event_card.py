"""The bedside's adverse-event card over HTTP, as the browser calls it: the refresh lists
the session's events and offers its excursions; Save names each bad field beside it and
stores nothing, then stores the event; "Resolved now" and the outcome form record an
outcome; the auditor cannot post either."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from dash import Dash

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.entered_time import clock_time
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import AdverseEventOutcome
from monitor.services.adverse_events import adverse_events_of
from monitor.ui.bedside.adverse_event_card import NO_EXCURSION, Ae
from monitor.ui.bedside.adverse_event_card import card as card_frame
from tests import factories
from tests.pages.dash_http import ENDPOINT, call, callback_key, prepare, sign_in

SAVE = "ae-message.children"


def client_for(app: Dash, database: Database, role: Role) -> Any:
    client = prepare(app)
    sign_in(client, factories.user(database, role).username)
    return client


def card(app: Dash, client: Any, sid: int) -> dict[str, Any]:
    values = {
        "bed-refresh.n_intervals": 1,
        "bed-version.data": 0,
        "bed-session-id.data": sid,
        "ae-onset.value": "10:00",
        "ae-onset-default.data": "10:00",
    }
    response = call(client, app, "ae-list.children", values)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json()["response"])


def save(app: Dash, client: Any, sid: int, **changes: Any) -> Any:
    values = {
        "ae-save.n_clicks": 1,
        "bed-session-id.data": sid,
        "ae-kind.value": "nausea",
        "ae-severity.value": "mild",
        "ae-serious.value": [],
        "ae-onset.value": clock_time(utcnow(), factories.CONFIG.clinic.zone),
        "ae-action.value": "Reassured",
        "ae-note.value": "",
        "ae-excursion.value": "",
        "ae-key.data": factories.key(),
    }
    values.update({f"ae-{k}": v for k, v in changes.items()})
    return call(client, app, SAVE, values)


def test_the_nurse_records_and_resolves_an_event(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=20))
    high = factories.reading(
        database, config, nurse, sid, utcnow() - timedelta(minutes=5), systolic=185
    )
    client = prepare(app)
    sign_in(client, nurse.username)

    shown = card(app, client, sid)
    assert "None recorded" in json.dumps(shown["ae-list"])
    labels = [o["label"] for o in shown["ae-excursion"]["options"]]
    assert labels[0] == "None" and any(high.flags[0].message in label for label in labels)
    assert shown["ae-onset"]["value"] != "10:00"  # untouched: kept at now

    refused = save(app, client, sid, **{"kind.value": None, "onset.value": "25:00"}).get_json()
    said = refused["response"]
    assert "Choose what happened" in said["ae-kind-problem"]["children"]
    assert "hours:minutes" in said["ae-onset-at-problem"]["children"]
    assert adverse_events_of(database, sid) == ()

    other = save(app, client, sid, **{"kind.value": "other"}).get_json()["response"]
    assert "say what in the note" in other["ae-note-problem"]["children"]

    done = save(app, client, sid).get_json()["response"]
    assert "Adverse event saved" in json.dumps(done["ae-message"])
    assert done["ae-kind"]["value"] is None and done["ae-action"]["value"] == ""
    (event,) = adverse_events_of(database, sid)
    shown = card(app, client, sid)
    assert "Nausea" in json.dumps(shown["ae-list"]) and "Open" in json.dumps(shown["ae-list"])
    assert shown["ae-outcome-event"]["options"][0]["value"] == str(event.id)

    # "Resolved now", as the browser posts a tap on the event's button
    key = callback_key(app, "ae-list-message.children")
    button = {"type": "ae-resolve-now", "index": event.id}
    body = {
        "output": key,
        "outputs": [
            {"id": "ae-list-message", "property": "children"},
            {"id": "ae-resolve-key", "property": "data"},
            {"id": "bed-version", "property": "data"},
        ],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": "bed-session-id", "property": "data", "value": sid},
            {"id": "ae-resolve-key", "property": "data", "value": factories.key()},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".n_clicks"],
    }
    response = client.post(ENDPOINT, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Marked resolved" in response.get_data(as_text=True)
    (event,) = adverse_events_of(database, sid)
    assert event.outcome is AdverseEventOutcome.RESOLVED and event.resolved_at is not None
    assert "Resolved at" in json.dumps(card(app, client, sid)["ae-list"])


def test_the_outcome_form_marks_its_fields(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=20))
    client = prepare(app)
    sign_in(client, nurse.username)
    save(app, client, sid)
    (event,) = adverse_events_of(database, sid)

    def outcome(value: Any, resolved: Any) -> dict[str, Any]:
        values = {
            "ae-outcome-save.n_clicks": 1,
            "bed-session-id.data": sid,
            "ae-outcome-event.value": str(event.id),
            "ae-outcome.value": value,
            "ae-resolved-at.value": resolved,
            "ae-outcome-note.value": "settled",
            "ae-outcome-key.data": factories.key(),
        }
        response = call(client, app, "ae-outcome-message.children", values)
        assert response.status_code == 200
        return dict(response.get_json()["response"])

    said = outcome("resolved_with_sequelae", "")
    assert "say when it resolved" in said["ae-resolved-at-problem"]["children"]
    said = outcome("resolving", "")
    assert "Outcome saved" in json.dumps(said["ae-outcome-message"])
    assert adverse_events_of(database, sid)[0].outcome is AdverseEventOutcome.RESOLVING


def test_the_auditor_cannot_post(app: Dash, database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=20))
    auditor = client_for(app, database, Role.AUDITOR)
    assert save(app, auditor, sid).status_code == 403
    assert adverse_events_of(database, sid) == ()


def test_the_linked_excursion_reads_none_on_load_and_after_a_save(
    app: Dash, database: Database, config: Config
) -> None:
    """dbc.Select adds its own hidden placeholder option of value "": a "None" option of
    the same value is shadowed by it, and the select shows a blank. One "None" option, of
    its own value, is chosen when the card opens and again after each save."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=utcnow() - timedelta(minutes=20))
    factories.reading(database, config, nurse, sid, utcnow() - timedelta(minutes=5), systolic=185)
    layout = card_frame(config.adverse_events, key="k", onset="10:00")
    (select,) = [c for c in layout._traverse() if getattr(c, "id", None) == Ae.EXCURSION]
    assert select.value == NO_EXCURSION != ""
    assert [o["value"] for o in select.options] == [NO_EXCURSION]
    assert [o["label"] for o in select.options] == ["None"]

    client = prepare(app)
    sign_in(client, nurse.username)
    options = card(app, client, sid)["ae-excursion"]["options"]
    values = [o["value"] for o in options]
    assert "" not in values and len(set(values)) == len(values)
    assert [o["value"] for o in options if o["label"] == "None"] == [NO_EXCURSION]
    excursion = next(o["value"] for o in options if o["label"] != "None")

    done = save(app, client, sid, **{"excursion.value": NO_EXCURSION}).get_json()["response"]
    assert "Adverse event saved" in json.dumps(done["ae-message"])
    assert done["ae-excursion"]["value"] == NO_EXCURSION
    linked = save(app, client, sid, **{"excursion.value": excursion})
    assert linked.get_json()["response"]["ae-excursion"]["value"] == NO_EXCURSION
    events = adverse_events_of(database, sid)
    assert sorted((e.excursion_id or 0) for e in events) == [0, int(excursion)]
