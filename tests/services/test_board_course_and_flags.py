"""The board's tile says "Session k of N" and carries an open PHQ-9 item-9 safety flag as a
high alert that escalates like an unacknowledged high excursion (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Priority
from monitor.services.board import board_view
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0


@pytest.fixture
def clinic(database: Database, config: Config) -> dict[str, Any]:
    """Three sessions: one overdue for a reading, one routine, one not yet dosing."""
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    chairs = config.clinic.chairs
    overdue = factories.infusing(
        database, config, nurse, now=T0 - timedelta(minutes=20), chair=chairs[0]
    )
    routine = factories.infusing(database, config, nurse, now=T0, chair=chairs[1])
    waiting = factories.session(database, config, nurse, chair=chairs[2])
    return {"nurse": nurse, "doc": doc, "overdue": overdue, "routine": routine, "waiting": waiting}


def tiles(database: Database, config: Config, doc: Any, minutes: float) -> dict[int | str, Any]:
    board = board_view(
        database=database, config=config, actor=doc, now=T0 + timedelta(minutes=minutes)
    )
    return {t.session_id: t for t in board.tiles} | {"order": [t.session_id for t in board.tiles]}


def test_tile_says_session_k_of_n_and_copes_with_no_plan(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    rows.place_in_course(database, clinic["overdue"], sequence=3, planned=6)
    rows.place_in_course(database, clinic["routine"], sequence=2, planned=None)
    rows.place_in_course(database, clinic["waiting"], sequence=None, planned=None)
    board = tiles(database, config, clinic["doc"], 1)
    assert board[clinic["overdue"]].session_of == "Session 3 of 6"
    assert board[clinic["routine"]].session_of == "Session 2"
    assert board[clinic["waiting"]].session_of is None


def test_open_flag_puts_the_tile_first_and_escalates_like_a_high(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    flag = rows.raise_flag(database, config, clinic["nurse"], clinic["waiting"], T0)
    minutes = config.board.escalate_after_minutes
    early = tiles(database, config, clinic["doc"], minutes - 1)
    late = tiles(database, config, clinic["doc"], minutes)
    assert early["order"][0] == clinic["waiting"]  # before the overdue reading
    (shown,) = early[clinic["waiting"]].safety_flags
    assert shown.flag_id == flag and shown.priority is Priority.HIGH
    assert shown.message == rows.flag_message(database, flag) and not shown.escalated
    assert late[clinic["waiting"]].safety_flags[0].escalated


def test_acknowledged_flag_leaves_the_board(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    flag = rows.raise_flag(database, config, clinic["nurse"], clinic["waiting"], T0)
    rows.acknowledge_flag(database, clinic["doc"], flag, T0 + timedelta(minutes=2), "spoke")
    board = tiles(database, config, clinic["doc"], 3)
    assert board[clinic["waiting"]].safety_flags == ()
    assert board["order"][0] == clinic["overdue"]


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


def test_board_read_is_a_fixed_number_of_statements(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    """Flags and courses add no statement per tile: one read of each table per refresh (a
    tile before dosing adds its pre-dose check, the same few statements whatever it holds)."""
    with statements(database) as few:
        tiles(database, config, clinic["doc"], 1)
    for sid in (clinic["overdue"], clinic["routine"], clinic["waiting"]):
        rows.place_in_course(database, sid, sequence=1, planned=6)
    for _ in range(3):  # questionnaires are taken before dosing: three flags on one session
        rows.raise_flag(database, config, clinic["nurse"], clinic["waiting"], T0)
    with statements(database) as many:
        tiles(database, config, clinic["doc"], 1)
    assert len(many) == len(few)
    # One read of the flags for the whole board, and the before-dosing tile's own pre-dose
    # check (a fixed few statements per tile before dosing, however many flags it holds).
    assert sum("safety_flags" in s for s in many) == sum("safety_flags" in s for s in few)


def test_a_tile_before_dosing_says_what_the_infusion_waits_for(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    from monitor.ui.board_view import tile_card

    nurse, waiting = clinic["nurse"], clinic["waiting"]
    factories.reading(database, config, nurse, waiting, T0, systolic=150, diastolic=95)
    shown = tiles(database, config, clinic["doc"], 1)
    assert shown[waiting].pre_dose_missing == (
        "PHQ-9 has not been taken at this session (it is taken before dosing)",
        "Baseline BP 150/95 is above 140/90: a physician's clearance is needed",
    )
    assert shown[clinic["routine"]].pre_dose_missing == ()  # dosing: nothing waits
    words = str(tile_card(shown[waiting], config.clinic.zone))
    assert "Before dosing, waiting for" in words and "Clear at the bedside" in words

    # An open safety flag is an alert: the tile never says "No unacknowledged alerts" under it.
    factories.questionnaires_before_dosing(database, config, nurse, waiting, T0)
    rows.raise_flag(database, config, nurse, waiting, T0 + timedelta(seconds=30))
    flagged = tiles(database, config, clinic["doc"], 1)[waiting]
    assert flagged.safety_flags and flagged.alert is None
    assert "No unacknowledged alerts" not in str(tile_card(flagged, config.clinic.zone))
