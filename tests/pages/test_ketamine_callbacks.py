"""The ketamine card and the session's ketamine page over HTTP, as the browser calls them:
a draw and a witnessed waste balance a stopped infusion; a refusal is shown at its field;
the physician resolves a discrepancy on /session/<id>/ketamine; the auditor reads the page
(its opening logged) without the form."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from dash import Dash
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.db.types import utcnow
from monitor.domain.permissions import Role
from monitor.services.actors import Actor
from monitor.ui.bedside import ketamine_card
from monitor.ui.bedside.ketamine_card import Ket
from tests import factories as f
from tests import ketamine_data as k
from tests.pages.dash_http import call, open_page, prepare, sign_in


def client_of(app: Dash, person: Actor) -> Any:
    client = prepare(app)
    sign_in(client, person.username)
    return client


def answer(app: Dash, client: Any, output: str, values: dict[str, Any]) -> dict[str, Any]:
    response = call(client, app, output, values)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json()["response"])


def test_a_draw_and_a_witnessed_waste_balance_at_the_bedside(
    app: Dash, database: Database, config: Config
) -> None:
    nurse, other = f.user(database), f.user(database)
    sid = k.stopped(database, config, nurse, start=utcnow() - timedelta(minutes=30))
    given = k.given_ml(database, config, sid)
    client = client_of(app, nurse)
    session = {"bed-session-id.data": sid}
    refused = answer(
        app,
        client,
        "ket-draw-message.children",
        session
        | {
            "ket-product.value": k.PRODUCT,
            "ket-lot.value": "LOT-7",
            "ket-expiry.value": "2020-01-01",
            "ket-volume.value": 2,
            "ket-draw-key.data": f.key(),
        },
    )
    assert refused["ket-expiry"]["invalid"] is True
    assert "value" not in refused["ket-volume"]  # kept, to be corrected
    assert "expired" in refused["ket-expiry-problem"]["children"]
    draw = session | {
        "ket-product.value": k.PRODUCT,
        "ket-lot.value": "LOT-7",
        "ket-expiry.value": "2030-01-01",
        "ket-volume.value": 2,
        "ket-draw-key.data": f.key(),
    }
    drawn = answer(app, client, "ket-draw-message.children", draw)
    assert "Draw recorded" in json.dumps(drawn)
    assert drawn["ket-volume"]["value"] == ""  # emptied: a second tap stores nothing
    card = answer(
        app,
        client,
        "ket-balance.children",
        session | {"bed-refresh.n_intervals": 1, "bed-version.data": "x"},
    )
    draw_id = card["ket-waste-draw"]["options"][0]["value"]
    waste = session | {
        "ket-waste-draw.value": draw_id,
        "ket-waste-volume.value": round(2 - given, 2),
        "ket-waste-time.value": "",
        "ket-witness-username.value": other.username,
        "ket-witness-password.value": f.PASSWORD,
        "ket-waste-key.data": f.key(),
    }
    said = json.dumps(answer(app, client, "ket-waste-message.children", waste))
    assert "Waste recorded and witnessed" in said
    card = answer(
        app,
        client,
        "ket-balance.children",
        session | {"bed-refresh.n_intervals": 2, "bed-version.data": "y"},
    )
    assert "Balanced" in json.dumps(card["ket-balance"])
    assert f"witnessed by {other.full_name}" in json.dumps(card["ket-wastes"])


def test_the_physician_resolves_on_the_record_page_and_the_auditor_reads_it(
    app: Dash, database: Database, config: Config
) -> None:
    nurse, physician = f.user(database), f.user(database, Role.PHYSICIAN)
    auditor = f.user(database, Role.AUDITOR)
    start = utcnow() - timedelta(minutes=30)
    sid = k.stopped(database, config, nurse, start=start)
    k.draw(database, config, nurse, sid, volume=2.0, at=start + timedelta(minutes=20))
    doctor = client_of(app, physician)
    page = json.dumps(open_page(doctor, app, f"/session/{sid}/ketamine"))
    assert "Resolve the discrepancy" in page and "LOT-A" in page
    values = {"ketresolve-session.data": sid, "ketresolve-key.data": f.key()}
    short = answer(
        app, doctor, "ketresolve-message.children", values | {"ketresolve-reason.value": "x"}
    )
    assert short["ketresolve-reason"]["invalid"] is True
    assert "ketresolve-form" not in short  # still open: the form stays
    done = answer(
        app,
        doctor,
        "ketresolve-message.children",
        values | {"ketresolve-reason.value": "Syringe broke; pharmacy informed"},
    )
    assert "resolved" in json.dumps(done["ketresolve-message"])
    assert "Discrepancy resolved" in json.dumps(done["ketresolve-balance"])
    assert physician.full_name in json.dumps(done["ketresolve-message"])
    table = json.dumps(done["ketresolve-resolutions"])  # the resolution shows at once
    assert "Syringe broke" in table and physician.full_name in table
    assert done["ketresolve-form"]["style"] == {"display": "none"}  # nothing left to resolve
    again = answer(
        app,
        doctor,
        "ketresolve-message.children",
        values | {"ketresolve-key.data": f.key(), "ketresolve-reason.value": "Once more, again"},
    )
    assert "no open discrepancy" in json.dumps(again["ketresolve-message"])
    assert again["ketresolve-form"]["style"] == {"display": "none"}
    page = json.dumps(open_page(doctor, app, f"/session/{sid}/ketamine"))
    assert "Resolve the discrepancy" not in page
    reader = client_of(app, auditor)
    page = json.dumps(open_page(reader, app, f"/session/{sid}/ketamine"))
    assert "Syringe broke" in page and "Resolve the discrepancy" not in page
    with database.session_scope() as db:
        viewed = db.scalars(
            select(AuditEvent.actor_id).where(AuditEvent.action == "record.viewed")
        ).all()
    assert {physician.id, auditor.id} <= set(viewed)
    nurse_client = client_of(app, nurse)
    refused = call(nurse_client, app, "ketresolve-message.children", values)
    assert refused.status_code == 403


def refresh(app: Dash, client: Any, sid: int, tick: int = 1) -> dict[str, Any]:
    """The card's refresh, as the panel's timer calls it."""
    values = {"bed-session-id.data": sid, "bed-refresh.n_intervals": tick, "bed-version.data": tick}
    return answer(app, client, "ket-balance.children", values)


def test_the_volume_fields_let_any_number_reach_the_server(config: Config) -> None:
    """A number input with max=50 (or a step, or a min) makes the browser send no value at
    all past it (dbc.Input sends None when the input is not valid): the nurse then read
    'Enter the volume in mL, above 0' for 60 mL. The fields carry no such limit; the
    server's check_volume says what is wrong."""
    layout = ketamine_card.card(1, config, ("a", "b", "c"))
    for field in (Ket.VOLUME, Ket.WASTE_VOLUME):
        (found,) = [c for c in layout._traverse() if getattr(c, "id", None) == field]
        props = found.to_plotly_json()["props"]
        assert props["type"] == "number" and props["inputMode"] == "decimal"
        assert "max" not in props and "min" not in props, props
        assert props.get("step", "any") == "any", props


