"""The vocabulary is complete wherever it is used: every member has its label, its value in
the database's CHECK constraint, its colour in each screen's colour map and its words in
each word map keyed by its enum.

Adding a member (a state, an action, a priority) is one edit in monitor/domain/vocabulary.py;
these tests then name every other place that must learn it, one failure per place."""

from __future__ import annotations

import importlib
import re
from collections.abc import Collection, Mapping
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint

from monitor.db.base import Base
from monitor.db.models import ACTIVE_SESSION, ACTIVE_SESSION_STATES
from monitor.domain.alarm_display import MEASURE_GROUPS
from monitor.domain.permissions import Role
from monitor.domain.session_state import ACTIVE_STATES, FINAL_STATES
from monitor.domain.vocabulary import (
    LABELS,
    VOCABULARY,
    AcknowledgementAction,
    AdverseEventOutcome,
    CourseStatus,
    ExitKind,
    Indication,
    InfusionEvent,
    KetamineBalance,
    Measure,
    MedicationRoute,
    Phase,
    PreDoseConcern,
    Priority,
    Questionnaire,
    Respondent,
    SafetyFlagKind,
    ScreeningAnswer,
    ScreeningDecision,
    SessionEvent,
    SessionState,
    Severity,
    Sex,
    SignatureMeaning,
    Worded,
)

# Each stored word's column, held to its enum by a CHECK constraint.
CHECKED_COLUMNS: tuple[tuple[str, str, type[StrEnum]], ...] = (
    ("users", "role", Role),
    ("sessions", "state", SessionState),
    ("sessions", "exit_kind", ExitKind),
    ("readings", "phase", Phase),
    ("infusion_events", "kind", InfusionEvent),
    ("excursions", "priority", Priority),
    ("acknowledgements", "action", AcknowledgementAction),
    ("signatures", "meaning", SignatureMeaning),
    ("patients", "sex", Sex),
    ("courses", "indication", Indication),
    ("courses", "status", CourseStatus),
    ("screening_decisions", "decision", ScreeningDecision),
    ("questionnaire_responses", "questionnaire", Questionnaire),
    ("questionnaire_responses", "respondent", Respondent),
    ("pre_dose_clearances", "concern", PreDoseConcern),
    ("safety_flags", "kind", SafetyFlagKind),
    ("safety_flags", "priority", Priority),
    ("adverse_events", "severity", Severity),
    ("adverse_event_outcomes", "outcome", AdverseEventOutcome),
    ("medication_orders", "route", MedicationRoute),
    ("medication_administrations", "route", MedicationRoute),
)
# The vocabulary's enums with no CHECK constraint of their own, and why: a new enum must be
# put in one list or the other.
NOT_CHECKED: Mapping[type[Worded], str] = {
    # Session events are moves of the state machine; the state they lead to is stored.
    SessionEvent: "not stored: the state it leads to is",
    # A measure is stored with each excursion and addendum as the rule or field named it.
    Measure: "stored as configured (excursion rules, addenda fields)",
    # Each answer is kept inside the screening's JSON, beside its item's words and source.
    ScreeningAnswer: "stored inside screenings.answers (JSON), checked by the service",
    # Computed from the ketamine record each time it is read, never stored.
    KetamineBalance: "not stored: the domain computes it from the ketamine record",
}

# Each screen's colour for each member: (import path of the map, the enum it colours).
COLOUR_MAPS: tuple[tuple[str, type[StrEnum]], ...] = (
    ("monitor.ui.figures.PRIORITY_COLOURS", Priority),
    ("monitor.reports.record_chart.PRIORITY_INK", Priority),
    ("monitor.ui.bedside.words.STATE_COLOURS", SessionState),
)
# Word maps keyed by the vocabulary: (import path, the members it must name).
WORD_MAPS: tuple[tuple[str, Collection[StrEnum]], ...] = (
    ("monitor.domain.vocabulary.UNITS", tuple(Measure)),
    (
        "monitor.domain.alarm_display.GROUP_NAMES",
        tuple(m for m in Measure if m not in MEASURE_GROUPS),
    ),
    ("monitor.domain.excursions.PRIORITY_MARKS", tuple(Priority)),
    ("monitor.domain.excursions.PRIORITY_RANK", tuple(Priority)),
    ("monitor.ui.components.ACTION_WORDS", tuple(AcknowledgementAction)),
    ("monitor.ui.board_view.STATE_WORDS", ACTIVE_STATES),
    ("monitor.reports.discharge_pdf.EXIT_WORDS", FINAL_STATES),
    ("monitor.ui.bedside.words.STATE_WORDS", tuple(SessionState)),
    ("monitor.ui.bedside.words.EVENT_WORDS", tuple(InfusionEvent)),
)


