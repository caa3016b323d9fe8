"""The config of the clinic around the chair: the treatment course, the screening checklist,
the consent form and the symptom measures (docs/clinical.md "The treatment course")."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.domain.vocabulary import Questionnaire

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Course(_Strict):
    """How a course is planned and followed up."""

    # Feder et al. 2021: six infusions over two weeks.
    planned_sessions: int = Field(default=6, ge=1, le=50)
    # The follow-up visit is due this many days after the course's last session.
    follow_up_days: int = Field(default=28, ge=1, le=365)


class ScreeningItem(_Strict):
    """One contraindication the nurse asks about, with its published source."""

    code: str
    label: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=300)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE.match(value):
            raise ValueError("a code is 2-40 lowercase letters, digits or underscores")
        return value


class Screening(_Strict):
    """The checklist answered before a course's first infusion, and how long it holds."""

    # A cleared screening older than this must be repeated before the first session opens.
    valid_days: int = Field(default=30, ge=1, le=365)
    checklist: list[ScreeningItem] = Field(min_length=1)

    @field_validator("checklist")
    @classmethod
    def _unique_codes(cls, value: list[ScreeningItem]) -> list[ScreeningItem]:
        codes = [item.code for item in value]
        if len(set(codes)) != len(codes):
            raise ValueError("screening item codes must be unique")
        return value


class ConsentForm(_Strict):
    """The consent form the patient signs, by title and version."""

    form_title: str = Field(min_length=1, max_length=200)
    form_version: str = Field(min_length=1, max_length=32)


class Measurement(_Strict):
    """Measurement-based care: when a course counts as a response or a remission."""

    # Response: the total fell by at least this percentage from the course's first score.
    response_drop_percent: float = Field(default=50, gt=0, le=100)
    # Remission: a total below these.
    phq9_remission_below: int = Field(default=5, ge=1, le=27)
    pcl5_remission_below: int = Field(default=33, ge=1, le=80)
    # Taken at every session before the infusion may start (the pre-dose check refuses
    # START until each is on the record).
    required_before_dosing: tuple[Questionnaire, ...] = (Questionnaire.PHQ9,)

    @field_validator("required_before_dosing")
    @classmethod
    def _unique(cls, value: tuple[Questionnaire, ...]) -> tuple[Questionnaire, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each questionnaire at most once")
        return value
