"""The administrator's staff screen and everyone's own password, as services: each action
audited in its own transaction; deactivation and a reset end every open sign-in at once;
an administrator cannot lock themself out; a deactivated user's records keep their name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, SignInSession, User
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Role
from monitor.services import staff
from monitor.services.actors import Actor
from monitor.services.errors import PermissionDenied
from monitor.services.passwords import change_own_password
from monitor.services.people import SignInRefused, sign_in
from monitor.services.session_record import session_record
from monitor.services.sign_in_sessions import Ended, Open, open_sign_in, resume
from tests import factories

TEMPORARY = "temporary-pass-2026"
CHOSEN = "my-own-choice-of-words"


def actions(database: Database) -> list[str]:
    with database.session_scope() as db:
        return list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def opened(database: Database, config: Config, who: Actor) -> str:
    return open_sign_in(
        database=database, config=config, actor=who, remote_addr="10.0.0.9", user_agent="t"
    )


def test_admin_creates_a_user_who_must_change_the_password(
    database: Database, config: Config
) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = staff.create_staff(
        database=database,
        config=config,
        actor=admin,
        username=" New.Nurse ",
        full_name="Nina Nurse",
        role="nurse",
        temporary_password=TEMPORARY,
    )
    assert nurse.username == "new.nurse" and nurse.role is Role.NURSE
    [row] = [r for r in staff.list_staff(database=database, actor=admin) if r.id == nurse.id]
    assert row.must_change_password and row.active and not row.locked
    assert "user.created" in actions(database)
    again = staff.create_staff(  # the same form, twice (a double tap): stored once
        database=database,
        config=config,
        actor=admin,
        username="new.nurse",
        full_name="Nina Nurse",
        role="nurse",
        temporary_password=TEMPORARY,
    )
    assert again == nurse and actions(database).count("user.created") == 2  # admin, nurse
    signed = sign_in(
        database=database,
        config=config,
        username="new.nurse",
        password=TEMPORARY,
        remote_addr=None,
    )
    token = opened(database, config, signed)
    state = resume(database=database, config=config, token=token)
    assert isinstance(state, Open) and state.must_change_password
    change_own_password(
        database=database,
        config=config,
        actor=signed,
        current_password=TEMPORARY,
        new_password=CHOSEN,
        sign_in_id=state.session_id,
    )
    state = resume(database=database, config=config, token=token)
    assert isinstance(state, Open) and not state.must_change_password, "this sign-in goes on"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("username", {"username": "x"}),
        ("full_name", {"full_name": "  "}),
        ("role", {"role": "janitor"}),
        ("password", {"temporary_password": "short"}),
    ],
)
def test_bad_entries_are_refused_at_their_field(
    database: Database, config: Config, field: str, values: dict[str, str]
) -> None:
    admin = factories.user(database, Role.ADMIN)
    entry: dict[str, str] = {
        "username": "fresh.user",
        "full_name": "Fresh User",
        "role": "nurse",
        "temporary_password": TEMPORARY,
    } | values
    with pytest.raises(InvalidEntry) as refused:
        staff.create_staff(
            database=database,
            config=config,
            actor=admin,
            username=entry["username"],
            full_name=entry["full_name"],
            role=entry["role"],
            temporary_password=entry["temporary_password"],
        )
    assert refused.value.problems[0].field == field
    assert len(staff.list_staff(database=database, actor=admin)) == 1


def test_an_existing_username_is_refused_at_its_field(database: Database, config: Config) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    with pytest.raises(InvalidEntry, match="already"):
        staff.create_staff(
            database=database,
            config=config,
            actor=admin,
            username=nurse.username,
            full_name="Someone Else",
            role="nurse",
            temporary_password=TEMPORARY,
        )


def test_only_an_admin_manages_staff(database: Database, config: Config) -> None:
    physician = factories.user(database, Role.PHYSICIAN)
    nurse = factories.user(database)
    with pytest.raises(PermissionDenied):
        staff.list_staff(database=database, actor=physician)
    with pytest.raises(PermissionDenied):
        staff.deactivate_user(database=database, actor=physician, user_id=nurse.id)
    with pytest.raises(PermissionDenied):
        staff.change_role(database=database, actor=physician, user_id=nurse.id, role="admin")


def test_deactivation_ends_every_open_sign_in_and_keeps_the_name(
    database: Database, config: Config
) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, factories.T0 + timedelta(minutes=5))
    tokens = [opened(database, config, nurse) for _ in range(2)]
    staff.deactivate_user(database=database, actor=admin, user_id=nurse.id)
    for token in tokens:
        assert resume(database=database, config=config, token=token) is Ended.REVOKED
    with database.session_scope() as db:
        reasons = set(db.scalars(select(SignInSession.revoked_reason)))
        kept = db.get(User, nurse.id)
        assert kept is not None and kept.full_name == nurse.full_name and not kept.active
    assert reasons == {"deactivated"}
    assert {"user.deactivated", "auth.sessions_revoked"} <= set(actions(database))
    with pytest.raises(SignInRefused):
        sign_in(
            database=database,
            config=config,
            username=nurse.username,
            password=factories.PASSWORD,
            remote_addr=None,
        )
    with pytest.raises(InvalidEntry, match="already"):
        staff.deactivate_user(database=database, actor=admin, user_id=nurse.id)
    staff.reactivate_user(database=database, actor=admin, user_id=nurse.id)
    assert (
        sign_in(
            database=database,
            config=config,
            username=nurse.username,
            password=factories.PASSWORD,
            remote_addr=None,
        ).id
        == nurse.id
    )
    assert "user.reactivated" in actions(database)


def test_a_deactivated_nurses_readings_keep_her_name(database: Database, config: Config) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    physician = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, factories.T0 + timedelta(minutes=5))
    staff.deactivate_user(database=database, actor=admin, user_id=nurse.id)
    record = session_record(database=database, actor=physician, session_id=sid)
    assert {r.entered_by for r in record.snapshot.readings} == {nurse.full_name}


def test_an_admin_cannot_deactivate_or_demote_themself(database: Database) -> None:
    admin = factories.user(database, Role.ADMIN)
    with pytest.raises(InvalidEntry, match="yourself"):
        staff.deactivate_user(database=database, actor=admin, user_id=admin.id)
    with pytest.raises(InvalidEntry, match="yourself"):
        staff.change_role(database=database, actor=admin, user_id=admin.id, role="nurse")
    [row] = staff.list_staff(database=database, actor=admin)
    assert row.active and row.role is Role.ADMIN


def test_role_change_is_audited_with_old_and_new(database: Database) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    staff.change_role(database=database, actor=admin, user_id=nurse.id, role="physician")
    with database.session_scope() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
        assert (event.old_values, event.new_values) == ({"role": "nurse"}, {"role": "physician"})
    with pytest.raises(InvalidEntry, match="already"):
        staff.change_role(database=database, actor=admin, user_id=nurse.id, role="physician")


def test_reset_sets_a_temporary_password_and_ends_sign_ins(
    database: Database, config: Config
) -> None:
    admin = factories.user(database, Role.ADMIN)
    nurse = factories.user(database)
    token = opened(database, config, nurse)
    staff.reset_password(
        database=database, actor=admin, user_id=nurse.id, temporary_password=TEMPORARY
    )
    assert resume(database=database, config=config, token=token) is Ended.REVOKED
    again = sign_in(
        database=database,
        config=config,
        username=nurse.username,
        password=TEMPORARY,
        remote_addr=None,
    )
    [row] = [r for r in staff.list_staff(database=database, actor=admin) if r.id == again.id]
    assert row.must_change_password
    assert "user.password_reset" in actions(database)


def test_unlock_lifts_the_lock(database: Database, config: Config) -> None:
    admin = factories.user(database, Role.ADMIN)
    physician = factories.user(database, Role.PHYSICIAN)
    for _ in range(config.security.login_max_failures):
        with pytest.raises(SignInRefused):
            sign_in(
                database=database,
                config=config,
                username=physician.username,
                password="wrong-guess",
                remote_addr="10.1.1.1",
            )
    rows = staff.list_staff(database=database, actor=admin, config=config)
    assert [r.locked for r in rows if r.id == physician.id] == [True]
    cleared = staff.unlock_user(database=database, actor=admin, user_id=physician.id)
    assert cleared == config.security.login_max_failures
    rows = staff.list_staff(database=database, actor=admin, config=config)
    assert [r.locked for r in rows if r.id == physician.id] == [False]
    assert (
        sign_in(
            database=database,
            config=config,
            username=physician.username,
            password=factories.PASSWORD,
            remote_addr="10.1.1.1",
        ).id
        == physician.id
    )
    assert "auth.unlocked" in actions(database)


def test_own_password_change_verifies_the_current_one_under_the_throttle(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    other = opened(database, config, nurse)
    with pytest.raises(InvalidEntry, match="not recognised") as refused:
        change_own_password(
            database=database,
            config=config,
            actor=nurse,
            current_password="wrong-one",
            new_password=CHOSEN,
        )
    assert refused.value.problems[0].field == "current_password"
    assert "auth.signing_failed" in actions(database)
    with pytest.raises(InvalidEntry) as same:
        change_own_password(
            database=database,
            config=config,
            actor=nurse,
            current_password=factories.PASSWORD,
            new_password=factories.PASSWORD,
        )
    assert same.value.problems[0].field == "new_password"
    for _ in range(config.security.login_max_failures):
        with pytest.raises(InvalidEntry):
            change_own_password(
                database=database,
                config=config,
                actor=nurse,
                current_password="wrong-one",
                new_password=CHOSEN,
            )
    with pytest.raises(InvalidEntry, match="Locked"):
        change_own_password(
            database=database,
            config=config,
            actor=nurse,
            current_password=factories.PASSWORD,
            new_password=CHOSEN,
        )
    assert isinstance(resume(database=database, config=config, token=other), Open)
