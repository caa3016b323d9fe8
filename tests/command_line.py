"""Run the `monitor` command in-process against a real database, as a shell would with the
environment set: shared by the command tests (test_cli.py) and the demo tests (test_demo.py)."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.cli import main
from monitor.db.migrate import upgrade
from tests.conftest import POSTGRES_URL, schema_url, worker_name


def run_cli(url: str, instance: Path, *argv: str, **environ: str) -> tuple[int, str]:
    """`monitor <argv>` with MONITOR_DATABASE_URL=url (and any other variables given): the
    exit status and everything it printed, stdout and stderr together."""
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MONITOR_DATABASE_URL", url)
        env.setenv("MONITOR_INSTANCE", str(instance))
        env.delenv("MONITOR_CONFIG", raising=False)
        for name, value in environ.items():
            env.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(list(argv))
    return code, out.getvalue()


@contextlib.contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A newly migrated database, nothing in it: a SQLite file in `folder`, or a PostgreSQL
    schema of its own (dropped after)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'fresh.db'}"
        upgrade(url)
        yield url
        return
    assert POSTGRES_URL
    schema = f"monitor_fresh_{worker_name()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = schema_url(POSTGRES_URL, schema)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
