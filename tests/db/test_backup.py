"""A backup restores: every session is there, and the audit chain still holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.backup import BackupNotSupported, backup_sqlite
from monitor.db.engine import Database
from monitor.db.models import InfusionSession, Reading
from monitor.services.audit_trail import verify_chain
from tests import factories


def sessions_and_readings(database: Database) -> tuple[list[int], int]:
    with database.session_scope() as db:
        ids = list(db.scalars(select(InfusionSession.id).order_by(InfusionSession.id)))
        readings = db.scalar(select(func.count()).select_from(Reading)) or 0
    return ids, readings


def test_backup_restores_every_session(
    database: Database, database_url: str, config: Config, tmp_path: Path
) -> None:
    if not database_url.startswith("sqlite"):
        with pytest.raises(BackupNotSupported, match="pg_dump"):
            backup_sqlite(database_url, tmp_path / "x.db")
        return
    nurse = factories.user(database)
    for chair in config.clinic.chairs[:3]:
        sid = factories.infusing(database, config, nurse, chair=chair)
        factories.reading(database, config, nurse, sid, factories.T0, systolic=150)
    before = sessions_and_readings(database)
    copy = tmp_path / "backups" / "monitor-backup.db"
    result = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "backup", str(copy)],
        env={
            "MONITOR_DATABASE_URL": database_url,
            "MONITOR_INSTANCE": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    restored = Database.from_url(f"sqlite:///{copy}")
    assert sessions_and_readings(restored) == before and len(before[0]) == 3
    assert verify_chain(database=restored).intact
    restored.dispose()
    again = subprocess.run(
        [sys.executable, "-m", "monitor.cli", "backup", str(copy)],
        env={
            "MONITOR_DATABASE_URL": database_url,
            "MONITOR_INSTANCE": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1 and "exists" in again.stderr  # never overwrites a backup


def test_postgres_dump_and_restore_as_documented(config: Config, tmp_path: Path) -> None:
    """The README's pg_dump / pg_restore procedure, on a schema of its own."""
    import shutil
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from monitor.db.migrate import upgrade
    from tests.conftest import POSTGRES_URL, schema_url

    if not POSTGRES_URL:
        pytest.skip("MONITOR_TEST_POSTGRES_URL not set")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    schema = f"monitor_backup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(POSTGRES_URL, schema)
    try:
        upgrade(url)
        database = Database.from_url(url)
        nurse = factories.user(database)
        for chair in config.clinic.chairs[:2]:
            factories.infusing(database, config, nurse, chair=chair)
        before = sessions_and_readings(database)
        database.dispose()
        parts = make_url(POSTGRES_URL)
        conninfo = [
            "-h",
            parts.host or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-d",
            parts.database or "postgres",
        ]
        dump = tmp_path / "monitor.dump"
        subprocess.run(
            ["pg_dump", *conninfo, "-Fc", "-n", schema, "-f", str(dump)], check=True, timeout=120
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        subprocess.run(
            ["pg_restore", *conninfo, "--exit-on-error", str(dump)], check=True, timeout=120
        )
        restored = Database.from_url(url)
        assert sessions_and_readings(restored) == before and len(before[0]) == 2
        assert verify_chain(database=restored).intact
        restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
