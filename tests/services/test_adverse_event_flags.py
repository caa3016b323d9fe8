"""A severe, life-threatening or serious adverse event is a flag a physician acknowledges,
once, with a note; a mild one raises none; a locked record takes no acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import AdverseEventAcknowledgement
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Severity
from monitor.services.adverse_event_flags import (
    acknowledge_adverse_event,
    flag_message,
    open_adverse_flags,
)
from monitor.services.early_end import end_session_early
from monitor.services.errors import (
    Conflict,
    IllegalTransition,
    InvalidEntry,
    NotFound,
    PermissionDenied,
)
from tests import factories
from tests.adverse_event_rows import adverse_event
from tests.factories import T0


@pytest.fixture
def ward(database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse, now=T0)
    return {"nurse": nurse, "doc": doc, "sid": sid}


def ack(database: Database, config: Config, actor: Any, event_id: int, **kw: Any) -> Any:
    values: dict[str, Any] = {"note": None, "submission_key": factories.key()} | kw
    return acknowledge_adverse_event(
        database=database,
        config=config,
        actor=actor,
        adverse_event_id=event_id,
        now=values.pop("now", T0 + timedelta(minutes=5)),
        **values,
    )


def count(database: Database) -> int:
    with database.session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(AdverseEventAcknowledgement)) or 0)


@pytest.mark.parametrize(
    ("severity", "serious", "flagged"),
    [
        (Severity.MILD, False, False),
        (Severity.MODERATE, False, False),
        (Severity.MODERATE, True, True),
        (Severity.SEVERE, False, True),
        (Severity.LIFE_THREATENING, False, True),
    ],
)
def test_open_flags_are_the_severe_or_serious_events(
    database: Database,
    config: Config,
    ward: dict[str, Any],
    severity: Severity,
    serious: bool,
    flagged: bool,
) -> None:
    at = T0 + timedelta(minutes=1)
    event = adverse_event(
        database, config, ward["nurse"], ward["sid"], at, severity=severity, serious=serious
    )
    shown = open_adverse_flags(database, ward["sid"], config)
    assert [f.adverse_event_id for f in shown] == ([event] if flagged else [])
    if flagged:
        assert shown[0].severity is severity and shown[0].onset_at == at


def test_flag_words_name_the_kind_the_grade_and_seriousness() -> None:
    assert (
        flag_message("Nausea", Severity.SEVERE, False) == "Adverse event: Nausea — Grade 3: severe"
    )
    assert (
        flag_message("Vomiting", Severity.MODERATE, True)
        == "Adverse event: Vomiting — Grade 2: moderate, serious"
    )


def test_physician_acknowledges_once_with_a_note_and_it_is_audited(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    event = adverse_event(database, config, ward["nurse"], ward["sid"], T0 + timedelta(minutes=1))
    key = factories.key()
    done = ack(
        database,
        config,
        ward["doc"],
        event,
        note="  Bagged, SpO2 back to 96%  ",
        submission_key=key,
    )
    assert not done.duplicate and done.adverse_event_id == event
    again = ack(
        database, config, ward["doc"], event, note="Bagged, SpO2 back to 96%", submission_key=key
    )
    assert again.duplicate and again.acknowledgement_id == done.acknowledgement_id
    assert open_adverse_flags(database, ward["sid"], config) == ()
    assert count(database) == 1
    with database.session_scope() as db:
        row = db.get_one(AdverseEventAcknowledgement, done.acknowledgement_id)
        assert (row.note, row.acknowledged_by, row.session_id) == (
            "Bagged, SpO2 back to 96%",
            ward["doc"].id,
            ward["sid"],
        )
        audit = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "adverse_event.acknowledged")
        ).one()
    assert (audit.entity_type, audit.entity_id) == ("adverse_event", event)
    assert audit.actor_id == ward["doc"].id and audit.session_id == ward["sid"]
    assert audit.new_values is not None and audit.new_values["severity"] == "severe"


def test_same_key_other_note_or_other_person_is_a_conflict(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    event = adverse_event(database, config, ward["nurse"], ward["sid"], T0 + timedelta(minutes=1))
    key = factories.key()
    ack(database, config, ward["doc"], event, note="seen", submission_key=key)
    with pytest.raises(Conflict):
        ack(database, config, ward["doc"], event, note="seen, oxygen on", submission_key=key)
    with pytest.raises(Conflict):
        ack(
            database,
            config,
            factories.user(database, Role.PHYSICIAN),
            event,
            note="seen",
            submission_key=key,
        )
    assert count(database) == 1


def test_already_acknowledged_by_another_physician_names_them(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    event = adverse_event(database, config, ward["nurse"], ward["sid"], T0 + timedelta(minutes=1))
    ack(database, config, ward["doc"], event)
    with pytest.raises(Conflict, match=f"Already acknowledged by {ward['doc'].full_name}"):
        ack(database, config, factories.user(database, Role.PHYSICIAN), event)
    assert count(database) == 1


def test_only_a_physician_acknowledges(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    event = adverse_event(database, config, ward["nurse"], ward["sid"], T0 + timedelta(minutes=1))
    for role in (Role.NURSE, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            ack(database, config, factories.user(database, role), event)
    assert count(database) == 0


def test_an_event_that_raises_no_flag_is_refused(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    mild = adverse_event(
        database, config, ward["nurse"], ward["sid"], T0, kind="nausea", severity=Severity.MILD
    )
    with pytest.raises(IllegalTransition, match="nausea is grade 1: mild and not serious"):
        ack(database, config, ward["doc"], mild)
    assert count(database) == 0


def test_bad_note_key_or_event_is_refused_and_nothing_stored(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    event = adverse_event(database, config, ward["nurse"], ward["sid"], T0 + timedelta(minutes=1))
    with pytest.raises(InvalidEntry):
        ack(database, config, ward["doc"], event, note="x" * 2001)
    with pytest.raises(InvalidEntry):
        ack(database, config, ward["doc"], event, submission_key="short")
    with pytest.raises(NotFound):
        ack(database, config, ward["doc"], event + 99)
    assert count(database) == 0


def test_a_locked_record_takes_no_acknowledgement(
    database: Database, config: Config, ward: dict[str, Any]
) -> None:
    nurse, doc = ward["nurse"], ward["doc"]
    sid = factories.session(
        database, config, nurse, chair=config.clinic.chairs[1], now=T0 - timedelta(minutes=5)
    )
    event = adverse_event(database, config, nurse, sid, T0, kind="anxiety_emergence")
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="Patient declined",
        now=T0 + timedelta(minutes=1),
    )
    with pytest.raises(IllegalTransition, match="addendum"):
        ack(database, config, doc, event)
    assert count(database) == 0
