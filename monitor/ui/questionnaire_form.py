"""The PHQ-9 or PCL-5 as a form: the instrument's instructions and stem, each item with its
number and words, and its answers as large labelled buttons grouped so a screen reader
names the item ("Item 9: Thoughts that …, 1 Several days"). The nurse's entry screen (`qf-`)
and the patient's tablet (`pm-`, larger targets) build the same form with their own ids.
The submit button and its outcome sit in a bar kept at the bottom of the screen, so the
outcome is seen without scrolling."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import dcc, html

from monitor.domain.errors import DomainError, InvalidEntry, in_words
from monitor.domain.questionnaire_items import QuestionnaireForm
from monitor.domain.vocabulary import Questionnaire, Respondent, label_of

if TYPE_CHECKING:
    from monitor.services.questionnaire_entry import QuestionnaireContext
    from monitor.services.questionnaires import QuestionnaireSaved, ResponseSummary

SCALE = "btn-group scale-picker q-scale"


@dataclass(frozen=True)
class FormIds:
    """One screen's component ids, all under its prefix."""

    prefix: str

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return f"{self.prefix}-{name.replace('_', '-')}"

    @property
    def item_type(self) -> str:
        return f"{self.prefix}-item"

    def item(self, number: int) -> dict[str, Any]:
        return {"type": self.item_type, "item": number}

    def prompt(self, number: int) -> str:
        return f"{self.prefix}-prompt-{number}"


NURSE = FormIds("qf")
PATIENT = FormIds("pm")


def aria(name: str, value: str) -> Any:
    """An aria-* attribute, passed to a Dash component as a keyword."""
    return {f"aria-{name}": value}


def scale_class(*, invalid: bool, large: bool) -> str:
    return SCALE + (" q-large" if large else "") + (" is-invalid" if invalid else "")


def item_rows(form: QuestionnaireForm, ids: FormIds, *, large: bool) -> list[html.Div]:
    """One row per item: its number and words, then its answers, score and anchor."""
    return [
        html.Div(
            [
                html.Div(f"Item {number}: {words}", id=ids.prompt(number), className="q-prompt"),
                html.Div(
                    dbc.RadioItems(
                        id=ids.item(number),
                        options=[
                            {
                                "label": [
                                    html.Span(str(score), className="q-score"),
                                    html.Span(anchor, className="q-anchor"),
                                ],
                                "value": score,
                            }
                            for score, anchor in enumerate(form.anchors)
                        ],
                        inline=True,
                        className=scale_class(invalid=False, large=large),
                        inputClassName="btn-check",
                        labelClassName="btn btn-outline-secondary",
                        labelCheckedClassName="active",
                    ),
                    role="radiogroup",
                    **aria("labelledby", ids.prompt(number)),
                ),
            ],
            className="q-row mb-3",
        )
        for number, words in zip(form.numbers, form.items, strict=True)
    ]


def form_body(form: QuestionnaireForm, ids: FormIds, key: str, *, large: bool) -> html.Div:
    """The questionnaire, its submission key and the bar with the button and the outcome."""
    return html.Div(
        [
            dcc.Store(id=ids.form, data=form.code.value),
            dcc.Store(id=ids.key, data=key),
            html.H2(form.title, className="h4"),
            html.P(form.instructions, className="mb-1"),
            html.P(html.Strong(form.stem), className="q-stem"),
            html.Div(item_rows(form, ids, large=large), className="q-items"),
            html.P(
                [html.Span("Source: "), form.source, " ", form.licence],
                className="small text-body-secondary q-source",
            ),
        ]
    )


def action_bar(ids: FormIds, label: str, *, large: bool) -> html.Div:
    """The submit button and the outcome slot, kept in view at the bottom of the screen."""
    return html.Div(
        [
            html.Div(id=ids.result, role="status", **aria("live", "polite")),
            dbc.Button(
                label,
                id=ids.submit,
                color="primary",
                size="lg",
                className="q-submit" + (" q-large" if large else ""),
            ),
        ],
        id=ids.bar,
        className="q-bar",
    )


def missing_items(error: DomainError) -> set[int]:
    """The items a refusal names (its fields `item_<n>`), to mark on the form."""
    if not isinstance(error, InvalidEntry):
        return set()
    return {
        int(p.field.removeprefix("item_"))
        for p in error.problems
        if p.field.startswith("item_") and p.field.removeprefix("item_").isdigit()
    }


def item_classes(numbers: Sequence[int], marked: Collection[int], *, large: bool) -> list[str]:
    return [scale_class(invalid=n in marked, large=large) for n in numbers]


def saved_message(saved: QuestionnaireSaved, form: QuestionnaireForm) -> Any:
    """The total and its band; a raised safety flag said plainly, for the nurse."""
    done = dbc.Alert(
        f"{form.code.label} saved: total {saved.total} of {form.total_max} ({saved.severity}).",
        color="success",
        className="mb-2",
    )
    if saved.flag_message is None:
        return done
    return html.Div(
        [
            done,
            dbc.Alert(
                [
                    html.Strong("Safety flag raised (high priority). "),
                    saved.flag_message,
                    ". It is on the physicians' board until acknowledged.",
                ],
                color="danger",
                className="mb-2",
            ),
        ]
    )


def refused(error: DomainError | str) -> Any:
    return dbc.Alert(
        error if isinstance(error, str) else in_words(error), color="warning", className="mb-2"
    )


def thanks(text: str) -> Any:
    return dbc.Alert(text, color="success", className="mb-2")


def latest_list(latest: Sequence[ResponseSummary], zone: ZoneInfo) -> Any:
    """The questionnaires already taken this session, newest of each."""
    if not latest:
        return html.P("No questionnaire taken yet this session.", className="text-body-secondary")
    return html.Ul(
        [
            html.Li(
                f"{label_of(Questionnaire, r.questionnaire)}: {r.total} ({r.severity}), "
                f"{label_of(Respondent, r.respondent).lower()} at {_at(r.taken_at, zone)}"
            )
            for r in latest
        ],
        className="mb-2",
    )


def _at(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def header(context: QuestionnaireContext, zone: ZoneInfo) -> Any:
    return html.Div(
        [
            html.H1(f"Questionnaire · {context.patient_name}", className="h3"),
            html.P(f"MRN {context.mrn} · {context.chair}", className="mb-1"),
            latest_list(context.latest, zone),
        ]
    )


def locked_screen() -> html.Div:
    """What the tablet shows once the patient has answered: nothing of the record."""
    return html.Div(
        [
            html.Div("🔒", className="pm-lock-mark", **aria("hidden", "true")),
            html.H1("Thank you", className="h2"),
            html.P(
                "Your answers are saved. Please hand the tablet back to the nurse.",
                className="lead",
            ),
            html.P("This tablet is locked until a member of staff signs in.", className="small"),
            dbc.Button(
                "Staff sign-in", href="/login", color="secondary", size="lg", external_link=True
            ),
        ],
        id="pm-locked",
        className="pm-locked text-center",
    )
