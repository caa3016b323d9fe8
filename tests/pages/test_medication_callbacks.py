"""The rescue-medications card over HTTP, as the browser calls it: a refusal lands at its
field and stores nothing; a nurse cannot call the physician's order callback (403); the
physician's signed order shows under "Orders waiting" and the nurse gives it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from dash import Dash
from flask.testing import FlaskClient

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from tests import factories as f
from tests import medication_data as m
from tests.pages.dash_http import call, prepare, sign_in

GIVE = "med-message.children"
ORDER = "medorder-message.children"
REFRESH = "med-given.children"


def client_of(app: Dash, person: Actor) -> FlaskClient:
    client = prepare(app)
    sign_in(client, person.username)
    return client


def answer(app: Dash, client: FlaskClient, output: str, values: dict[str, Any]) -> dict[str, Any]:
    response = call(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return dict(response.get_json()["response"])


def setting(database: Database, config: Config) -> m.Bedside:
    return m.bedside(database, config, now=utcnow() - timedelta(minutes=30))


def give(bed: m.Bedside, config: Config, **values: Any) -> dict[str, Any]:
    """The give form as the card sends it: ondansetron 4 mg IV for the adverse event, now."""
    return {
        "bed-session-id.data": bed.session_id,
        "med-drug.value": "ondansetron",
        "med-route.value": "iv",
        "med-dose.value": "4",
        "med-given-at.value": f"{utcnow().astimezone(config.clinic.zone):%H:%M}",
        "med-indication.value": f"ae-{bed.adverse_event_id}",
        "med-order.data": None,
        "med-key.data": f.key(),
        "med-give.n_clicks": 1,
    } | values


def order(bed: m.Bedside, **values: Any) -> dict[str, Any]:
    return {
        "bed-session-id.data": bed.session_id,
        "medorder-drug.value": "midazolam",
        "medorder-route.value": "iv",
        "medorder-dose.value": "2",
        "medorder-reason.value": "",
        "medorder-password.value": f.PASSWORD,
        "medorder-key.data": f.key(),
        "medorder-submit.n_clicks": 1,
    } | values


def problem(said: dict[str, Any], slot: str) -> str:
    return str(said[slot]["children"])


def test_a_dose_needing_an_order_is_refused_at_the_drug(
    app: Dash, database: Database, config: Config
) -> None:
    bed = setting(database, config)
    nurse = client_of(app, bed.nurse)
    said = answer(app, nurse, GIVE, give(bed, config, **{"med-drug.value": "midazolam"}))
    assert "needs a physician's order" in problem(said, "med-problem-drug")
    assert "bed-version" not in said  # nothing stored: the panel is not redrawn
    said = answer(app, nurse, GIVE, give(bed, config, **{"med-dose.value": "40"}))
    assert problem(said, "med-problem-dose")
    assert problem(said, "med-problem-drug") == ""
    said = answer(app, nurse, GIVE, give(bed, config, **{"med-indication.value": None}))
    assert "Choose what it is given for" in problem(said, "med-problem-indication")
    assert m.counts(database) == (0, 0)


def test_a_nurse_cannot_order_and_an_auditor_cannot_give(
    app: Dash, database: Database, config: Config
) -> None:
    bed = setting(database, config)
    nurse = client_of(app, bed.nurse)
    assert call(nurse, app, ORDER, order(bed)).status_code == 403
    auditor = client_of(app, f.user(database, Role.AUDITOR))
    assert call(auditor, app, GIVE, give(bed, config)).status_code == 403
    assert call(auditor, app, ORDER, order(bed)).status_code == 403
    assert m.counts(database) == (0, 0)


def test_the_signed_order_is_waiting_then_given(
    app: Dash, database: Database, config: Config
) -> None:
    bed = setting(database, config)
    doctor = client_of(app, bed.doctor)
    said = answer(app, doctor, ORDER, order(bed, **{"medorder-dose.value": "2.5"}))
    assert "outside the usual" in problem(said, "medorder-problem-reason")
    assert said["medorder-password"]["value"] == ""  # never sent back
    said = answer(app, doctor, ORDER, order(bed, **{"medorder-password.value": "wrong"}))
    assert problem(said, "medorder-problem-password")
    assert m.counts(database) == (0, 0)
    said = answer(
        app,
        doctor,
        ORDER,
        order(bed, **{"medorder-dose.value": "2.5", "medorder-reason.value": "Severe emergence"}),
    )
    assert "Ordered: Midazolam 2.5 mg IV, signed by" in json.dumps(said["medorder-message"])
    assert m.counts(database) == (1, 0)

    nurse = client_of(app, bed.nurse)
    tick = {"bed-session-id.data": bed.session_id, "bed-refresh.n_intervals": 1}
    card = answer(app, nurse, REFRESH, tick)
    assert "Midazolam 2.5 mg IV" in json.dumps(card["med-waiting"])
    again = call(nurse, app, REFRESH, tick | {"med-shown.data": card["med-shown"]["data"]})
    assert again.get_json()["response"] == {}  # unchanged: nothing redrawn under a tap
    wanted = re.search(r'"order": (\d+)', json.dumps(card["med-waiting"]))
    assert wanted is not None  # the "Give as ordered" button's id holds the order
    given = give(
        bed,
        config,
        **{
            "med-drug.value": "midazolam",
            "med-dose.value": "2.5",
            "med-order.data": {"id": int(wanted[1]), "drug": "midazolam"},
        },
    )
    said = answer(app, nurse, GIVE, given)
    assert "Given: Midazolam 2.5 mg IV" in json.dumps(said["med-message"])
    assert m.counts(database) == (1, 1)
    card = answer(app, nurse, REFRESH, tick | {"med-shown.data": card["med-shown"]["data"]})
    assert "ordered by" in json.dumps(card["med-given"])
    assert card["med-waiting"]["children"] is None
