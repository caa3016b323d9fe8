"""Finding 7: a sign-in lives on the server, not in the cookie. Signing out, an idle or
expired sign-in, and a password change end it for every worker; an old cookie replayed
afterwards reads nothing."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import func, select

from monitor.app import create_app
from monitor.cli import main
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from tests import factories
from tests.pages.dash_http import (
    ENDPOINT,
    answer,
    body,
    callback_key,
    login_token,
    prepare,
    sign_in,
)

COOKIE = "session"
NEW_PASSWORD = "a-new-and-longer-phrase"


def board(client: FlaskClient) -> int:
    """The physician's board, as a person's refresh (not a timer) asks for it."""
    app = client.application.extensions["dash_app"]
    request = body(app, callback_key(app, "board-tiles.children"), {"board-version.data": 1})
    request["changedPropIds"] = ["board-version.data"]
    return client.post(ENDPOINT, json=request).status_code


def pdf(client: FlaskClient, session_id: int) -> tuple[int, str]:
    response = client.get(f"/session/{session_id}/record.pdf")
    return response.status_code, response.headers.get("Location", "")


def signed_in(client: FlaskClient) -> bool:
    return bool(answer(client.get("/auth/me"))["signed_in"])


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def replaying(app: Dash, value: str) -> FlaskClient:
    """Another browser (the thief's) sending a copy of a cookie."""
    client = prepare(app)
    client.set_cookie(COOKIE, value)
    return client


def audited(database: Database, action: str) -> list[AuditEvent]:
    with database.session_scope() as db:
        rows = list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.expunge_all()
        return rows


def test_a_cookie_replayed_after_sign_out_reads_nothing(
    app: Dash, database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    doctor = factories.user(database, Role.PHYSICIAN)
    client = prepare(app)
    sign_in(client, doctor.username)
    stolen = cookie_of(client)
    assert board(client) == 200 and pdf(client, sid)[0] == 200
    assert board(replaying(app, stolen)) == 200  # a copy works while the sign-in lasts
    assert client.post("/auth/logout").headers["Location"] == "/login"
    thief = replaying(app, stolen)
    assert board(thief) == 401
    status, location = pdf(thief, sid)
    assert status == 302 and location.startswith("/login")
    assert thief.get("/board").headers["Location"].startswith("/login")
    assert not signed_in(thief)
    [event] = audited(database, "auth.signed_out")
    assert event.actor_id == doctor.id


def test_a_sign_in_ends_at_its_absolute_lifetime_however_busy(
    app: Dash, database: Database, config: Config
) -> None:
    from tests.sign_in_time import rows_of, shift

    doctor = factories.user(database, Role.PHYSICIAN)
    client = prepare(app)
    sign_in(client, doctor.username)
    [row] = rows_of(database, doctor.id)
    lifetime = timedelta(hours=config.security.session_lifetime_hours)
    assert row.expires_at - row.created_at == lifetime
    assert answer(client.post("/auth/stay"))["signed_in"]
    [after] = rows_of(database, doctor.id)
    assert after.expires_at == row.expires_at  # use keeps it from idling, never past its end
    # The lifetime has passed, but the physician has been busy all along (not idle).
    shift(database, doctor.id, started=-lifetime - timedelta(minutes=1), seen=timedelta(0))
    assert board(client) == 401
    assert client.get("/board").headers["Location"].startswith("/login")
    assert not signed_in(client)
    sign_in(client, doctor.username)  # a new sign-in starts a new lifetime
    assert board(client) == 200


def test_a_password_change_ends_every_sign_in_of_that_user(
    app: Dash, database: Database, database_url: str, tmp_path: Path
) -> None:
    nurse = factories.user(database)
    other = factories.user(database)
    tablets = [prepare(app), prepare(app)]
    for tablet in tablets:
        sign_in(tablet, nurse.username)
    bystander = prepare(app)
    sign_in(bystander, other.username)
    too_short = "x" * 5
    code, output = set_password(database_url, tmp_path, nurse.username, too_short)
    assert code == 1 and "at least" in output
    assert all(signed_in(t) for t in tablets)  # refused: nothing changed
    assert audited(database, "user.password_changed") == []
    code, output = set_password(database_url, tmp_path, nurse.username, NEW_PASSWORD)
    assert code == 0, output
    assert not any(signed_in(t) for t in tablets)
    assert signed_in(bystander)
    [changed] = audited(database, "user.password_changed")
    [revoked] = audited(database, "auth.sessions_revoked")
    assert changed.entity_id == nurse.id and revoked.entity_id == nurse.id
    assert revoked.new_values == {"count": 2, "reason": "password_changed"}
    assert "password" not in str(changed.new_values).replace("password_changed", "")
    sign_in(prepare(app), nurse.username, NEW_PASSWORD)
    code, output = set_password(database_url, tmp_path, "nobody-here", NEW_PASSWORD)
    assert code == 1 and "nobody-here" in output


def set_password(url: str, folder: Path, username: str, password: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MONITOR_DATABASE_URL", url)
        env.setenv("MONITOR_INSTANCE", str(folder / "instance"))
        env.setenv("MONITOR_NEW_USER_PASSWORD", password)
        env.delenv("MONITOR_CONFIG", raising=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                code = main(["set-password", username])
            except SystemExit as exit_:  # argparse: no such command
                code = int(exit_.code or 0) + 100
    return code, out.getvalue()


def test_two_workers_agree_that_a_sign_in_has_ended(settings: Settings, database: Database) -> None:
    first, second = create_app(settings), create_app(settings)  # as gunicorn -w 4 runs them
    doctor = factories.user(database, Role.PHYSICIAN)
    client = prepare(first)
    sign_in(client, doctor.username)
    stolen = cookie_of(client)
    assert board(replaying(second, stolen)) == 200
    client.post("/auth/logout")
    assert board(replaying(second, stolen)) == 401
    assert not signed_in(replaying(second, stolen))


def test_a_remember_me_cookie_does_not_sign_anyone_in(app: Dash, database: Database) -> None:
    from flask_login.utils import encode_cookie

    doctor = factories.user(database, Role.PHYSICIAN)
    with app.server.test_request_context():
        forged = encode_cookie(str(doctor.id))  # validly signed with the app's own key
    client = prepare(app)
    client.set_cookie("remember_token", forged)
    assert not signed_in(client)
    assert board(client) == 401
    fresh = prepare(app)
    sign_in(fresh, doctor.username)
    assert fresh.get_cookie("remember_token") is None  # none is ever issued


def test_each_sign_in_gets_a_new_token_and_a_planted_cookie_stays_signed_out(
    app: Dash, database: Database
) -> None:
    from tests.sign_in_time import rows_of

    nurse = factories.user(database)
    victim = prepare(app)
    login_token(victim)  # the sign-in page gives a cookie (its CSRF token)
    planted = cookie_of(victim)  # the attacker's cookie, planted before the victim signs in
    sign_in(victim, nurse.username)
    assert signed_in(victim) and not signed_in(replaying(app, planted))
    before = cookie_of(victim)
    sign_in(victim, nurse.username)  # again, on the same browser: the first sign-in ends
    rows = rows_of(database, nurse.id)
    assert len(rows) == 2 and rows[0].token_hash != rows[1].token_hash
    assert [r.revoked_reason for r in rows] == ["replaced", None]
    assert not signed_in(replaying(app, before)) and signed_in(victim)
    assert all(len(r.token_hash) == 64 for r in rows)  # sha256: the token itself is not kept


def test_ended_sign_ins_are_cleared_at_the_next_sign_in(
    app: Dash, database: Database, config: Config
) -> None:
    from tests.sign_in_time import rows_of, shift

    nurse = factories.user(database)
    client = prepare(app)
    sign_in(client, nurse.username)
    lifetime = timedelta(hours=config.security.session_lifetime_hours)
    shift(database, nurse.id, started=-lifetime - timedelta(minutes=1), seen=-lifetime)
    sign_in(prepare(app), nurse.username)
    assert len(rows_of(database, nurse.id)) == 1
    [purged] = audited(database, "auth.sessions_purged")
    assert purged.new_values == {"count": 1}
    with database.session_scope() as db:
        opened = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "auth.session_opened")
        )
    assert opened == 2


def test_an_idle_sign_out_ends_the_sign_in_for_every_worker(
    settings: Settings, database: Database, config: Config
) -> None:
    from tests.sign_in_time import idle_for, rows_of

    first, second = create_app(settings), create_app(settings)
    nurse = factories.user(database)
    client = prepare(first)
    sign_in(client, nurse.username)
    copy = cookie_of(client)
    idle_for(database, nurse.id, config.security.idle_timeout_minutes * 60 + 1)
    assert client.get("/bedside").headers["Location"] == "/login?error=idle"
    idle_for(database, nurse.id, 0)  # even if a later request looked like use
    assert not signed_in(replaying(second, copy))
    [row] = rows_of(database, nurse.id)
    assert row.revoked_reason == "idle"
    [event] = audited(database, "auth.signed_out")
    assert event.new_values == {"reason": "idle"} and event.actor_id == nurse.id


def test_only_an_administrator_changes_someone_else_s_password(database: Database) -> None:
    from monitor.services.errors import PermissionDenied
    from monitor.services.passwords import change_password

    nurse, admin = factories.user(database), factories.user(database, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        change_password(
            database=database, username=admin.username, password=NEW_PASSWORD, actor=nurse
        )
    assert audited(database, "user.password_changed") == []
    change_password(database=database, username=nurse.username, password=NEW_PASSWORD, actor=admin)
    [event] = audited(database, "user.password_changed")
    assert event.actor_id == admin.id and event.entity_id == nurse.id
