"""The bedside's adverse-event card (issue 13): recorded in a few taps, refreshed with the
panel, and each write bumps the panel's version so the flags and the trend redraw at once.
Registered by monitor.pages.bedside_interventions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.entered_time import clock_time, parse_clock_time
from monitor.domain.errors import refuse
from monitor.domain.permissions import Action
from monitor.domain.vocabulary import AdverseEventOutcome
from monitor.pages.bedside_wiring import (
    for_session,
    new_key,
    on_tap,
    refreshed_by,
    this_session,
    version_bumped,
)
from monitor.services.adverse_events import (
    adverse_events_of,
    excursion_choices,
    record_adverse_event,
    record_outcome,
)
from monitor.services.errors import Conflict, DomainError, InvalidEntry
from monitor.ui.bedside.adverse_event_card import (
    EVENT_FIELDS,
    NO_EXCURSION,
    OUTCOME_FIELDS,
    Ae,
    card,
    event_list,
    event_options,
    excursion_options,
)
from monitor.ui.feedback import notice, problem
from monitor.web import request_args


def now_minute() -> datetime:
    """Now, to the minute the screen shows: a double tap within it replays, not conflicts."""
    return utcnow().replace(second=0, microsecond=0)


def card_for(session_id: int, actor: Any) -> Any:
    """The card for the panel's layout, its onset set to now (clinic time)."""
    rt = runtime.current()
    return card(
        rt.config.adverse_events, key=new_key(), onset=clock_time(utcnow(), rt.config.clinic.zone)
    )


def _refresh(
    refresh_tick: Any, version: Any, session_id: Any, onset: Any, onset_default: Any
) -> dict[str, Any]:
    rt = runtime.current()
    auth.require(Action.VIEW_BEDSIDE)
    sid = request_args.int_arg(session_id)
    zone = rt.config.clinic.zone
    events = adverse_events_of(rt.database, sid)
    now = clock_time(utcnow(), zone)
    untouched = onset == onset_default  # the nurse has not changed it: keep it "now"
    return {
        "list": event_list(events, zone),
        "excursions": excursion_options(excursion_choices(rt.database, sid), zone),
        "events": event_options(events, zone),
        "onset": now if untouched else no_update,
        "onset_default": now if untouched else no_update,
    }


def _marks(fields: dict[str, str], error: InvalidEntry | None) -> dict[str, Any]:
    """Each field's problem beside it (empty where none)."""
    said = {p.field: p.message for p in error.problems} if error else {}
    return {name: said.get(name, "") for name in fields}


def _event_answer(
    message: Any, *, error: InvalidEntry | None = None, done: bool = False, now: str = ""
) -> dict[str, Any]:
    """Save's answer: the message, each field's problem; once saved, a fresh key, the form
    cleared and its onset back to now, and the panel's version bumped."""
    return {
        "message": message,
        "problems": _marks(EVENT_FIELDS, error),
        "key": new_key() if done else no_update,
        "version": new_key() if done else no_update,
        "serious": [] if done else no_update,
        "cleared": [None, None, "", "", NO_EXCURSION] if done else [no_update] * 5,
        "onset": [now, now] if done and now else [no_update] * 2,
    }


def _save(
    clicks: Any,
    session_id: Any,
    kind: Any,
    severity: Any,
    serious: Any,
    onset: Any,
    action_taken: Any,
    note: Any,
    excursion: Any,
    key: Any,
) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_ADVERSE_EVENT)
    zone = runtime.current().config.clinic.zone
    onset_problem: InvalidEntry | None = None
    try:
        onset_at = parse_clock_time(onset, "onset_at", "Onset", now=utcnow(), zone=zone)
    except InvalidEntry as error:  # the service marks every other field with it
        onset_at, onset_problem = None, error
    try:
        saved = for_session(
            record_adverse_event,
            actor,
            session_id,
            kind=kind,
            severity=severity,
            serious=isinstance(serious, list) and "serious" in serious,
            onset_at=onset_at,
            action_taken=action_taken,
            note=note,
            excursion_id=_excursion(excursion),
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        error = _with_onset(error, onset_problem)
        return _event_answer(problem(error), error=error)
    except Conflict as error:
        return {**_event_answer(problem(error)), "key": new_key()}
    except DomainError as error:
        return _event_answer(problem(error))
    said = "Already saved" if saved.duplicate else "Adverse event saved"
    return _event_answer(notice(said), done=True, now=clock_time(utcnow(), zone))


def _with_onset(error: InvalidEntry, onset: InvalidEntry | None) -> InvalidEntry:
    """The service's problems, the onset's as the time input's parse said it."""
    if onset is None:
        return error
    return InvalidEntry([*onset.problems, *(p for p in error.problems if p.field != "onset_at")])


def _excursion(value: Any) -> Any:
    """The dropdown's value as the service takes it: None for none (or empty, as a page
    loaded before "none" had its own value sends it), else the id (a value no whole number
    names is passed on as it came, for the service to refuse)."""
    if value in (None, "", NO_EXCURSION):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return value


def _outcome_answer(
    message: Any, *, error: InvalidEntry | None = None, done: bool = False
) -> dict[str, Any]:
    return {
        "message": message,
        "problems": _marks(OUTCOME_FIELDS, error),
        "key": new_key() if done else no_update,
        "version": new_key() if done else no_update,
    }


def _outcome(
    event_id: Any, outcome: Any, resolved_at: Any, note: Any, key: Any, *, actor: Any
) -> Any:
    """Record one outcome for the page's session (InvalidEntry/DomainError to the caller)."""
    rt = runtime.current()
    event = request_args.int_arg(event_id) if event_id not in (None, "") else None
    if event is None:
        raise refuse("outcome", "Choose the event first")
    return record_outcome(
        database=rt.database,
        config=rt.config,
        actor=actor,
        adverse_event_id=event,
        outcome=outcome,
        resolved_at=resolved_at,
        note=note,
        idempotency_key=str(key or ""),
    )


def _save_outcome(
    clicks: Any, session_id: Any, event_id: Any, outcome: Any, resolved: Any, note: Any, key: Any
) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_ADVERSE_EVENT)
    zone = runtime.current().config.clinic.zone
    try:
        _of_session(session_id, event_id)
        at = parse_clock_time(resolved, "resolved_at", "Time resolved", now=utcnow(), zone=zone)
        saved = _outcome(event_id, outcome, at, note, key, actor=actor)
    except InvalidEntry as error:
        return _outcome_answer(problem(error), error=error)
    except Conflict as error:
        return {**_outcome_answer(problem(error)), "key": new_key()}
    except DomainError as error:
        return _outcome_answer(problem(error))
    return _outcome_answer(
        notice("Already saved" if saved.duplicate else "Outcome saved"), done=True
    )


