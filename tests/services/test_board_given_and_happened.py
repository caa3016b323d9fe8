"""Every active tile carries a quiet line of what was given and what happened so far (issue
13): each adverse event with its grade and latest outcome, each rescue dose with its clinic
time, latest first, the first few then "+N more". Flagged or not, acknowledged or not: the
flag is the alert, the line is the record at a glance. Two statements for the whole board."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries.board import board_data
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Severity
from monitor.services.board import Tile, TileHappening, board_view, event_words
from monitor.services.early_end import end_session_early
from monitor.ui.board_adverse_events import happened_words
from monitor.ui.board_view import tile_card
from monitor.ui.components import local_time
from tests import factories
from tests import intervention_rows as rows
from tests.factories import T0


@pytest.fixture
def clinic(database: Database, config: Config) -> dict[str, Any]:
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    chairs = config.clinic.chairs
    first = factories.infusing(database, config, nurse, now=T0, chair=chairs[0])
    second = factories.infusing(database, config, nurse, now=T0, chair=chairs[1])
    return {"nurse": nurse, "doc": doc, "first": first, "second": second}


def tile(database: Database, config: Config, doc: Any, sid: int) -> Tile:
    board = board_view(database=database, config=config, actor=doc, now=T0 + timedelta(hours=1))
    return next(t for t in board.tiles if t.session_id == sid)


def at(minutes: float) -> Any:
    return T0 + timedelta(minutes=minutes)


def test_nausea_treated_with_ondansetron_and_resolved_reads_latest_first(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, sid, zone = clinic["nurse"], clinic["first"], config.clinic.zone
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.given(database, nurse, sid, at(7), event_id=nausea)
    rows.outcome(database, nurse, sid, nausea, outcome="resolved", resolved_at=at(20))

    shown = tile(database, config, clinic["doc"], sid)
    assert [h.words for h in shown.happenings] == ["Nausea G1 · resolved", "Ondansetron 4 mg IV"]
    line = happened_words(shown.happenings, zone)
    assert line == f"Nausea G1 · resolved — Ondansetron 4 mg IV {local_time(at(7), zone)}"
    assert tile(database, config, clinic["doc"], clinic["second"]).happenings == ()


def test_the_latest_outcome_stands_and_an_event_without_one_says_so(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, sid = clinic["nurse"], clinic["first"]
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.outcome(database, nurse, sid, nausea, outcome="resolving")
    rows.outcome(database, nurse, sid, nausea, outcome="resolved", resolved_at=at(9))
    rows.adverse_event(
        database, nurse, sid, at(12), kind="headache", kind_label="Headache", severity="moderate"
    )
    words = [h.words for h in tile(database, config, clinic["doc"], sid).happenings]
    assert words == ["Headache G2 · no outcome yet", "Nausea G1 · resolved"]


def test_a_flagged_event_is_on_the_line_too_and_stays_once_acknowledged(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, doc, sid = clinic["nurse"], clinic["doc"], clinic["first"]
    severe = rows.adverse_event(
        database,
        nurse,
        sid,
        at(5),
        kind="respiratory_depression",
        kind_label="Respiratory depression",
        severity="severe",
        serious=True,
    )
    flagged = tile(database, config, doc, sid)
    assert [f.adverse_event_id for f in flagged.adverse_flags] == [severe]
    assert [h.words for h in flagged.happenings] == [
        "Respiratory depression G3 serious · no outcome yet"
    ]

    rows.acknowledge(database, doc, sid, severe, at(6), "Seen")
    seen = tile(database, config, doc, sid)
    assert seen.adverse_flags == ()
    assert seen.happenings == flagged.happenings


def test_the_line_names_three_then_how_many_more(config: Config) -> None:
    zone = config.clinic.zone
    items = [TileHappening(at=at(50 - i), words=f"Event {i} G1 · resolved") for i in range(4)]
    items.append(TileHappening(at=at(1), words="Ondansetron 4 mg IV", given_at=at(1)))
    assert happened_words(items, zone) == (
        "Event 0 G1 · resolved — Event 1 G1 · resolved — Event 2 G1 · resolved +2 more"
    )
    assert happened_words(items[:1], zone) == "Event 0 G1 · resolved"
    assert happened_words([], zone) == ""


@pytest.mark.parametrize(
    ("severity", "serious", "outcome", "words"),
    [
        (Severity.MILD, False, None, "Nausea G1 · no outcome yet"),
        (Severity.MODERATE, False, "resolving", "Nausea G2 · resolving"),
        (Severity.SEVERE, True, "not_resolved", "Nausea G3 serious · not resolved"),
        (
            Severity.LIFE_THREATENING,
            False,
            "resolved_with_sequelae",
            "Nausea G4 · resolved with sequelae",
        ),
    ],
)
def test_event_words(severity: Severity, serious: bool, outcome: str | None, words: str) -> None:
    assert event_words("Nausea", severity, serious, outcome) == words


def test_a_tile_shows_the_line_below_its_alerts_quietly(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, sid, zone = clinic["nurse"], clinic["first"], config.clinic.zone
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.given(database, nurse, sid, at(7), event_id=nausea)
    card = str(tile_card(tile(database, config, clinic["doc"], sid), zone))
    assert "tile-happened small text-body-secondary" in card
    assert card.index("No unacknowledged alerts") < card.index("Ondansetron 4 mg IV")
    assert "alarm" not in card  # nothing here is an alert
    quiet = str(tile_card(tile(database, config, clinic["doc"], clinic["second"]), zone))
    assert "tile-happened" not in quiet


def test_only_active_sessions_are_read(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse = clinic["nurse"]
    ended = factories.session(database, config, nurse, chair=config.clinic.chairs[2])
    rows.adverse_event(database, nurse, ended, T0)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=ended, reason="Declined", now=T0
    )
    kept = rows.adverse_event(database, nurse, clinic["first"], at(1))
    dose = rows.given(database, nurse, clinic["first"], at(2), event_id=kept)
    with database.session_scope() as db:
        data = board_data(db)
    assert [e.id for e in data.session_events] == [kept]
    assert [m.id for m in data.medications] == [dose]


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


def test_the_line_costs_two_statements_for_the_whole_board(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, doc = clinic["nurse"], clinic["doc"]
    with statements(database) as few:
        tile(database, config, doc, clinic["first"])
    for sid in (clinic["first"], clinic["second"], clinic["second"]):
        ae = rows.adverse_event(database, nurse, sid, at(3))
        rows.outcome(database, nurse, sid, ae, outcome="resolving")
        rows.outcome(database, nurse, sid, ae, outcome="resolved", resolved_at=at(9))
        rows.given(database, nurse, sid, at(4), event_id=ae)
        rows.given(database, nurse, sid, at(5), event_id=ae)
    with statements(database) as many:
        tile(database, config, doc, clinic["first"])
    assert len(many) == len(few)
    # One read of the events (their flags and the line both come from it), one of the doses.
    assert sum("FROM adverse_events" in s for s in many) == 1
    assert sum("FROM medication_administrations" in s for s in many) == 1
