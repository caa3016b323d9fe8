"""Finding 2: `monitor audit verify` must notice a truncated or emptied trail, and anchors kept
outside the database must expose a chain someone rebuilt after deleting events.

Every attack here is what a DBA could do: in one transaction, switch off the append-only
trigger, delete (or rewrite) audit events, and put the trigger back so nothing looks touched.
Both databases; the CLI runs in-process as an operator would run it.
"""

from __future__ import annotations

import contextlib
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from monitor.cli import main
from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent
from monitor.domain.audit_chain import GENESIS, event_hash
from tests import factories


def run_cli(url: str, instance: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MONITOR_DATABASE_URL", url)
        env.setenv("MONITOR_INSTANCE", str(instance))
        env.delenv("MONITOR_CONFIG", raising=False)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(list(argv))
    return code, out.getvalue()


@contextlib.contextmanager
def as_dba(database: Database) -> Iterator[Connection]:
    """One transaction with the append-only trigger off, put back before the commit."""
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            yield conn
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        else:
            saved = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'audit_events'"
                )
            ).all()
            assert {name for name, _ in saved} >= {"audit_events_no_delete"}
            for name, _ in saved:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            yield conn
            for _, sql in saved:
                conn.execute(text(sql))


def event_ids(database: Database) -> list[int]:
    with database.engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM audit_events ORDER BY id")).scalars())


def rebuild_chain(conn: Connection) -> None:
    """Recompute every hash and the head, as someone who read the code could: plain
    `audit verify` is then satisfied."""
    with Session(bind=conn) as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        links = []
        prev = GENESIS
        for e in events:
            h = event_hash(prev, e.chained_fields())
            links.append({"id": e.id, "p": prev, "h": h})
            prev = h
    for link in links:
        conn.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"), link)
    conn.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": prev})


@pytest.fixture
def trail(database: Database, config: Config) -> Database:
    """A session with readings: a trail of a dozen or more events."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    for minutes in range(0, 40, 5):
        factories.reading(
            database, config, nurse, sid, factories.T0.replace(minute=minutes), systolic=120
        )
    assert len(event_ids(database)) >= 12
    return database


def add_events(database: Database, config: Config, how_many: int) -> None:
    for _ in range(how_many):
        factories.user(database, username=f"later-{uuid.uuid4().hex[:8]}")


# --- plain verify: the chain must end at the recorded head -------------------------------


def test_untouched_trail_is_intact(trail: Database, database_url: str, tmp_path: Path) -> None:
    code, out = run_cli(database_url, tmp_path, "audit", "verify")
    assert code == 0 and "intact" in out


def test_deleting_the_last_events_is_found(
    trail: Database, database_url: str, tmp_path: Path
) -> None:
    ids = event_ids(trail)
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id > :id"), {"id": ids[-11]})
    code, out = run_cli(database_url, tmp_path, "audit", "verify")
    assert code == 3, out
    assert "BROKEN" in out and "truncated" in out and f"after event {ids[-11]}" in out


def test_emptying_the_trail_is_found(trail: Database, database_url: str, tmp_path: Path) -> None:
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events"))
    code, out = run_cli(database_url, tmp_path, "audit", "verify")
    assert code == 3, out
    assert "BROKEN" in out and "0 events" in out and "intact" not in out


def test_a_fresh_database_with_no_events_is_intact(database_url: str, tmp_path: Path) -> None:
    code, out = run_cli(database_url, tmp_path, "audit", "verify")
    assert code == 0 and "intact: 0 events" in out


# --- anchors: the head hash and count, kept outside the database -------------------------


def test_anchor_prints_head_count_last_event_and_time(
    trail: Database, database_url: str, tmp_path: Path
) -> None:
    code, out = run_cli(database_url, tmp_path, "audit", "anchor")
    assert code == 0, out
    anchor = json.loads(out.strip().splitlines()[-1])
    ids = event_ids(trail)
    with trail.engine.connect() as conn:
        head = conn.execute(text("SELECT last_hash FROM audit_chain_head")).scalar_one()
        last_at = conn.execute(
            text("SELECT occurred_at FROM audit_events WHERE id = :id"), {"id": ids[-1]}
        ).scalar_one()
    assert anchor["hash"] == head
    assert anchor["count"] == len(ids) and anchor["event_id"] == ids[-1]
    assert anchor["occurred_at"].startswith(str(last_at)[:16].replace(" ", "T"))
    assert anchor["taken_at"]


def test_anchor_append_adds_one_line_per_run(
    trail: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    anchors = tmp_path / "kept-elsewhere" / "anchors.jsonl"
    anchors.parent.mkdir()
    assert run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))[0] == 0
    add_events(trail, config, 3)
    assert run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))[0] == 0
    lines = anchors.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert second["count"] == first["count"] + 3 and second["hash"] != first["hash"]


def test_anchors_hold_while_the_trail_grows(
    trail: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    add_events(trail, config, 2)
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    add_events(trail, config, 2)
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(anchors))
    assert code == 0, out
    assert "2 anchors hold" in out


def test_rebuilt_chain_passes_plain_verify_but_not_the_anchors(
    trail: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    add_events(trail, config, 2)
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    victim = event_ids(trail)[3]
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": victim})
        rebuild_chain(conn)
    plain = run_cli(database_url, tmp_path, "audit", "verify")
    assert plain[0] == 0, "the chain has no key: a rebuilt chain passes on its own"
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(anchors))
    assert code == 3, out
    assert "anchor on line 1" in out and "no longer holds" in out


def test_truncation_with_the_head_moved_back_is_caught_by_the_anchor(
    trail: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    kept = event_ids(trail)[-4]
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id > :id"), {"id": kept})
        rebuild_chain(conn)
    assert run_cli(database_url, tmp_path, "audit", "verify")[0] == 0
    add_events(trail, config, 5)  # even padded back past the anchored count
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(anchors))
    assert code == 3, out
    assert "anchor on line 1" in out and "no longer holds" in out


def test_emptied_and_rebuilt_trail_fails_its_anchor(
    trail: Database, database_url: str, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events"))
        rebuild_chain(conn)
    assert run_cli(database_url, tmp_path, "audit", "verify")[0] == 0
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(anchors))
    assert code == 3 and "anchor on line 1" in out, out


def test_anchor_refuses_a_broken_trail(trail: Database, database_url: str, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    with as_dba(trail) as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": event_ids(trail)[-1]})
    code, out = run_cli(database_url, tmp_path, "audit", "anchor", "--append", str(anchors))
    assert code == 3 and "BROKEN" in out, out
    assert not anchors.exists()


@pytest.mark.parametrize(
    "content",
    ["not json\n", '{"count": 3}\n', '{"event_id": 1, "count": -1, "hash": "x"}\n', "[]\n"],
)
def test_a_malformed_anchor_file_is_refused_clearly(
    trail: Database, database_url: str, tmp_path: Path, content: str
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text(content, encoding="utf-8")
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(anchors))
    assert code == 2 and "line 1" in out and "Traceback" not in out, out


def test_a_missing_anchor_file_is_refused_clearly(
    trail: Database, database_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.jsonl"
    code, out = run_cli(database_url, tmp_path, "audit", "verify", "--anchors", str(missing))
    assert code == 2 and "nowhere.jsonl" in out, out
