"""The administrator's staff screen: the users, a form to add one (temporary password), and
the actions on one user — role, deactivate, reactivate, reset password, unlock. Each action
is a service with its audit entry; the list is re-read after every action."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.services import staff
from monitor.services.actors import Actor
from monitor.services.errors import DomainError
from monitor.ui import staff_view
from monitor.ui.feedback import notice, problem
from monitor.ui.staff_view import StaffIds
from monitor.web import request_args

PATH = "/staff"
NAME = "Staff"
ROLES = ("admin",)
IN_NAV = True


def _rows(actor: Actor) -> list[staff.StaffRow]:
    rt = runtime.current()
    return staff.list_staff(database=rt.database, actor=actor, config=rt.config)


def layout(**_: Any) -> Any:
    return staff_view.staff_page(_rows(auth.require(Action.MANAGE_USERS)))


def _create(actor: Actor, values: dict[str, Any]) -> str:
    rt = runtime.current()
    made = staff.create_staff(
        database=rt.database,
        config=rt.config,
        actor=actor,
        username=str(values.get("username") or ""),
        full_name=str(values.get("full_name") or ""),
        role=str(values.get("new_role") or ""),
        temporary_password=str(values.get("new_password") or ""),
    )
    return (
        f"Added {made.full_name} ({made.username}), {made.role.value}: "
        "they choose their own password at first sign-in."
    )


def _act(actor: Actor, trigger: str, values: dict[str, Any]) -> str:
    rt = runtime.current()
    chosen = values.get("user")
    if chosen in (None, ""):
        raise refuse("user", "Choose a user first")
    user_id = request_args.int_arg(chosen)
    names = {row.id: row.username for row in _rows(actor)}
    if user_id not in names:
        raise refuse("user", "No such user")
    name, db = names[user_id], rt.database
    if trigger == StaffIds.ROLE_SAVE:
        role = str(values.get("role") or "")
        staff.change_role(database=db, actor=actor, user_id=user_id, role=role)
        return f"{name} is now a {role}."
    if trigger == StaffIds.DEACTIVATE:
        ended = staff.deactivate_user(database=db, actor=actor, user_id=user_id)
        return (
            f"{name} is deactivated; {ended} open sign-in(s) ended. Their records keep their name."
        )
    if trigger == StaffIds.REACTIVATE:
        staff.reactivate_user(database=db, actor=actor, user_id=user_id)
        return f"{name} may sign in again."
    if trigger == StaffIds.UNLOCK:
        cleared = staff.unlock_user(database=db, actor=actor, user_id=user_id)
        return f"{name} is unlocked ({cleared} failed attempt(s) no longer count)."
    ended = staff.reset_password(
        database=db,
        actor=actor,
        user_id=user_id,
        temporary_password=str(values.get("reset_password") or ""),
    )
    return f"{name} has a temporary password to change at next sign-in; {ended} sign-in(s) ended."


def _submit(**values: Any) -> dict[str, Any]:
    actor = auth.require(Action.MANAGE_USERS)
    trigger = ctx.triggered_id if isinstance(ctx.triggered_id, str) else ""
    creating = trigger == StaffIds.CREATE
    out: dict[str, Any] = {
        "create_message": no_update,
        "action_message": no_update,
        "table": no_update,
        "users": no_update,
        "new_password": no_update,
        "reset_password": no_update,
    }
    target = "create_message" if creating else "action_message"
    try:
        done = _create(actor, values) if creating else _act(actor, trigger, values)
    except DomainError as error:
        return out | {target: problem(error)}
    rows = _rows(actor)
    cleared = "new_password" if creating else "reset_password"
    return out | {
        target: notice(done),
        "table": staff_view.table(rows),
        "users": staff_view.user_options(rows),
        cleared: "",
    }


def register_callbacks(app: Dash) -> None:
    buttons = (
        StaffIds.CREATE,
        StaffIds.ROLE_SAVE,
        StaffIds.DEACTIVATE,
        StaffIds.REACTIVATE,
        StaffIds.RESET,
        StaffIds.UNLOCK,
    )
    app.callback(
        output={
            "action_message": Output(StaffIds.ACTION_MESSAGE, "children"),
            "create_message": Output(StaffIds.CREATE_MESSAGE, "children"),
            "table": Output(StaffIds.TABLE, "children"),
            "users": Output(StaffIds.USER, "options"),
            "new_password": Output(StaffIds.NEW_PASSWORD, "value"),
            "reset_password": Output(StaffIds.RESET_PASSWORD, "value"),
        },
        inputs={f"clicked_{i}": Input(b, "n_clicks") for i, b in enumerate(buttons)},
        state={
            "user": State(StaffIds.USER, "value"),
            "role": State(StaffIds.ROLE, "value"),
            "reset_password": State(StaffIds.RESET_PASSWORD, "value"),
            "username": State(StaffIds.NEW_USERNAME, "value"),
            "full_name": State(StaffIds.NEW_NAME, "value"),
            "new_role": State(StaffIds.NEW_ROLE, "value"),
            "new_password": State(StaffIds.NEW_PASSWORD, "value"),
        },
        prevent_initial_call=True,
    )(_submit)
