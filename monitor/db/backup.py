"""Online backup of the embedded SQLite database (SQLite's backup API: consistent while the
app keeps writing). PostgreSQL is backed up with pg_dump (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupNotSupported(RuntimeError):
    """Not an SQLite database: use the database's own tools."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupNotSupported(
            "monitor backup copies the embedded SQLite database; for PostgreSQL use "
            "pg_dump (see the README)"
        )
    return Path(parsed.database)


def backup_sqlite(url: str, destination: Path) -> int:
    """Copy the live database page by page into `destination`; return its size in bytes."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise FileNotFoundError(source_path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        raise FileExistsError(f"{destination} exists: choose a new file for each backup")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target, pages=1024)
    finally:
        target.close()
        source.close()
    return destination.stat().st_size
