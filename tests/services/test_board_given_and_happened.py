"""Every active tile carries quiet lines of what happened and what was given so far (issue
13): the adverse events with their grade and latest outcome, latest onset first, the first
few then "+N more events"; and every drug given, repeated doses of one drug by one route
grouped with their count, total and latest clinic time — never cut. Flagged or not,
acknowledged or not: the flag is the alert, the line is the record at a glance. Two
statements for the whole board."""

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
from monitor.services.board import (
    Tile,
    TileEvent,
    TileGiven,
    TileHappenings,
    board_view,
    event_words,
)
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


def test_nausea_treated_with_ondansetron_and_resolved_reads_event_then_dose(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, sid, zone = clinic["nurse"], clinic["first"], config.clinic.zone
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.given(database, nurse, sid, at(7), event_id=nausea)
    rows.outcome(database, nurse, sid, nausea, outcome="resolved", resolved_at=at(20))

    shown = tile(database, config, clinic["doc"], sid)
    assert [e.words for e in shown.happenings.events] == ["Nausea G1 · resolved"]
    assert [g.words for g in shown.happenings.given] == ["Ondansetron 4 mg IV"]
    line = happened_words(shown.happenings, zone)
    assert line == (
        f"Events: Nausea G1 · resolved — Given: Ondansetron 4 mg IV {local_time(at(7), zone)}"
    )
    assert not tile(database, config, clinic["doc"], clinic["second"]).happenings


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
    words = [e.words for e in tile(database, config, clinic["doc"], sid).happenings.events]
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
    assert [e.words for e in flagged.happenings.events] == [
        "Respiratory depression G3 serious · no outcome yet"
    ]

    rows.acknowledge(database, doc, sid, severe, at(6), "Seen")
    seen = tile(database, config, doc, sid)
    assert seen.adverse_flags == ()
    assert seen.happenings == flagged.happenings


def test_the_line_names_three_events_then_how_many_more_but_every_drug(config: Config) -> None:
    zone = config.clinic.zone
    events = tuple(
        TileEvent(onset_at=at(50 - i), words=f"Event {i} G1 · resolved") for i in range(5)
    )
    given = tuple(
        TileGiven(drug_name=f"Drug {i}", unit="mg", route="iv", doses=(1,), latest_at=at(i))
        for i in range(5)
    )
    every = "; ".join(f"Drug {i} 1 mg IV {local_time(at(i), zone)}" for i in range(5))
    line = happened_words(TileHappenings(events=events, given=given), zone)
    assert line.startswith(
        "Events: Event 0 G1 · resolved; Event 1 G1 · resolved; Event 2 G1 · resolved"
        " +2 more events — Given: "
    )
    assert line.endswith(every)  # every drug, in the order of its latest dose
    assert happened_words(TileHappenings(events=events[:1]), zone) == (
        "Events: Event 0 G1 · resolved"
    )
    assert happened_words(TileHappenings(given=given[:1]), zone) == (
        f"Given: Drug 0 1 mg IV {local_time(at(0), zone)}"
    )
    assert happened_words(TileHappenings(), zone) == ""


@pytest.mark.parametrize(
    ("doses", "words"),
    [
        ((4.0,), "Ondansetron 4 mg IV"),
        ((4.0, 4.0), "Ondansetron 4 mg IV ×2 (8 mg)"),
        ((4.0, 8.0, 4.0), "Ondansetron 4 + 8 + 4 mg IV ×3 (16 mg)"),
        ((0.1, 0.2), "Ondansetron 0.1 + 0.2 mg IV ×2 (0.3 mg)"),
    ],
)
def test_repeated_doses_of_one_drug_read_with_their_count_and_total(
    doses: tuple[float, ...], words: str
) -> None:
    given = TileGiven(drug_name="Ondansetron", unit="mg", route="iv", doses=doses, latest_at=T0)
    assert given.words == words


def test_one_drug_by_two_routes_is_two_groups(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    nurse, sid = clinic["nurse"], clinic["first"]
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.given(database, nurse, sid, at(6), event_id=nausea)
    rows.given(database, nurse, sid, at(8), route="odt", strength="4 mg ODT", event_id=nausea)
    rows.given(database, nurse, sid, at(9), event_id=nausea)
    given = tile(database, config, clinic["doc"], sid).happenings.given
    assert [(g.words, g.latest_at) for g in given] == [
        ("Ondansetron 4 mg ODT (dissolves on the tongue)", at(8)),
        ("Ondansetron 4 mg IV ×2 (8 mg)", at(9)),
    ]


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
    assert card.index("tile-events") < card.index("tile-given")  # two parts, events first
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


def test_every_drug_given_is_on_the_line_grouped_and_events_by_onset(
    database: Database, config: Config, clinic: dict[str, Any]
) -> None:
    """The reviewer's tile: nausea treated twice and resolved, anxiety G3, dizziness G1
    serious, midazolam for the anxiety. Both ondansetron doses (the session's maximum) were
    hidden behind "+2 more", and the nausea sorted by its resolution ahead of its dose."""
    nurse, sid, zone = clinic["nurse"], clinic["first"], config.clinic.zone
    nausea = rows.adverse_event(database, nurse, sid, at(5))
    rows.given(database, nurse, sid, at(7), event_id=nausea)
    rows.given(database, nurse, sid, at(12), event_id=nausea)
    rows.outcome(database, nurse, sid, nausea, outcome="resolved", resolved_at=at(40))
    anxiety = rows.adverse_event(
        database,
        nurse,
        sid,
        at(15),
        kind="anxiety_emergence",
        kind_label="Anxiety / emergence reaction",
        severity="severe",
    )
    rows.given(
        database,
        nurse,
        sid,
        at(20),
        drug="midazolam",
        drug_name="Midazolam",
        strength="1 mg/mL",
        dose=1,
        event_id=anxiety,
    )
    rows.adverse_event(
        database, nurse, sid, at(25), kind="dizziness", kind_label="Dizziness", serious=True
    )

    line = happened_words(tile(database, config, clinic["doc"], sid).happenings, zone)
    assert line == (
        "Events: Dizziness G1 serious · no outcome yet; Anxiety / emergence reaction G3 · no"
        " outcome yet; Nausea G1 · resolved — Given: Ondansetron 4 mg IV ×2 (8 mg) "
        f"{local_time(at(12), zone)}; Midazolam 1 mg IV {local_time(at(20), zone)}"
    )
