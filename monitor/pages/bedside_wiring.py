"""How the bedside's callbacks are wired, said once: a service called for the page's session
as the signed-in person, an action that runs on a tap, what refreshes the panel, and the
version store an action bumps so the panel refreshes at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import uuid4

from dash import Dash, Input, Output, State

from monitor import runtime
from monitor.services import bedside as views
from monitor.services.actors import Actor
from monitor.services.errors import NotFound
from monitor.ui.ids import Bedside
from monitor.web import request_args

T = TypeVar("T")


def new_key() -> str:
    """A fresh idempotency key: a retried request with the same key stores once."""
    return uuid4().hex


def for_session(service: Callable[..., T], actor: Actor, session_id: Any, **values: Any) -> T:
    """A service called for the session the page shows, as the signed-in person (whose role
    the caller has checked first); the page's session id must be a whole number (else 400)."""
    rt = runtime.current()
    return service(
        database=rt.database,
        config=rt.config,
        actor=actor,
        session_id=request_args.int_arg(session_id),
        **values,
    )


def on_tap(
    app: Dash,
    button: str,
    call: Callable[..., Any],
    *,
    output: dict[str, Any],
    state: dict[str, Any],
) -> None:
    """Wire an action a person taps: `call` runs on the tap only (not as the page loads),
    takes the tap and the page values named in `state`, and answers under `output`'s names."""
    app.callback(
        output=output,
        inputs={"clicks": Input(button, "n_clicks")},
        state=state,
        prevent_initial_call=True,
    )(call)


def bedside_view(actor: Any, session_id: Any) -> views.BedsideView:
    """The session as the bedside shows it; an unknown session is a 404."""
    try:
        return for_session(views.bedside_view, actor, session_id)
    except NotFound:
        request_args.not_found()


def refreshed_by() -> dict[str, Any]:
    """What makes a panel callback run again: the timer, or an action that bumped the version."""
    return {
        "refresh_tick": Input(Bedside.REFRESH, "n_intervals"),
        "version": Input(Bedside.VERSION, "data"),
    }


def this_session() -> dict[str, Any]:
    """The session the panel shows, as a callback's state."""
    return {"session_id": State(Bedside.SESSION, "data")}


def version_bumped() -> Output:
    """An action's answer that makes the panel refresh at once."""
    return Output(Bedside.VERSION, "data", allow_duplicate=True)
