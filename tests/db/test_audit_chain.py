"""The audit trail is tamper-evident: `monitor audit verify` finds an altered, removed or
inserted event, even one changed with raw SQL behind the application's back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.domain.audit_chain import GENESIS
from monitor.services.audit_trail import verify_chain
from tests import factories


@pytest.fixture
def history(database: Database, config: Config) -> Database:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.reading(database, config, nurse, sid, factories.T0, systolic=185)
    return database


def third_event(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 2")
            ).scalar_one()
        )


def as_attacker(database: Database, statement: str, **params: object) -> None:
    """Drop the append-only trigger, as someone with database rights could, then change."""
    dialect = database.engine.dialect.name
    with database.engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
            conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        conn.execute(text(statement), params)
        if dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def test_an_untouched_chain_verifies(history: Database) -> None:
    verdict = verify_chain(database=history)
    assert verdict.intact and verdict.checked >= 8


def test_altered_row_is_found(history: Database) -> None:
    target = third_event(history)
    as_attacker(
        history, "UPDATE audit_events SET reason = 'nothing to see' WHERE id = :id", id=target
    )
    verdict = verify_chain(database=history)
    assert verdict.broken_at == target and "altered" in (verdict.reason or "")


def test_removed_row_is_found(history: Database) -> None:
    target = third_event(history)
    as_attacker(history, "DELETE FROM audit_events WHERE id = :id", id=target)
    verdict = verify_chain(database=history)
    assert verdict.broken_at == target + 1 and "removed" in (verdict.reason or "")


def test_the_database_refuses_plain_tampering(history: Database) -> None:
    with pytest.raises(Exception, match="append-only"), history.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET reason = 'x'"))


def test_cli_reports_the_first_broken_link(
    history: Database, database_url: str, tmp_path: Path
) -> None:
    env = {
        "MONITOR_DATABASE_URL": database_url,
        "MONITOR_INSTANCE": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    ok = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and "intact" in ok.stdout
    target = third_event(history)
    as_attacker(history, "UPDATE audit_events SET action = 'forged' WHERE id = :id", id=target)
    broken = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert broken.returncode == 3 and f"BROKEN at event {target}" in broken.stdout


def test_migration_chains_events_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0004")
    engine = create_engine(url)
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, action, entity_type, entity_id, "
                    "new_values) VALUES (:at, 'user.created', 'user', :n, :new)"
                ),
                {"at": f"2026-11-0{n + 1} 10:00:00.000000", "n": n, "new": '{"n": 1}'},
            )
    engine.dispose()
    upgrade(url)
    database = Database.from_url(url)
    verdict = verify_chain(database=database)
    assert verdict.intact and verdict.checked == 3
    with database.engine.connect() as conn:
        first = conn.execute(text("SELECT prev_hash FROM audit_events ORDER BY id")).first()
    assert first is not None and first[0] == GENESIS
    database.dispose()
    shutil.rmtree(tmp_path, ignore_errors=True)
