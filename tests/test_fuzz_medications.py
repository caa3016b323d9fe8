"""Hostile and malformed input on the rescue-medications card and its services (issue 13):
every free-text and number field of the give and order forms (drug code, route, dose as
text, time, indication, order id, reason, password, keys, the session id) through the Dash
callbacks and straight into the services. Whatever arrives, no 500 and no stack trace; a
refused submission stores nothing; whatever is stored is a plausible dose."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from dash import Dash
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import MedicationAdministration, MedicationOrder
from monitor.db.types import utcnow
from monitor.domain.errors import DomainError
from monitor.domain.permissions import Role
from monitor.services.medication_orders import order_medication
from monitor.services.medications import give_medication
from tests import factories, medication_data
from tests.pages.dash_http import ENDPOINT, body, callback_key, prepare, sign_in
from tests.test_fuzz import FUZZ, INJECTION, anything, dateish, numberish

text = st.one_of(anything, st.sampled_from(INJECTION))
drugs = st.one_of(text, st.sampled_from(["ondansetron", "midazolam", "labetalol", "clonidine"]))
routes = st.one_of(text, st.sampled_from(["iv", "po", "odt", "IV", "im", ""]))
times = st.one_of(dateish, st.sampled_from(["00:00", "23:59", "24:00", "7:5", "12:60", "-1:00"]))
ids = st.one_of(anything, st.sampled_from(["ae-1", "exc-1", "ae-", "exc-x", "ae-99999", "-1"]))


@pytest.fixture
def world(app: Dash, database: Database, config: Config) -> Iterator[dict[str, Any]]:
    bed = medication_data.bedside(database, config, now=utcnow() - timedelta(minutes=30))
    auditor = factories.user(database, Role.AUDITOR)
    clients = {}
    for role, actor in (("nurse", bed.nurse), ("physician", bed.doctor), ("auditor", auditor)):
        client = prepare(app)
        sign_in(client, actor.username)
        clients[role] = client
    yield {"app": app, "bed": bed, "clients": clients, "database": database, "config": config}


def post(world: dict[str, Any], role: str, output: str, values: dict[str, Any]) -> str:
    """The callback called as the browser calls it; its answer's text (never a 500)."""
    app: Dash = world["app"]
    response = world["clients"][role].post(
        ENDPOINT, json=body(app, callback_key(app, output), values)
    )
    said = str(response.get_data(as_text=True))
    assert response.status_code < 500, (output, values, said[:300])
    assert "Traceback" not in said
    return said


def stored(database: Database) -> tuple[int, int]:
    return medication_data.counts(database)


def assert_plausible(database: Database, config: Config) -> None:
    """Every stored dose and order is a finite amount of a formulary drug by one of its routes."""
    with database.session_scope() as db:
        rows = [*db.scalars(select(MedicationOrder)), *db.scalars(select(MedicationAdministration))]
        for row in rows:
            drug = config.formulary.drug(row.drug)
            assert math.isfinite(row.dose) and row.dose > 0
            assert row.route in drug.routes


@FUZZ
@given(
    drug=drugs,
    route=routes,
    dose=numberish,
    at=times,
    indication=ids,
    order=st.one_of(anything, st.fixed_dictionaries({"id": anything, "drug": anything})),
    key=anything,
    session=anything,
)
def test_give_form(world: dict[str, Any], **values: Any) -> None:
    database, before = world["database"], stored(world["database"])
    said = post(
        world,
        "nurse",
        "med-message.children",
        {
            "bed-session-id.data": values["session"] or world["bed"].session_id,
            "med-drug.value": values["drug"],
            "med-route.value": values["route"],
            "med-dose.value": values["dose"],
            "med-given-at.value": values["at"],
            "med-indication.value": values["indication"],
            "med-order.data": values["order"],
            "med-key.data": values["key"],
            "med-give.n_clicks": 1,
        },
    )
    if "Given:" not in said:
        assert stored(database) == before, said[:300]
    assert_plausible(database, world["config"])


