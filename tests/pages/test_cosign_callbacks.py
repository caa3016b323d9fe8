"""The signature panels each role is shown, and refusals the screens show in words."""

from __future__ import annotations

import json

import pytest
from dash import Dash
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Acknowledgement, Excursion
from monitor.domain.permissions import Role
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD
from tests.pages.dash_http import call, prepare, sign_in
from tests.services.test_recovery import READY, assess, recovered


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.NURSE, "Sign as performed", "Approve discharge"),
        (Role.PHYSICIAN, "Approve discharge", "Sign as performed"),
    ],
)
def test_each_role_sees_only_the_signature_it_may_give(
    app: Dash, database: Database, config: Config, role: Role, shown: str, hidden: str
) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    client = prepare(app)
    sign_in(client, factories.user(database, role).username)
    response = call(client, app, "rec-signers.children", {"bed-session-id.data": sid})
    text = json.dumps(response.get_json())
    assert response.status_code == 200 and shown in text and hidden not in text


def test_the_board_dialog_says_why_a_locked_record_takes_no_acknowledgement(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database, Role.NURSE)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = recovered(database, config, nurse)  # with MEDIUM alerts nobody acknowledged
    assess(database, config, nurse, sid)
    for sign, actor in ((sign_performed, nurse), (approve_discharge, doctor)):
        sign(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            password=PASSWORD,
            now=READY,
        )
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
    assert ids
    client = prepare(app)
    sign_in(client, doctor.username)
    response = call(
        client,
        app,
        "board-ack-message.children",
        {
            "board-ack-confirm.n_clicks": 1,
            "board-ack-target.data": {"alerts": [{"id": i} for i in ids]},
            "board-ack-action.value": "observed",
            "board-ack-key.data": factories.key(),
            "board-version.data": 0,
        },
    )
    assert response.status_code == 200
    assert "signed and locked" in json.dumps(response.get_json())
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Acknowledgement)) == 0
