"""The bedside's ketamine card (issue 13): the draw, the waste (witnessed beside it or
later), the witness of a waste another nurse recorded, and the balance, refreshed with the
panel. Registered by monitor.pages.bedside_interventions."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Output, State, no_update

from monitor import auth, runtime
from monitor.db.types import utcnow
from monitor.domain.clinic_time import parse_day
from monitor.domain.errors import FieldProblem, InvalidEntry
from monitor.domain.ketamine_entries import clock_on_today
from monitor.domain.permissions import Action
from monitor.pages.bedside_wiring import (
    for_session,
    new_key,
    on_tap,
    refreshed_by,
    this_session,
    version_bumped,
)
from monitor.services.errors import Conflict, DomainError, NotFound
from monitor.services.ketamine import (
    KetamineRecord,
    ketamine_record,
    record_draw,
    record_waste,
    witness_waste,
)
from monitor.ui.bedside import ketamine_card
from monitor.ui.bedside.ketamine_card import FIELDS, WASTE_FIELDS, Ket
from monitor.ui.feedback import notice, problem
from monitor.web import request_args

# Emptied once an entry is stored, as the reading form is: a second tap on the same button
# must not store the same volume again under a fresh key. The lot and expiry stay (the
# next draw is often from the same vial).
DRAW_CLEARS = (Ket.VOLUME,)
WASTE_CLEARS = (Ket.WASTE_VOLUME, Ket.WASTE_TIME, Ket.WITNESS_USERNAME)


def _cleared(ids: tuple[str, ...], done: bool) -> dict[str, Any]:
    return dict.fromkeys(ids, "" if done else no_update)


def record_of(session_id: Any) -> KetamineRecord:
    """The session's ketamine record (the caller has checked the role); unknown → 404."""
    rt = runtime.current()
    try:
        return ketamine_record(rt.database, rt.config, request_args.int_arg(session_id))
    except NotFound:
        request_args.not_found()


def card_for(session_id: int, actor: Any) -> Any:
    """The card for the panel's layout."""
    return ketamine_card.card(
        session_id, runtime.current().config, (new_key(), new_key(), new_key())
    )


def _refresh(refresh_tick: Any, version: Any, session_id: Any) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_KETAMINE)
    zone = runtime.current().config.clinic.zone
    return ketamine_card.refreshed(record_of(session_id), zone, actor.id)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _marks(fields: dict[str, str], error: InvalidEntry | None) -> dict[str, Any]:
    """Each input's invalid flag and the message at it."""
    by_id: dict[str, str] = {}
    for p in error.problems if error else []:
        target = fields.get(p.field)
        if target:
            by_id[target] = (by_id.get(target, "") + " " + p.message).strip()
    return {
        target: {"invalid": target in by_id, "problem": by_id.get(target, "")}
        for target in dict.fromkeys(fields.values())
    }


def _answer(
    message: Any, fields: dict[str, str], *, error: InvalidEntry | None = None, done: bool = False
) -> dict[str, Any]:
    return {
        "message": message,
        "marks": _marks(fields, error),
        "key": new_key() if done else no_update,
        "version": new_key() if done else no_update,
    }


