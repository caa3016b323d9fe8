"""The course page: who and what, the sessions k of N, the PHQ-9/PCL-5 trend with its
thresholds, the screening and consent with their signatures, and the follow-up date. The
forms (not shown to the auditor) come from course_forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.vocabulary import (
    CourseStatus,
    Indication,
    ScreeningAnswer,
    ScreeningDecision,
    SessionState,
    label_of,
)
from monitor.ui.components import local_time
from monitor.ui.course_chart import course_trend
from monitor.ui.ids import CoursePage

if TYPE_CHECKING:
    from monitor.domain.treatment_response import ScaleProgress
    from monitor.services.course_record import (
        ConsentRow,
        CourseSessionRow,
        CourseView,
        ScreeningRow,
    )

DAY_TIME = "%Y-%m-%d %H:%M"
# The notice a finished action leaves on the reloaded page (?done=…): fixed words only.
DONE = {
    "started": "Course started: record the screening next.",
    "screening": "Screening recorded.",
    "decision": "Decision signed.",
    "consent": "Consent recorded.",
    "withdrawn": "Consent withdrawn: the course is stopped.",
    "status": "Course status changed.",
}


def missing(course_id: str) -> Any:
    return dbc.Alert(f"No course {course_id!r}.", color="warning")


def done_notice(done: str) -> Any:
    words = DONE.get(done)
    return dbc.Alert(words, color="success", className="mb-2") if words else None


def _card(title: str, body: Any, card_id: str | None = None) -> dbc.Card:
    named: dict[str, Any] = {"id": card_id} if card_id else {}
    return dbc.Card(
        [dbc.CardHeader(html.H2(title, className="h6 mb-0")), dbc.CardBody(body)],
        className="mb-3",
        **named,
    )


def page(
    view: CourseView,
    zone: ZoneInfo,
    *,
    done: str = "",
    forms: Any = None,
    missing_now: Any = (),
    session_path: str = "/session/",
) -> html.Div:
    """The course; `session_path` is where a session's record opens for this role (the
    auditor's review is /audit/session/)."""
    record, h = view.record, view.record.header
    p = record.patient
    status = label_of(CourseStatus, h.status)
    return html.Div(
        [
            dcc.Store(id=CoursePage.COURSE, data=h.id),
            html.Div(done_notice(done), id=CoursePage.NOTICE),
            html.H1(f"Course · {p.name} · MRN {p.mrn}", className="h4"),
            dcc.Link(
                "Patient record",
                href=f"/patient/{p.id}",
                id="course-patient-link",
                className="nav-target",
            ),
            html.Div(
                [
                    dbc.Badge(status, color="primary", className="me-2", id="course-status"),
                    f"{label_of(Indication, h.indication)}"
                    + (f" ({h.indication_note})" if h.indication_note else "")
                    + f" · protocol {h.protocol_id} · {record.given} of {h.planned_sessions} "
                    f"sessions given · started {h.start_date.isoformat()} · physician "
                    f"{h.physician_name or 'not recorded'}",
                ],
                className="text-body-secondary mb-2",
            ),
            html.Div(f"Reason: {h.status_reason}", className="mb-2") if h.status_reason else None,
            dbc.Alert(
                "Sessions recorded before courses existed: no screening or consent in this system.",
                color="secondary",
            )
            if h.recorded_before_courses
            else None,
            _still_needed(missing_now),
            _follow_up(view),
            forms,
            _card("Symptom scores", _trend(view), CoursePage.TREND),
            _card(
                "Sessions",
                _sessions(record.sessions, h.planned_sessions, zone, session_path),
                CoursePage.SESSIONS,
            ),
            _card("Screening", _screenings(record.screenings, zone), "course-screening"),
            _card("Consent", _consents(record.consents, zone), "course-consent"),
        ]
    )


def _still_needed(missing_now: Any) -> Any:
    if not missing_now:
        return None
    return dbc.Alert(
        [
            html.Strong("Before a session can open:"),
            html.Ul([html.Li(words) for words in missing_now], className="mb-0"),
        ],
        color="warning",
        id="course-missing",
    )


def _follow_up(view: CourseView) -> Any:
    ongoing = view.record.header.status in (CourseStatus.SCREENING, CourseStatus.ACTIVE)
    if ongoing or view.follow_up_due is None or view.last_session_on is None:
        # While sessions remain, no date yet: the latest session is not the last.
        text = (
            f"Follow-up: due {view.follow_up_days} days after the course's last session "
            "(dated once the course is completed)."
        )
    else:
        text = (
            f"Follow-up due {view.follow_up_due.isoformat()} ({view.follow_up_days} days after "
            f"the last session, {view.last_session_on.isoformat()})."
        )
    return html.P(text, id="course-follow-up", className="fw-semibold")


def _scale_words(p: ScaleProgress) -> str:
    name = p.questionnaire.label
    if p.first is None or p.latest is None:
        return f"{name}: not taken yet."
    change = (
        f", {p.drop_percent:.0f} % lower than the first"
        if p.drop_percent is not None and p.drop_percent > 0
        else ""
    )
    verdicts = [
        "response" if p.response else "no response yet",
        f"remission (below {p.remission_below})"
        if p.remission
        else f"not in remission (below {p.remission_below})",
    ]
    return f"{name}: first {p.first}, latest {p.latest}{change} — {'; '.join(verdicts)}."


