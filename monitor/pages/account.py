"""Everyone's own password: the current one proven, the new one twice. A temporary password
(set by an administrator) sends its holder here until it is changed (monitor.auth)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update
from flask import abort

from monitor import auth, runtime
from monitor.domain.errors import refuse
from monitor.services.errors import DomainError
from monitor.services.passwords import change_own_password
from monitor.ui import staff_view
from monitor.ui.feedback import notice, problem
from monitor.ui.staff_view import AccountIds

PATH = auth.ACCOUNT_PAGE
NAME = "Password"
ROLES = ("nurse", "physician", "auditor", "admin")
IN_NAV = True


def layout(**_: Any) -> Any:
    return staff_view.account_page(forced=auth.must_change_password())


def _save(*, clicks: Any, current: Any, new: Any, repeat: Any) -> dict[str, Any]:
    actor = auth.current_actor()
    if actor is None:
        abort(401)
    rt = runtime.current()
    forced = auth.must_change_password()
    unchanged = {"current": no_update, "new": no_update, "repeat": no_update, "go": no_update}
    try:
        if str(new or "") != str(repeat or ""):
            raise refuse("repeat", "The two new passwords differ: type the same one twice")
        change_own_password(
            database=rt.database,
            config=rt.config,
            actor=actor,
            current_password=str(current or ""),
            new_password=str(new or ""),
            sign_in_id=auth.current_sign_in_id(),
        )
    except DomainError as error:
        return {"message": problem(error), **unchanged}
    cleared = {"current": "", "new": "", "repeat": ""}
    if forced:  # on to the screens of their role
        return {
            "message": notice("Password changed."),
            **cleared,
            "go": auth.HOME_BY_ROLE[actor.role],
        }
    return {
        "message": notice("Password changed. Your other sign-ins have ended."),
        **cleared,
        "go": no_update,
    }


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "message": Output(AccountIds.MESSAGE, "children"),
            "current": Output(AccountIds.CURRENT, "value"),
            "new": Output(AccountIds.NEW, "value"),
            "repeat": Output(AccountIds.REPEAT, "value"),
            "go": Output(AccountIds.REDIRECT, "href"),
        },
        inputs={"clicks": Input(AccountIds.SAVE, "n_clicks")},
        state={
            "current": State(AccountIds.CURRENT, "value"),
            "new": State(AccountIds.NEW, "value"),
            "repeat": State(AccountIds.REPEAT, "value"),
        },
        prevent_initial_call=True,
    )(_save)