def _of_session(session_id: Any, event_id: Any) -> None:
    """An event named from this page belongs to the page's session (else refused)."""
    sid = request_args.int_arg(session_id)
    ids = {str(e.id) for e in adverse_events_of(runtime.current().database, sid)}
    if str(event_id) not in ids:
        raise refuse("outcome", "Choose one of this session's events")


def _resolve_now(clicks: Any, session_id: Any, key: Any) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_ADVERSE_EVENT)
    tapped = ctx.triggered_id
    if not isinstance(tapped, dict) or not any(isinstance(c, int) and c for c in clicks or []):
        return {"message": no_update, "key": no_update, "version": no_update}
    event_id = tapped.get("index")
    try:
        _of_session(session_id, event_id)
        _outcome(event_id, AdverseEventOutcome.RESOLVED, now_minute(), None, key, actor=actor)
    except Conflict as error:
        return {"message": problem(error), "key": new_key(), "version": new_key()}
    except DomainError as error:
        return {"message": problem(error), "key": no_update, "version": no_update}
    return {"message": notice("Marked resolved"), "key": new_key(), "version": new_key()}


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "list": Output(Ae.LIST, "children"),
            "excursions": Output(Ae.EXCURSION, "options"),
            "events": Output(Ae.OUTCOME_EVENT, "options"),
            "onset": Output(Ae.ONSET, "value"),
            "onset_default": Output(Ae.ONSET_DEFAULT, "data"),
        },
        inputs=refreshed_by(),
        state={
            **this_session(),
            "onset": State(Ae.ONSET, "value"),
            "onset_default": State(Ae.ONSET_DEFAULT, "data"),
        },
    )(_refresh)
    on_tap(
        app,
        Ae.SAVE,
        _save,
        output={
            "message": Output(Ae.MESSAGE, "children"),
            "problems": {name: Output(Ae.problem(name), "children") for name in EVENT_FIELDS},
            "key": Output(Ae.KEY, "data"),
            "version": version_bumped(),
            "serious": Output(Ae.SERIOUS, "value"),
            "cleared": [
                Output(Ae.KIND, "value"),
                Output(Ae.SEVERITY, "value"),
                Output(Ae.ACTION, "value"),
                Output(Ae.NOTE, "value"),
                Output(Ae.EXCURSION, "value"),
            ],
            "onset": [
                Output(Ae.ONSET, "value", allow_duplicate=True),
                Output(Ae.ONSET_DEFAULT, "data", allow_duplicate=True),
            ],
        },
        state={
            **this_session(),
            "kind": State(Ae.KIND, "value"),
            "severity": State(Ae.SEVERITY, "value"),
            "serious": State(Ae.SERIOUS, "value"),
            "onset": State(Ae.ONSET, "value"),
            "action_taken": State(Ae.ACTION, "value"),
            "note": State(Ae.NOTE, "value"),
            "excursion": State(Ae.EXCURSION, "value"),
            "key": State(Ae.KEY, "data"),
        },
    )
    on_tap(
        app,
        Ae.OUTCOME_SAVE,
        _save_outcome,
        output={
            "message": Output(Ae.OUTCOME_MESSAGE, "children"),
            "problems": {name: Output(Ae.problem(name), "children") for name in OUTCOME_FIELDS},
            "key": Output(Ae.OUTCOME_KEY, "data"),
            "version": version_bumped(),
        },
        state={
            **this_session(),
            "event_id": State(Ae.OUTCOME_EVENT, "value"),
            "outcome": State(Ae.OUTCOME, "value"),
            "resolved": State(Ae.RESOLVED_AT, "value"),
            "note": State(Ae.OUTCOME_NOTE, "value"),
            "key": State(Ae.OUTCOME_KEY, "data"),
        },
    )
    app.callback(
        output={
            "message": Output(Ae.LIST_MESSAGE, "children"),
            "key": Output(Ae.RESOLVE_KEY, "data"),
            "version": version_bumped(),
        },
        inputs={"clicks": Input({"type": Ae.RESOLVE_NOW, "index": ALL}, "n_clicks")},
        state={**this_session(), "key": State(Ae.RESOLVE_KEY, "data")},
        prevent_initial_call=True,
    )(_resolve_now)
