"""A session's ketamine record (issue 13): draws, wastes and their witnesses, the
physicians' resolutions and the balance, for the clinical team and the auditor; each
opening logged as a view of the record. A physician resolves an open discrepancy here with
a reason — on a locked record too, since a resolution changes no entry."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import Dash, Output, State, no_update
from flask import abort

from monitor import auth, runtime
from monitor.domain.permissions import Action, Role
from monitor.domain.vocabulary import KetamineBalance
from monitor.pages.bedside_wiring import on_tap
from monitor.services.errors import (
    Conflict,
    DomainError,
    InvalidEntry,
    NotFound,
    PermissionDenied,
)
from monitor.services.ketamine import ketamine_record, resolve_discrepancy
from monitor.services.ketamine_record import open_ketamine_record
from monitor.ui import ketamine_record_view as view
from monitor.ui.bedside.ketamine_card import balance_line
from monitor.ui.bedside.panel import HIDDEN
from monitor.ui.feedback import notice, problem
from monitor.ui.ketamine_record_view import KetResolve
from monitor.web import request_args

PATH = "/session/<session_id>/ketamine"
NAME = "Ketamine record"
ROLES = ("nurse", "physician", "auditor")
IN_NAV = False


def layout(session_id: str = "", **_: Any) -> Any:
    rt = runtime.current()
    actor = auth.current_actor()
    if actor is None:
        abort(401)
    sid = request_args.record_id(session_id)
    if sid is None:
        return view.missing(session_id)
    try:
        record = open_ketamine_record(
            database=rt.database, config=rt.config, actor=actor, session_id=sid
        )
    except PermissionDenied:
        abort(403)
    except NotFound:
        return view.missing(session_id)
    return view.page(
        record,
        rt.config.clinic.zone,
        resolve_form=actor.role is Role.PHYSICIAN
        and record.balance.status is KetamineBalance.DISCREPANCY,
        key=uuid4().hex,
    )


def _resolve(clicks: Any, session_id: Any, reason: Any, key: Any) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RESOLVE_DISCREPANCY)
    sid = request_args.int_arg(session_id)
    answer: dict[str, Any] = {
        "message": no_update,
        "invalid": False,
        "problem": "",
        "key": no_update,
        "balance": no_update,
        "resolutions": no_update,
        "form": no_update,
    }
    try:
        done = resolve_discrepancy(
            database=rt.database,
            config=rt.config,
            actor=actor,
            session_id=sid,
            reason=str(reason or ""),
            idempotency_key=str(key or ""),
        )
    except InvalidEntry as error:
        bad = " ".join(p.message for p in error.problems if p.field == "reason")
        return answer | {"message": problem(error), "invalid": bool(bad), "problem": bad}
    except Conflict as error:
        return answer | {"message": problem(error), "key": uuid4().hex} | _as_it_stands(sid)
    except DomainError as error:
        return answer | {"message": problem(error)} | _as_it_stands(sid)
    return (
        answer
        | {
            "message": notice(
                f"Discrepancy resolved ({done.imbalance_ml:+.2f} mL) by {actor.full_name}"
                + (" (already saved)" if done.duplicate else "")
            ),
            "key": uuid4().hex,
        }
        | _as_it_stands(sid)
    )


def _as_it_stands(session_id: int) -> dict[str, Any]:
    """The balance and the resolutions as stored now; the form hidden once the balance is
    no longer an open discrepancy (resolved here, or by another physician meanwhile: a
    second resolution would only be refused)."""
    rt = runtime.current()
    try:
        record = ketamine_record(rt.database, rt.config, session_id)
    except NotFound:  # no such session: the refusal already says so
        return {}
    return {
        "balance": balance_line(record),
        "resolutions": view.resolutions(record, rt.config.clinic.zone),
        "form": no_update if record.balance.status is KetamineBalance.DISCREPANCY else HIDDEN,
    }


def register_callbacks(app: Dash) -> None:
    on_tap(
        app,
        KetResolve.SUBMIT,
        _resolve,
        output={
            "message": Output(KetResolve.MESSAGE, "children"),
            "invalid": Output(KetResolve.REASON, "invalid"),
            "problem": Output(KetResolve.REASON_PROBLEM, "children"),
            "key": Output(KetResolve.KEY, "data"),
            "balance": Output(KetResolve.BALANCE, "children"),
            "resolutions": Output(KetResolve.RESOLUTIONS, "children"),
            "form": Output(KetResolve.FORM, "style"),
        },
        state={
            "session_id": State(KetResolve.SESSION, "data"),
            "reason": State(KetResolve.REASON, "value"),
            "key": State(KetResolve.KEY, "data"),
        },
    )
