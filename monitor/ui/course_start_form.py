"""The form that starts a treatment course for one patient (`/course/new?patient_id=`):
protocol, indication, planned sessions (the config's number by default), start date and
the responsible physician."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.vocabulary import Indication
from monitor.ui.course_forms import field, submit, text_input
from monitor.ui.ids import CoursePage as C

if TYPE_CHECKING:
    from monitor.services.course_record import NewCourseChoices


def start_form(choices: NewCourseChoices) -> html.Div:
    p = choices.patient
    return html.Div(
        [
            html.H1(f"Start a course · {p.name} · MRN {p.mrn}", className="h4"),
            dcc.Store(id=C.START_PATIENT, data=p.id),
            dbc.Row(
                [
                    field(
                        "Protocol",
                        dbc.Select(
                            id=C.START_PROTOCOL,
                            options=[{"label": n, "value": i} for i, n in choices.protocols],
                            value=choices.protocols[0][0],
                        ),
                        C.START_PROTOCOL,
                    ),
                    field(
                        "Indication",
                        dbc.Select(
                            id=C.START_INDICATION,
                            options=[{"label": i.label, "value": i.value} for i in Indication],
                        ),
                        C.START_INDICATION,
                    ),
                    field("Indication note (for other)", text_input(C.START_NOTE), C.START_NOTE),
                    field(
                        "Planned sessions (count)",
                        dbc.Input(
                            id=C.START_PLANNED,
                            # No min/max: the browser would send an out-of-range number
                            # as blank (the default), where the service must refuse it.
                            type="number",
                            step=1,
                            value=choices.planned_sessions,
                        ),
                        C.START_PLANNED,
                        md=3,
                    ),
                    field(
                        "Start date",
                        dbc.Input(id=C.START_DATE, type="date", value=choices.today.isoformat()),
                        C.START_DATE,
                        md=3,
                    ),
                    field(
                        "Responsible physician",
                        dbc.Select(
                            id=C.START_PHYSICIAN,
                            options=[{"label": n, "value": str(i)} for i, n in choices.physicians],
                        ),
                        C.START_PHYSICIAN,
                    ),
                ]
            ),
            *submit("Start course", C.START_SUBMIT, C.START_MESSAGE, C.START_KEY, "primary"),
        ]
    )
