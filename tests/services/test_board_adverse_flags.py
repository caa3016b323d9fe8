"""A flagged adverse event (severe or worse, or serious) on an active session is a high
alert on its board tile: the tile goes first and escalates like an unacknowledged high
excursion, until a physician acknowledges it. One read for the whole board."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession
from monitor.db.queries.board import board_data
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Priority, Severity
from monitor.services.adverse_event_flags import acknowledge_adverse_event
from monitor.services.board import board_view
from monitor.services.early_end import end_session_early
from monitor.ui.board_view import tile_card, tiles
from tests import factories
from tests.adverse_event_rows import adverse_event
from tests.factories import T0


@pytest.fixture
def clinic(database: Database, config: Config) -> dict[str, Any]:
    """Two infusing sessions, one overdue for a reading; one not yet dosing."""
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    chairs = config.clinic.chairs
    overdue = factories.infusing(
        database, config, nurse, now=T0 - timedelta(minutes=20), chair=chairs[0]
    )
    routine = factories.infusing(database, config, nurse, now=T0, chair=chairs[1])
    waiting = factories.session(database, config, nurse, chair=chairs[2])
    return {"nurse": nurse, "doc": doc, "overdue": overdue, "routine": routine, "waiting": waiting}


def shown(database: Database, config: Config, doc: Any, minutes: float) -> dict[Any, Any]:
    board = board_view(
        database=database, config=config, actor=doc, now=T0 + timedelta(minutes=minutes)
    )
    return {t.session_id: t for t in board.tiles} | {"order": [t.session_id for t in board.tiles]}


def test_grade3_event_puts_the_tile_first_as_a_high_that_escalates(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    ae = adverse_event(database, config, clinic["nurse"], clinic["routine"], T0)
    after = config.board.escalate_after_minutes
    early = shown(database, config, clinic["doc"], after - 1)
    late = shown(database, config, clinic["doc"], after)
    assert early["order"][0] == clinic["routine"]  # before the overdue reading
    (flag,) = early[clinic["routine"]].adverse_flags
    assert (flag.adverse_event_id, flag.severity, flag.serious) == (ae, Severity.SEVERE, False)
    assert flag.priority is Priority.HIGH and not flag.escalated
    assert flag.message == "Adverse event: Respiratory depression — Grade 3: severe"
    assert late[clinic["routine"]].adverse_flags[0].escalated

    card = str(tile_card(early[clinic["routine"]], config.clinic.zone))
    assert "tile-high" in card and "alarm-high" in card
    assert "Respiratory depression — Grade 3: severe" in card
    assert "No unacknowledged alerts" not in card
    board = board_view(database=database, config=config, actor=clinic["doc"], now=T0)
    refreshed = tiles(board, config.clinic.zone)
    assert f"ae-{ae}" in refreshed["highs"]  # a new high sounds like one
    (target,) = refreshed["adverse"][str(clinic["routine"])]["events"]
    assert target["id"] == ae


def test_a_serious_moderate_event_flags_and_a_mild_one_does_not(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse = clinic["nurse"]
    adverse_event(database, config, nurse, clinic["routine"], T0, severity=Severity.MILD)
    serious = adverse_event(
        database, config, nurse, clinic["waiting"], T0, severity=Severity.MODERATE, serious=True
    )
    board = shown(database, config, clinic["doc"], 1)
    assert board[clinic["routine"]].adverse_flags == ()
    assert [f.adverse_event_id for f in board[clinic["waiting"]].adverse_flags] == [serious]
    assert board[clinic["waiting"]].adverse_flags[0].message.endswith("Grade 2: moderate, serious")
    assert board["order"][0] == clinic["waiting"]


def test_acknowledged_event_leaves_the_tile(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    ae = adverse_event(database, config, clinic["nurse"], clinic["routine"], T0)
    acknowledge_adverse_event(
        database=database,
        config=config,
        actor=clinic["doc"],
        adverse_event_id=ae,
        note="Seen: oxygen on, recovering",
        submission_key=factories.key(),
        now=T0 + timedelta(minutes=2),
    )
    board = shown(database, config, clinic["doc"], 3)
    assert board[clinic["routine"]].adverse_flags == ()
    assert board["order"][0] == clinic["overdue"]


def test_board_query_reads_only_active_sessions_unacknowledged_events(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse = clinic["nurse"]
    ended = factories.session(database, config, nurse, chair=config.clinic.chairs[3])
    gone = adverse_event(database, config, nurse, ended, T0)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=ended, reason="Declined", now=T0
    )
    first = adverse_event(database, config, nurse, clinic["routine"], T0)
    second = adverse_event(
        database, config, nurse, clinic["routine"], T0 + timedelta(minutes=1), kind="vomiting"
    )
    with database.session_scope() as db:
        assert db.get_one(InfusionSession, ended).state != "infusing"
        data = board_data(db)
    assert [(e.id, e.session_id) for e in data.adverse_events] == [
        (first, clinic["routine"]),
        (second, clinic["routine"]),
    ]
    assert gone not in [e.id for e in data.adverse_events]
    assert data.adverse_events[1].kind_label == "Vomiting"


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def test_adverse_flags_cost_one_statement_for_the_whole_board(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    with statements(database) as few:
        shown(database, config, clinic["doc"], 1)
    for sid in (clinic["overdue"], clinic["routine"], clinic["routine"], clinic["waiting"]):
        adverse_event(database, config, clinic["nurse"], sid, T0)
    with statements(database) as many:
        shown(database, config, clinic["doc"], 1)
    assert len(many) == len(few)
    reads = [s for s in many if "FROM adverse_events" in s]
    assert len(reads) == 1