def _imported(path: str) -> Mapping[object, object]:
    module, _, name = path.rpartition(".")
    found: Mapping[object, object] = getattr(importlib.import_module(module), name)
    return found


def _missing(mapping: Mapping[object, object], members: Collection[StrEnum]) -> list[str]:
    return [member.value for member in members if member not in mapping]


def _checked_values(table: str, column: str) -> set[str] | None:
    """The values the models' CHECK constraint on this column allows (None: no constraint)."""
    for constraint in Base.metadata.tables[table].constraints:
        text = str(constraint.sqltext) if isinstance(constraint, CheckConstraint) else ""
        if text.startswith(f"{column} IN ("):
            return set(re.findall(r"'([^']*)'", text))
    return None


@pytest.mark.parametrize("vocabulary", VOCABULARY, ids=lambda v: v.__name__)
def test_every_member_has_a_label(vocabulary: type[Worded]) -> None:
    unlabelled = [m.value for m in vocabulary if not LABELS[vocabulary].get(m)]
    assert unlabelled == [], f"{vocabulary.__name__} members with no label: {unlabelled}"


@pytest.mark.parametrize("vocabulary", VOCABULARY, ids=lambda v: v.__name__)
def test_every_stored_vocabulary_has_a_check_constraint(vocabulary: type[Worded]) -> None:
    checked = {enum for _, _, enum in CHECKED_COLUMNS}
    assert vocabulary in checked or vocabulary in NOT_CHECKED, (
        f"{vocabulary.__name__} is stored under no CHECK constraint: add it to "
        "CHECKED_COLUMNS (and the models, and a revision), or to NOT_CHECKED saying why"
    )


@pytest.mark.parametrize(
    ("table", "column", "vocabulary"),
    CHECKED_COLUMNS,
    ids=[f"{table}.{column}" for table, column, _ in CHECKED_COLUMNS],
)
def test_the_check_constraint_allows_exactly_the_members(
    table: str, column: str, vocabulary: type[StrEnum]
) -> None:
    allowed = _checked_values(table, column)
    assert allowed is not None, f"{table}.{column} has no CHECK constraint in the models"
    members = {m.value for m in vocabulary}
    assert sorted(members - allowed) == [], (
        f"{table}.{column}: the CHECK constraint refuses {sorted(members - allowed)}"
    )
    assert sorted(allowed - members) == [], (
        f"{table}.{column}: the CHECK constraint allows {sorted(allowed - members)}, "
        f"which {vocabulary.__name__} no longer has"
    )


def test_the_live_session_clause_reads_as_migration_0003_wrote_it() -> None:
    # The partial unique indexes (one live session per chair and per patient) were created
    # with this text; the queries must filter with the very same text to use them.
    assert str(ACTIVE_SESSION) == (
        "state IN ('planned', 'baseline', 'infusing', 'paused', 'recovery')"
    )
    assert set(ACTIVE_SESSION_STATES) == ACTIVE_STATES


@pytest.mark.parametrize(("path", "vocabulary"), COLOUR_MAPS, ids=[p for p, _ in COLOUR_MAPS])
def test_every_member_has_a_colour(path: str, vocabulary: type[StrEnum]) -> None:
    missing = _missing(_imported(path), tuple(vocabulary))
    assert missing == [], f"{path} has no colour for {missing}"


@pytest.mark.parametrize(("path", "members"), WORD_MAPS, ids=[p for p, _ in WORD_MAPS])
def test_every_word_map_names_every_member(path: str, members: Collection[StrEnum]) -> None:
    missing = _missing(_imported(path), members)
    assert missing == [], f"{path} has no words for {missing}"
