"""Course progress: what stops the next session, in words; which session is next; how a
course's status may move; the plan's bounds; the typed name on the consent; follow-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import product

import pytest

from monitor.domain.course import (
    MAX_PLANNED,
    Progress,
    becomes_active,
    follow_up_due,
    missing_for_session,
    next_sequence,
    parse_planned,
    status_change,
    typed_name_matches,
)
from monitor.domain.errors import InvalidEntry
from monitor.domain.screening import Standing
from monitor.domain.vocabulary import CourseStatus

C = CourseStatus
READY = Progress(
    status=C.ACTIVE,
    status_reason=None,
    recorded_before_courses=False,
    screening=Standing.CLEARED,
    screened_on=date(2026, 11, 1),
    consented=True,
    withdrawn_on=None,
    given=2,
    planned=6,
)
NOT_SCREENED = "Screening has not been recorded"
AWAITING = "Screening is awaiting a physician's decision"
NO_CONSENT = "Consent has not been recorded"
ALL_GIVEN = "All 6 planned sessions have been given: a physician extends the plan to open another"


def missing(**changes: object) -> tuple[str, ...]:
    return missing_for_session(replace(READY, **changes), valid_days=30)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ()),
        ({"status": C.SCREENING, "given": 0}, ()),  # the service activates it as it opens
        ({"given": 5}, ()),  # the sixth of six may open
        (
            {"given": 6},
            (ALL_GIVEN,),
        ),
        ({"given": 6, "planned": 8}, ()),  # the plan extended
        ({"screening": Standing.NOT_SCREENED}, (NOT_SCREENED,)),
        ({"screening": Standing.AWAITING_DECISION}, (AWAITING,)),
        ({"screening": Standing.DECLINED}, ("Screening was declined by a physician",)),
        (
            {"screening": Standing.EXPIRED},
            ("Screening of 2026-11-01 has expired (older than 30 days): screen again",),
        ),
        ({"consented": False}, (NO_CONSENT,)),
        (
            {"consented": False, "withdrawn_on": date(2026, 11, 9)},
            ("Consent was withdrawn on 2026-11-09",),
        ),
        (
            {"screening": Standing.AWAITING_DECISION, "consented": False, "given": 6},
            (
                AWAITING,
                NO_CONSENT,
                ALL_GIVEN,
            ),
        ),
        (
            {"status": C.STOPPED, "status_reason": "Consent withdrawn: moving away"},
            ("This course was stopped: Consent withdrawn: moving away",),
        ),
        (
            {"status": C.COMPLETED},
            ("This course is completed: start a new course for more sessions",),
        ),
        (
            {"recorded_before_courses": True},
            (
                "This course was recorded before courses existed and has no screening or "
                "consent here: complete it and start a new course",
            ),
        ),
    ],
)
def test_what_stops_the_next_session(changes: dict[str, object], expected: tuple[str, ...]) -> None:
    assert missing(**changes) == expected


def test_the_next_session_is_numbered_after_those_given() -> None:
    assert [next_sequence(given) for given in (0, 1, 5)] == [1, 2, 6]


@pytest.mark.parametrize(
    ("status", "screening", "consented"),
    list(product(C, Standing, (True, False))),
)
def test_a_course_turns_active_only_from_screening_cleared_and_consented(
    status: CourseStatus, screening: Standing, consented: bool
) -> None:
    expected = status is C.SCREENING and screening is Standing.CLEARED and consented
    assert becomes_active(status, screening, consented) is expected


# (current, wanted) a person may ask for -> the status it moves to; every other pair refused.
ALLOWED = {
    (C.ACTIVE, C.COMPLETED): C.COMPLETED,
    (C.ACTIVE, C.STOPPED): C.STOPPED,
    (C.SCREENING, C.STOPPED): C.STOPPED,
}


@pytest.mark.parametrize(("current", "wanted"), list(product(C, C)))
def test_every_status_change(current: CourseStatus, wanted: CourseStatus) -> None:
    if (current, wanted) in ALLOWED:
        assert status_change(current, wanted) is ALLOWED[(current, wanted)]
    else:
        with pytest.raises(InvalidEntry) as refused:
            status_change(current, wanted)
        assert refused.value.problems[0].field == "status"


def test_status_changes_are_refused_in_words() -> None:
    def words(current: CourseStatus, wanted: str) -> str:
        with pytest.raises(InvalidEntry) as refused:
            status_change(current, wanted)
        return refused.value.problems[0].message

    assert words(C.STOPPED, "completed") == "This course is already stopped"
    assert words(C.SCREENING, "completed") == (
        "A course still in screening has no sessions to complete: stop it instead"
    )
    assert words(C.SCREENING, "active").startswith("A course becomes active by itself")
    assert words(C.ACTIVE, "paused") == "Choose completed or stopped"


@pytest.mark.parametrize(
    ("entered", "given", "expected"),
    [
        (None, 0, 6),
        ("", 0, 6),
        ("  ", 0, 6),
        (1, 0, 1),
        ("8", 0, 8),
        (" 12 ", 0, 12),
        (MAX_PLANNED, 0, MAX_PLANNED),
        (6.0, 0, 6),
        (4, 4, 4),
    ],
)
def test_planned_sessions_accepted(entered: int | str | None, given: int, expected: int) -> None:
    assert parse_planned(entered, default=6, given=given) == expected


@pytest.mark.parametrize(
    ("entered", "given", "message"),
    [
        (0, 0, "from 1 to 50"),
        (MAX_PLANNED + 1, 0, "from 1 to 50"),
        (-3, 0, "from 1 to 50"),
        ("six", 0, "from 1 to 50"),
        ("6.5", 0, "from 1 to 50"),
        (6.5, 0, "from 1 to 50"),
        (True, 0, "whole number"),
        (3, 4, "4 sessions have already been given: plan at least 4"),
    ],
)
def test_planned_sessions_refused(entered: object, given: int, message: str) -> None:
    with pytest.raises(InvalidEntry, match=message) as refused:
        parse_planned(entered, default=6, given=given)  # type: ignore[arg-type]
    assert refused.value.problems[0].field == "planned_sessions"


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("Jane Doe", True),
        ("jane doe", True),
        ("  DOE,   Jane ", True),
        ("Doe Jane.", True),
        ("Jane Marie Doe", False),  # a name not registered
        ("Jane", False),
        ("J. Doe", False),
        ("Janet Doe", False),
        ("", False),
        ("...", False),
    ],
)
def test_the_typed_name_is_the_registered_name(typed: str, matches: bool) -> None:
    assert typed_name_matches(typed, given_name="Jane", family_name="Doe") is matches


def test_accents_and_double_names_are_kept() -> None:
    assert typed_name_matches("josé garcía-lópez", given_name="José", family_name="García-López")
    assert not typed_name_matches(
        "Jose Garcia-Lopez", given_name="José", family_name="García-López"
    )


def test_follow_up_is_due_after_the_last_session() -> None:
    assert follow_up_due(date(2026, 11, 20), 28) == date(2026, 12, 18)
    assert follow_up_due(None, 28) is None
