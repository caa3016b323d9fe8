"""The course page's forms, each one callback calling one use case of the courses services:
start a course, record the screening, the physician's signed decision, consent witnessed
with the witness's password, withdraw consent, complete or stop the course. A refusal is
shown under the form and nothing is stored; a done action reloads the course with its
outcome at the top. Registered by pages/course.py; not a page of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from dash import ALL, Dash, Input, Output, State, no_update

from monitor import auth, runtime
from monitor.domain.permissions import Action
from monitor.services import consent, courses, screening
from monitor.services.errors import Conflict, DomainError
from monitor.ui.feedback import problem
from monitor.ui.ids import CoursePage as C
from monitor.web import request_args


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional(value: Any) -> str | None:
    text = _text(value).strip()
    return text or None


def _done(action: Callable[[], str]) -> dict[str, Any]:
    """Run the use case; on success reload at the address it returns, else say why."""
    try:
        href = action()
    except Conflict as error:  # the key was used for other values: a fresh key for a retry
        return {"message": problem(error), "redirect": no_update, "key": uuid4().hex}
    except DomainError as error:
        return {"message": problem(error), "redirect": no_update, "key": no_update}
    return {"message": "", "redirect": href, "key": no_update}


def _course_page(course_id: int, done: str) -> str:
    return f"/course/{course_id}?done={done}"


def start(
    *,
    clicks: Any,
    patient: Any,
    protocol: Any,
    indication: Any,
    note: Any,
    planned: Any,
    start_date: Any,
    physician: Any,
    key: Any,
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.MANAGE_COURSE)
    patient_id = request_args.int_arg(patient)

    def act() -> str:
        started = courses.start_course(
            database=rt.database,
            config=rt.config,
            actor=actor,
            patient_id=patient_id,
            protocol_id=_text(protocol),
            indication=_text(indication),
            indication_note=_optional(note),
            planned_sessions=_text(planned),
            start_date=_text(start_date),
            physician_id=request_args.choice_id(physician) or 0,
            idempotency_key=_text(key),
        )
        return _course_page(started.course_id, "started")

    return _done(act)


def _answers(codes: Any, answers: Any, notes: Any) -> dict[str, tuple[str, str]]:
    """The checklist as the form sent it: item code → (answer, note)."""
    ids, values, texts = (request_args.list_arg(x) for x in (codes, answers, notes))
    if not len(ids) == len(values) == len(texts):
        request_args.bad_request()
    out = {}
    for item, answer, text in zip(ids, values, texts, strict=True):
        code = item.get("code") if isinstance(item, dict) else None
        if not isinstance(code, str) or not isinstance(answer, (str, type(None))):
            request_args.bad_request()
        out[code] = (_text(answer), _text(text))
    return out


def screen(
    *, clicks: Any, course: Any, codes: Any, answers: Any, notes: Any, key: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_SCREENING)
    course_id = request_args.int_arg(course)
    checklist = _answers(codes, answers, notes)

    def act() -> str:
        screening.record_screening(
            database=rt.database,
            config=rt.config,
            actor=actor,
            course_id=course_id,
            answers=checklist,
            idempotency_key=_text(key),
        )
        return _course_page(course_id, "screening")

    return _done(act)


def decide(
    *,
    clicks: Any,
    course: Any,
    screening_id: Any,
    choice: Any,
    reason: Any,
    password: Any,
    key: Any,
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.DECIDE_SCREENING)
    course_id, sid = request_args.int_arg(course), request_args.int_arg(screening_id)

    def act() -> str:
        screening.decide_screening(
            database=rt.database,
            config=rt.config,
            actor=actor,
            screening_id=sid,
            decision=_text(choice),
            reason=_text(reason),
            password=_text(password),
            idempotency_key=_text(key),
        )
        return _course_page(course_id, "decision")

    return _done(act)


def record(
    *, clicks: Any, course: Any, consented_on: Any, name: Any, password: Any, key: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_CONSENT)
    course_id = request_args.int_arg(course)

    def act() -> str:
        consent.record_consent(
            database=rt.database,
            config=rt.config,
            actor=actor,
            course_id=course_id,
            consented_on=_text(consented_on),
            patient_typed_name=_text(name),
            password=_text(password),
            idempotency_key=_text(key),
        )
        return _course_page(course_id, "consent")

    return _done(act)


def withdraw(
    *, clicks: Any, course: Any, withdrawn_on: Any, reason: Any, key: Any
) -> dict[str, Any]:
    rt = runtime.current()
    actor = auth.require(Action.RECORD_CONSENT)
    course_id = request_args.int_arg(course)

    def act() -> str:
        consent.withdraw_consent(
            database=rt.database,
            config=rt.config,  # the withdrawal's date is checked against the clinic's today
            actor=actor,
            course_id=course_id,
            withdrawn_on=_text(withdrawn_on),
            reason=_text(reason),
            idempotency_key=_text(key),
        )
        return _course_page(course_id, "withdrawn")

    return _done(act)


def change_status(
    *, clicks: Any, course: Any, status: Any, reason: Any, key: Any
) -> dict[str, Any]:
    """No submission key is sent: the status is the key (the same status and reason again
    is a duplicate, another reason is refused: services.courses.change_course_status)."""
    rt = runtime.current()
    actor = auth.require(Action.MANAGE_COURSE)
    course_id = request_args.int_arg(course)

    def act() -> str:
        courses.change_course_status(
            database=rt.database,
            actor=actor,
            course_id=course_id,
            status=_text(status),
            reason=_text(reason),
        )
        return _course_page(course_id, "status")

    return _done(act)


def _outputs(message: str, redirect: str, key: str) -> dict[str, Output]:
    return {
        "message": Output(message, "children"),
        "redirect": Output(redirect, "href"),
        "key": Output(key, "data"),
    }


def register(app: Dash) -> None:
    course = State(C.COURSE, "data")
    forms: list[tuple[Callable[..., dict[str, Any]], str, str, str, str, dict[str, State]]] = [
        (
            start,
            C.START_SUBMIT,
            C.START_MESSAGE,
            C.START_REDIRECT,
            C.START_KEY,
            {
                "patient": State(C.START_PATIENT, "data"),
                "protocol": State(C.START_PROTOCOL, "value"),
                "indication": State(C.START_INDICATION, "value"),
                "note": State(C.START_NOTE, "value"),
                "planned": State(C.START_PLANNED, "value"),
                "start_date": State(C.START_DATE, "value"),
                "physician": State(C.START_PHYSICIAN, "value"),
            },
        ),
        (
            screen,
            C.SCREEN_SUBMIT,
            C.SCREEN_MESSAGE,
            C.SCREEN_REDIRECT,
            C.SCREEN_KEY,
            {
                "course": course,
                "codes": State({"type": C.SCREEN_ANSWER, "code": ALL}, "id"),
                "answers": State({"type": C.SCREEN_ANSWER, "code": ALL}, "value"),
                "notes": State({"type": C.SCREEN_NOTE, "code": ALL}, "value"),
            },
        ),
        (
            decide,
            C.DECIDE_SUBMIT,
            C.DECIDE_MESSAGE,
            C.DECIDE_REDIRECT,
            C.DECIDE_KEY,
            {
                "course": course,
                "screening_id": State(C.DECIDE_SCREENING, "data"),
                "choice": State(C.DECIDE_CHOICE, "value"),
                "reason": State(C.DECIDE_REASON, "value"),
                "password": State(C.DECIDE_PASSWORD, "value"),
            },
        ),
        (
            record,
            C.CONSENT_SUBMIT,
            C.CONSENT_MESSAGE,
            C.CONSENT_REDIRECT,
            C.CONSENT_KEY,
            {
                "course": course,
                "consented_on": State(C.CONSENT_DATE, "value"),
                "name": State(C.CONSENT_NAME, "value"),
                "password": State(C.CONSENT_PASSWORD, "value"),
            },
        ),
        (
            withdraw,
            C.WITHDRAW_SUBMIT,
            C.WITHDRAW_MESSAGE,
            C.WITHDRAW_REDIRECT,
            C.WITHDRAW_KEY,
            {
                "course": course,
                "withdrawn_on": State(C.WITHDRAW_DATE, "value"),
                "reason": State(C.WITHDRAW_REASON, "value"),
            },
        ),
        (
            change_status,
            C.STATUS_SUBMIT,
            C.STATUS_MESSAGE,
            C.STATUS_REDIRECT,
            C.STATUS_KEY,
            {
                "course": course,
                "status": State(C.STATUS_CHOICE, "value"),
                "reason": State(C.STATUS_REASON, "value"),
            },
        ),
    ]
    for function, submit, message, redirect, key, state in forms:
        app.callback(
            output=_outputs(message, redirect, key),
            inputs={"clicks": Input(submit, "n_clicks")},
            state={**state, "key": State(key, "data")},
            prevent_initial_call=True,
        )(function)