@FUZZ
@given(
    drug=drugs,
    route=routes,
    dose=numberish,
    reason=text,
    password=st.one_of(text, st.just(factories.PASSWORD)),
    key=anything,
    session=anything,
)
def test_order_form(world: dict[str, Any], **values: Any) -> None:
    database, before = world["database"], stored(world["database"])
    sent = {
        "bed-session-id.data": values["session"] or world["bed"].session_id,
        "medorder-drug.value": values["drug"],
        "medorder-route.value": values["route"],
        "medorder-dose.value": values["dose"],
        "medorder-reason.value": values["reason"],
        "medorder-password.value": values["password"],
        "medorder-key.data": values["key"],
        "medorder-submit.n_clicks": 1,
    }
    said = post(world, "physician", "medorder-message.children", sent)
    if "Ordered:" not in said:
        assert stored(database) == before, said[:300]
    post(world, "nurse", "medorder-message.children", sent)  # 403, never a 500
    assert_plausible(database, world["config"])


@FUZZ
@given(drug=drugs, order=anything, taps=st.lists(anything, max_size=3), session=anything)
def test_pickers_and_refresh(
    world: dict[str, Any], drug: Any, order: Any, taps: list[Any], session: Any
) -> None:
    sid = session or world["bed"].session_id
    post(
        world, "nurse", "med-dose-label.children", {"med-drug.value": drug, "med-order.data": order}
    )
    post(world, "physician", "medorder-dose-label.children", {"medorder-drug.value": drug})
    post(
        world,
        "nurse",
        "med-given.children",
        {
            "bed-session-id.data": sid,
            "bed-refresh.n_intervals": 1,
            "med-indication.value": drug,
            "med-shown.data": order,
        },
    )
    app: Dash = world["app"]
    payload = body(app, callback_key(app, "med-drug.value"), {"bed-session-id.data": sid})
    payload["inputs"] = [
        [
            {"id": {"type": "med-give-order", "order": tap}, "property": "n_clicks", "value": 1}
            for tap in taps
        ]
    ]
    if taps:  # as the browser names it, and once as no browser would (not JSON)
        tapped = json.dumps({"order": taps[0], "type": "med-give-order"}, default=str)
        payload["changedPropIds"] = [f"{tapped}.n_clicks"]
        response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
        assert response.status_code < 500 and "Traceback" not in response.get_data(as_text=True)
        payload["changedPropIds"] = ['{"order":' + repr(taps[0]) + "}.n_clicks"]
    response = world["clients"]["nurse"].post(ENDPOINT, json=payload)
    assert response.status_code < 500 and "Traceback" not in response.get_data(as_text=True)


@FUZZ
@given(
    drug=drugs,
    route=routes,
    dose=numberish,
    at=times,
    event=anything,
    excursion=anything,
    order=anything,
    reason=text,
    password=text,
    key=text,
)
def test_services_refuse_in_words(
    world: dict[str, Any],
    drug: Any,
    route: Any,
    dose: Any,
    at: Any,
    event: Any,
    excursion: Any,
    order: Any,
    reason: Any,
    password: Any,
    key: Any,
) -> None:
    """Straight into the services: a refusal is a DomainError (shown in words), and stores
    nothing; any other exception is a bug."""
    database, config, bed = world["database"], world["config"], world["bed"]
    common = {"database": database, "config": config, "session_id": bed.session_id}
    before = stored(database)
    try:
        give_medication(
            **common,
            actor=bed.nurse,
            drug=drug,
            dose=dose,
            route=route,
            given_at=at,
            adverse_event_id=event,
            excursion_id=excursion,
            order_id=order,
            idempotency_key=key,
        )
    except DomainError:
        assert stored(database) == before
    before = stored(database)
    try:
        order_medication(
            **common,
            actor=bed.doctor,
            drug=drug,
            dose=dose,
            route=route,
            reason=reason,
            password=password,
            idempotency_key=key,
        )
    except DomainError:
        assert stored(database) == before
    assert_plausible(database, config)