def _trend(view: CourseView) -> Any:
    record = view.record
    figure = course_trend(record.scores, (view.phq9, view.pcl5), record.header.planned_sessions)
    return [
        dcc.Graph(figure=figure, config={"displayModeBar": False}, id="course-trend-chart"),
        html.Ul(
            [html.Li(_scale_words(view.phq9)), html.Li(_scale_words(view.pcl5))],
            id="course-progress",
        ),
    ]


def _excursions(s: CourseSessionRow) -> str:
    parts = [f"{s.high_count} high", f"{s.medium_count} medium", f"{s.low_count} low"]
    text = ", ".join(parts)
    return text + (f" ({s.unacknowledged_count} unacknowledged)" if s.unacknowledged_count else "")


def _flags(s: CourseSessionRow) -> str:
    words = []
    if s.safety_flags:
        open_ = f", {s.safety_flags_open} open" if s.safety_flags_open else ""
        words.append(f"{s.safety_flags} self-harm flag{'s' if s.safety_flags > 1 else ''}{open_}")
    if s.clearances:
        words.append(f"{s.clearances} pre-dose clearance{'s' if s.clearances > 1 else ''}")
    return "; ".join(words) or "none"


def _sessions(
    sessions: tuple[CourseSessionRow, ...], planned: int, zone: ZoneInfo, session_path: str
) -> Any:
    if not sessions:
        return html.P("No session yet.")
    head = ["Session", "Date", "State", "Dose", "Excursions", "Safety flags", ""]
    rows = [
        html.Tr(
            [
                html.Td(f"{s.sequence or '?'} of {planned}"),
                html.Td(local_time(s.opened_at, zone, DAY_TIME)),
                html.Td(label_of(SessionState, s.state)),
                html.Td(
                    f"{s.dose_mg:g} mg planned"
                    + (f", {s.delivered_mg:g} mg given" if s.delivered_mg is not None else "")
                ),
                html.Td(_excursions(s)),
                html.Td(_flags(s)),
                html.Td(
                    dcc.Link(
                        "Record", href=f"{session_path}{s.session_id}", className="record-link"
                    )
                ),
            ]
        )
        for s in sessions
    ]
    table = dbc.Table(
        [html.Thead(html.Tr([html.Th(c) for c in head])), html.Tbody(rows)],
        size="sm",
        striped=True,
    )
    named: dict[str, Any] = {"aria-label": "Sessions of the course"}
    return html.Div(table, className="table-responsive", tabIndex="0", role="region", **named)


def _screenings(screenings: tuple[ScreeningRow, ...], zone: ZoneInfo) -> Any:
    if not screenings:
        return html.P("Not screened yet.")
    blocks = []
    for n, s in enumerate(reversed(screenings)):
        items = html.Tbody(
            [
                html.Tr(
                    [
                        html.Td(a.label),
                        html.Td(label_of(ScreeningAnswer, a.answer)),
                        html.Td(a.note),
                        html.Td(a.source, className="small text-body-secondary"),
                    ]
                )
                for a in s.answers
            ]
        )
        head = html.Thead(html.Tr([html.Th(c) for c in ("Item", "Answer", "Note", "Source")]))
        blocks.append(
            html.Div(
                [
                    html.P(
                        ("Superseded: " if n else "")
                        + f"Screened {local_time(s.screened_at, zone, DAY_TIME)} "
                        + f"by {s.screened_by}.",
                        className="fw-semibold mb-1",
                    ),
                    html.Div(dbc.Table([head, items], size="sm"), className="table-responsive"),
                    html.P(_decision_words(s, zone), className="screening-decision"),
                ],
                className="mb-3",
            )
        )
    return blocks


def _decision_words(s: ScreeningRow, zone: ZoneInfo) -> str:
    if s.decision is None:
        return (
            "Awaiting a physician's signed decision (a yes or unknown answer)."
            if s.needs_decision
            else "Cleared: every answer no, no decision needed."
        )
    return (
        f"{label_of(ScreeningDecision, s.decision)}: signed by {s.decided_by} ({s.decided_role}) "
        f"{local_time(s.decided_at, zone, DAY_TIME)} — {s.decision_reason}"
    )


def _consents(consents: tuple[ConsentRow, ...], zone: ZoneInfo) -> Any:
    if not consents:
        return html.P("No consent recorded.")
    return [
        html.Div(
            [
                html.P(
                    f"{c.form_title} (version {c.form_version}), consented on "
                    f"{c.consented_on.isoformat()}; patient typed “{c.patient_typed_name}”.",
                    className="mb-1",
                ),
                html.P(
                    f"Witnessed and signed by {c.witness_printed_name} ({c.witness_role}) "
                    f"{local_time(c.signed_at, zone, DAY_TIME)}.",
                    className="mb-1",
                ),
                html.P(
                    f"Withdrawn on {c.withdrawn_on.isoformat()}: {c.withdrawal_reason} "
                    f"(recorded by {c.withdrawal_recorded_by})",
                    className="text-warning-emphasis",
                )
                if c.withdrawn_on
                else None,
            ],
            className="mb-2 consent",
        )
        for c in consents
    ]