def test_a_volume_past_a_vial_is_refused_with_its_own_message(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = f.user(database)
    sid = k.stopped(database, config, nurse, start=utcnow() - timedelta(minutes=30))
    client = client_of(app, nurse)
    session = {"bed-session-id.data": sid}
    for volume in (60, 1e308):
        refused = answer(
            app,
            client,
            "ket-draw-message.children",
            session
            | {
                "ket-product.value": k.PRODUCT,
                "ket-lot.value": "LOT-7",
                "ket-expiry.value": "2030-01-01",
                "ket-volume.value": volume,
                "ket-draw-key.data": f.key(),
            },
        )
        assert refused["ket-volume"]["invalid"] is True
        said = refused["ket-volume-problem"]["children"]
        assert said == "At most 50 mL: check the decimal point", said
    drawn = k.draw(database, config, nurse, sid, volume=2.0, at=utcnow() - timedelta(minutes=5))
    wasted = answer(
        app,
        client,
        "ket-waste-message.children",
        session
        | {
            "ket-waste-draw.value": drawn.draw_id,
            "ket-waste-volume.value": 60,
            "ket-waste-time.value": "",
            "ket-witness-username.value": "",
            "ket-witness-password.value": "",
            "ket-waste-key.data": f.key(),
        },
    )
    said = wasted["ket-waste-volume-problem"]["children"]
    assert said == "At most 50 mL: check the decimal point", said


def test_only_a_waste_someone_else_recorded_is_offered_to_witness(
    app: Dash, database: Database, config: Config
) -> None:
    """The nurse who wasted cannot witness her own waste (the service refuses it): her card
    lists it as awaiting witness, and offers it to witness only to someone else."""
    nurse, other = f.user(database), f.user(database)
    at = utcnow() - timedelta(minutes=5)
    sid = k.stopped(database, config, nurse, start=utcnow() - timedelta(minutes=30))
    drawn = k.draw(database, config, nurse, sid, volume=2.0, at=at)
    k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, at=at)

    mine = refresh(app, client_of(app, nurse), sid)
    assert mine["ket-awaiting-waste"]["options"] == []
    assert mine["ket-awaiting"]["style"] == {"display": "none"}
    assert "awaiting witness" in json.dumps(mine["ket-wastes"])

    theirs = refresh(app, client_of(app, other), sid)
    (offered,) = theirs["ket-awaiting-waste"]["options"]
    assert "0.50 mL" in offered["label"] and nurse.full_name in offered["label"]
    assert theirs["ket-awaiting"]["style"] == {"display": "block"}