def _draw(
    clicks: Any, session_id: Any, product: Any, lot: Any, expiry: Any, volume: Any, key: Any
) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_KETAMINE)
    try:
        expires: date | None = parse_day(expiry, "expiry", "Expiry date")
        recorded = for_session(
            record_draw,
            actor,
            session_id,
            product=str(product or ""),
            lot=str(lot or ""),
            expiry=expires,
            volume_ml=_number(volume),
            drawn_at=None,
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        return _answer(problem(error), FIELDS, error=error) | {
            "clear": _cleared(DRAW_CLEARS, False)
        }
    except Conflict as error:
        return _answer(problem(error), FIELDS, done=True) | {"clear": _cleared(DRAW_CLEARS, False)}
    except DomainError as error:
        return _answer(problem(error), FIELDS) | {"clear": _cleared(DRAW_CLEARS, False)}
    said = "Draw recorded" + (" (already saved)" if recorded.duplicate else "")
    return _answer(notice(said), FIELDS, done=True) | {"clear": _cleared(DRAW_CLEARS, True)}


def _waste(
    clicks: Any,
    session_id: Any,
    draw: Any,
    volume: Any,
    at: Any,
    username: Any,
    password: Any,
    key: Any,
) -> dict[str, Any]:
    actor = auth.require(Action.RECORD_KETAMINE)
    zone = runtime.current().config.clinic.zone
    try:
        when = clock_on_today(at, now=utcnow(), zone=zone, field="wasted_at")
        if draw in (None, ""):
            raise InvalidEntry([FieldProblem("draw_id", "Choose the draw this waste comes from")])
        recorded = for_session(
            record_waste,
            actor,
            session_id,
            draw_id=request_args.int_arg(draw),
            volume_ml=_number(volume),
            wasted_at=when,
            idempotency_key=str(key or ""),
            witness_username=str(username or "") or None,
            witness_password=str(password or "") or None,
        )
    except InvalidEntry as error:
        return _refused(_answer(problem(error), WASTE_FIELDS, error=error))
    except Conflict as error:
        return _refused(_answer(problem(error), WASTE_FIELDS, done=True))
    except DomainError as error:
        return _refused(_answer(problem(error), WASTE_FIELDS))
    said = (
        "Waste recorded and witnessed"
        if recorded.witnessed
        else ("Waste recorded: awaiting witness")
    )
    return _answer(notice(said), WASTE_FIELDS, done=True) | {
        "password": "",
        "clear": _cleared(WASTE_CLEARS, True),
    }


def _refused(answer: dict[str, Any]) -> dict[str, Any]:
    """A waste not stored: the witness's password goes (typed again, in front of them), the
    rest stays to be corrected."""
    return answer | {"password": "", "clear": _cleared(WASTE_CLEARS, False)}


def _witness(clicks: Any, session_id: Any, waste: Any, password: Any, key: Any) -> dict[str, Any]:
    actor = auth.require(Action.WITNESS_WASTE)
    rt = runtime.current()
    fields = {"password": Ket.PASSWORD}
    try:
        if waste in (None, ""):
            raise InvalidEntry([FieldProblem("password", "Choose the waste you witness")])
        done = witness_waste(
            database=rt.database,
            config=rt.config,
            actor=actor,
            waste_id=request_args.int_arg(waste),
            password=str(password or ""),
            submission_key=str(key or ""),
        )
    except InvalidEntry as error:
        return _answer(problem(error), fields, error=error) | {"password": ""}
    except Conflict as error:
        return _answer(problem(error), fields, done=True) | {"password": ""}
    except DomainError as error:
        return _answer(problem(error), fields) | {"password": ""}
    return _answer(notice(f"Witnessed by {done.witness_name}"), fields, done=True) | {
        "password": ""
    }


def _outputs(
    message: str,
    key: str,
    fields: dict[str, str],
    password: str | None,
    clears: tuple[str, ...] = (),
) -> dict[str, Any]:
    marks = {
        target: {
            "invalid": Output(target, "invalid"),
            "problem": Output(f"{target}-problem", "children"),
        }
        for target in dict.fromkeys(fields.values())
    }
    out: dict[str, Any] = {
        "message": Output(message, "children"),
        "marks": marks,
        "key": Output(key, "data"),
        "version": version_bumped(),
    }
    if password:
        out["password"] = Output(password, "value")
    if clears:
        out["clear"] = {target: Output(target, "value") for target in clears}
    return out


def register_callbacks(app: Dash) -> None:
    app.callback(
        output={
            "balance": Output(Ket.BALANCE, "children"),
            "wastes": Output(Ket.WASTES, "children"),
            "draws": Output(Ket.WASTE_DRAW, "options"),
            "waste_style": Output(Ket.WASTE_FORM, "style"),
            "awaiting": Output(Ket.AWAITING_WASTE, "options"),
            "awaiting_style": Output(Ket.AWAITING, "style"),
        },
        inputs=refreshed_by(),
        state=this_session(),
    )(_refresh)
    on_tap(
        app,
        Ket.DRAW,
        _draw,
        output=_outputs(Ket.DRAW_MESSAGE, Ket.DRAW_KEY, FIELDS, None, DRAW_CLEARS),
        state={
            **this_session(),
            "product": State(Ket.PRODUCT, "value"),
            "lot": State(Ket.LOT, "value"),
            "expiry": State(Ket.EXPIRY, "value"),
            "volume": State(Ket.VOLUME, "value"),
            "key": State(Ket.DRAW_KEY, "data"),
        },
    )
    on_tap(
        app,
        Ket.WASTE,
        _waste,
        output=_outputs(
            Ket.WASTE_MESSAGE, Ket.WASTE_KEY, WASTE_FIELDS, Ket.WITNESS_PASSWORD, WASTE_CLEARS
        ),
        state={
            **this_session(),
            "draw": State(Ket.WASTE_DRAW, "value"),
            "volume": State(Ket.WASTE_VOLUME, "value"),
            "at": State(Ket.WASTE_TIME, "value"),
            "username": State(Ket.WITNESS_USERNAME, "value"),
            "password": State(Ket.WITNESS_PASSWORD, "value"),
            "key": State(Ket.WASTE_KEY, "data"),
        },
    )
    on_tap(
        app,
        Ket.WITNESS,
        _witness,
        output=_outputs(
            Ket.WITNESS_MESSAGE, Ket.WITNESS_KEY, {"password": Ket.PASSWORD}, Ket.PASSWORD
        ),
        state={
            **this_session(),
            "waste": State(Ket.AWAITING_WASTE, "value"),
            "password": State(Ket.PASSWORD, "value"),
            "key": State(Ket.WITNESS_KEY, "data"),
        },
    )
