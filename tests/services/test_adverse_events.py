"""Adverse events and their outcomes as services (SQLite and PostgreSQL): stored once per
key, a key reused with other values is a Conflict, each write audited with its values in
its transaction, a locked record refused (an addendum instead), the auditor and the admin
refused, and every bad field named at the field with nothing stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEvent, AdverseEventOutcomeEntry
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import AdverseEventOutcome, Severity
from monitor.services.adverse_events import adverse_events_of, excursion_choices, record_outcome
from monitor.services.early_end import end_session_early
from monitor.services.errors import Conflict, IllegalTransition, InvalidEntry, PermissionDenied
from monitor.services.session_record import found_record, rems_of
from tests import factories
from tests.adverse_event_data import adverse_event, outcome

T0 = factories.T0
LATER = T0 + timedelta(minutes=10)


def count(database: Database, model: Any) -> int:
    with database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def audits(database: Database, action: str) -> list[AuditEvent]:
    with database.session_scope() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_recorded_once_listed_and_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    first = adverse_event(
        database, config, nurse, sid, now=LATER, key=key, action_taken="  Reassured  "
    )
    again = adverse_event(
        database,
        config,
        nurse,
        sid,
        now=LATER + timedelta(seconds=3),
        key=key,
        action_taken="Reassured",
    )
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.adverse_event_id == first.adverse_event_id
    assert count(database, AdverseEvent) == 1

    (shown,) = adverse_events_of(database, sid)
    assert (shown.kind, shown.kind_label, shown.severity) == ("nausea", "Nausea", Severity.MILD)
    assert (shown.action_taken, shown.entered_by, shown.outcome) == (
        "Reassured",
        nurse.full_name,
        None,
    )
    assert not shown.closed and not shown.acknowledged
    (entry,) = audits(database, "adverse_event.recorded")
    assert entry.session_id == sid and entry.entity_id == first.adverse_event_id
    assert entry.actor_id == nurse.id
    assert entry.new_values == {
        "kind": "nausea",
        "kind_label": "Nausea",
        "severity": "mild",
        "onset_at": T0.isoformat(),
        "action_taken": "Reassured",
        "note": None,
        "serious": False,
        "excursion_id": None,
    }


def test_same_key_other_values_or_other_person_is_a_conflict(
    database: Database, config: Config
) -> None:
    nurse, other = factories.user(database), factories.user(database)
    sid = factories.infusing(database, config, nurse)
    key = factories.key()
    adverse_event(database, config, nurse, sid, now=LATER, key=key)
    with pytest.raises(Conflict, match="other values"):
        adverse_event(database, config, nurse, sid, now=LATER, key=key, severity="moderate")
    with pytest.raises(Conflict, match="another user"):
        adverse_event(database, config, other, sid, now=LATER, key=key)
    assert count(database, AdverseEvent) == 1


def test_outcome_resolves_once_and_is_audited(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)
    event = adverse_event(database, config, nurse, sid, now=LATER)
    outcome(
        database,
        config,
        nurse,
        event.adverse_event_id,
        now=LATER,
        outcome="resolving",
        resolved_at=None,
    )
    key = factories.key()
    done = outcome(database, config, nurse, event.adverse_event_id, now=LATER, key=key, note="ok")
    assert outcome(
        database, config, nurse, event.adverse_event_id, now=LATER, key=key, note="ok"
    ).duplicate
    with pytest.raises(Conflict):
        outcome(database, config, nurse, event.adverse_event_id, now=LATER, key=key, note="no")
    assert count(database, AdverseEventOutcomeEntry) == 2
    (shown,) = adverse_events_of(database, sid)
    assert (shown.outcome, shown.resolved_at, shown.outcome_note) == (
        AdverseEventOutcome.RESOLVED,
        LATER,
        "ok",
    )
    assert shown.closed
    entries = audits(database, "adverse_event.outcome_recorded")
    assert [e.new_values["outcome"] for e in entries if e.new_values] == ["resolving", "resolved"]
    assert entries[1].entity_id == done.outcome_id
    assert entries[1].new_values == {
        "adverse_event_id": event.adverse_event_id,
        "outcome": "resolved",
        "resolved_at": LATER.isoformat(),
        "note": "ok",
    }


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"kind": "hiccups"}, {"kind"}),
        ({"kind": None, "severity": "grade 9"}, {"kind", "severity"}),
        ({"kind": "other"}, {"note"}),  # "Other" says what in the note
        ({"kind": "other", "note": "   "}, {"note"}),
        ({"onset_at": None}, {"onset_at"}),
        ({"onset_at": T0.replace(tzinfo=None)}, {"onset_at"}),
        ({"onset_at": LATER + timedelta(minutes=3)}, {"onset_at"}),  # the future
        ({"onset_at": T0 - timedelta(hours=2)}, {"onset_at"}),  # before the session opened
        ({"note": "x" * 2001}, {"note"}),
        ({"note": "bad\x00"}, {"note"}),
        ({"action_taken": "\udcff"}, {"action_taken"}),
        ({"action_taken": 12}, {"action_taken"}),
        ({"excursion_id": 999}, {"excursion_id"}),
        ({"excursion_id": "1"}, {"excursion_id"}),
    ],
)
def test_bad_fields_named_nothing_stored(
    database: Database, config: Config, changes: dict[str, Any], fields: set[str]
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry) as error:
        adverse_event(database, config, nurse, sid, now=LATER, **changes)
    assert {p.field for p in error.value.problems} == fields
    assert count(database, AdverseEvent) == 0 and not audits(database, "adverse_event.recorded")


def test_excursion_must_be_this_sessions(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    other = factories.infusing(database, config, nurse, chair=config.clinic.chairs[1])
    high = factories.reading(database, config, nurse, other, LATER, systolic=185, diastolic=95)
    assert high.flags
    (theirs,) = [c.id for c in excursion_choices(database, other)][:1]
    with pytest.raises(InvalidEntry) as error:
        adverse_event(database, config, nurse, sid, now=LATER, excursion_id=theirs)
    assert error.value.problems[0].field == "excursion_id"
    saved = adverse_event(
        database,
        config,
        nurse,
        other,
        now=LATER,
        kind="symptomatic_hypertension",
        severity="severe",
        excursion_id=theirs,
    )
    assert adverse_events_of(database, other)[0].excursion_id == theirs
    assert saved.adverse_event_id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "better"}, "outcome"),
        ({"outcome": "resolved_with_sequelae", "resolved_at": None}, "resolved_at"),
        ({"resolved_at": T0 - timedelta(minutes=1)}, "resolved_at"),  # before the onset
        ({"resolved_at": LATER + timedelta(minutes=5)}, "resolved_at"),  # the future
        ({"resolved_at": LATER.replace(tzinfo=None)}, "resolved_at"),
        ({"note": "\x00"}, "outcome_note"),
    ],
)
def test_bad_outcomes_named_nothing_stored(
    database: Database, config: Config, changes: dict[str, Any], field: str
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    event = adverse_event(database, config, nurse, sid, now=LATER)
    values: dict[str, Any] = {"outcome": "resolved", "resolved_at": LATER, "note": None}
    values.update(changes)
    with pytest.raises(InvalidEntry) as error:
        record_outcome(
            database=database,
            config=config,
            actor=nurse,
            adverse_event_id=event.adverse_event_id,
            idempotency_key=factories.key(),
            now=LATER,
            **values,
        )
    assert [p.field for p in error.value.problems] == [field]
    assert count(database, AdverseEventOutcomeEntry) == 0


def test_a_locked_record_takes_neither_event_nor_outcome(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0 - timedelta(minutes=20))
    event = adverse_event(database, config, nurse, sid, now=T0, onset_at=T0)
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="declined",
        now=T0 + timedelta(minutes=1),
    )
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        adverse_event(database, config, nurse, sid, now=LATER)
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        outcome(database, config, nurse, event.adverse_event_id, now=LATER)
    assert count(database, AdverseEvent) == 1 and count(database, AdverseEventOutcomeEntry) == 0


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN])
def test_only_nurses_and_physicians_record(database: Database, config: Config, role: Role) -> None:
    nurse = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    event = adverse_event(database, config, doctor, sid, now=LATER)  # a physician may
    someone = factories.user(database, role)
    with pytest.raises(PermissionDenied):
        adverse_event(database, config, someone, sid, now=LATER)
    with pytest.raises(PermissionDenied):
        outcome(database, config, someone, event.adverse_event_id, now=LATER)
    assert count(database, AdverseEvent) == 1


def test_rems_answer_from_the_sessions_events(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)

    def rems() -> Any:
        with database.session_scope() as db:
            return rems_of(db, config, found_record(db, sid))

    assert (rems().serious_adverse_event, rems().serious_adverse_events) == (False, ())
    adverse_event(database, config, nurse, sid, now=LATER)  # mild nausea: still no
    assert rems().serious_adverse_event is False
    adverse_event(database, config, nurse, sid, now=LATER, kind="vomiting", severity="severe")
    assert (rems().serious_adverse_event, rems().serious_adverse_events) == (
        True,
        ("Vomiting (Grade 3: severe)",),
    )


def test_values_of_any_shape_are_refused_at_their_field(database: Database, config: Config) -> None:
    """A tablet may post a list or a number where a word belongs (found by the fuzzing: an
    unhashable grade was a 500)."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry) as error:
        adverse_event(database, config, nurse, sid, now=LATER, kind=[], severity=[])
    assert {p.field for p in error.value.problems} == {"kind", "severity"}
    event = adverse_event(database, config, nurse, sid, now=LATER)
    with pytest.raises(InvalidEntry) as error:
        outcome(database, config, nurse, event.adverse_event_id, now=LATER, outcome=[])  # type: ignore[arg-type]
    assert error.value.problems[0].field == "outcome"
