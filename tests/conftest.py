"""Shared fixtures: real databases (SQLite always, PostgreSQL when MONITOR_TEST_POSTGRES_URL is
set), migrated with the real Alembic revisions, the repository's own config, and the app.

`make test` runs the suite on several processes (pytest-xdist). Each worker migrates its own
SQLite template and its own PostgreSQL schema once (session fixtures are per worker), and
every test gets its own SQLite file or a truncated schema, so no two tests share a database.
Tests marked `serial` (they restart PostgreSQL) run after the parallel phase, alone.

Hypothesis keeps its example database in `.hypothesis/` beside the checkout; it writes each
example to a temporary file and renames it into place, so workers sharing it is safe.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from dash import Dash
from sqlalchemy import create_engine, text

from monitor.app import create_app
from monitor.config import REPO_ROOT, Config, Settings, load_config
from monitor.db.base import Base
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.domain.audit_chain import GENESIS
from monitor.services import passwords, people

POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="MONITOR_TEST_POSTGRES_URL not set"),
    ),
]


# The clinic's hasher (argon2id, 64 MiB, three passes) costs about a second per hash on a busy
# two-core machine, and nearly every test creates users and signs in. Tests hash with the
# same algorithm at its lowest cost: a stored hash carries its own parameters, so verifying
# (and every rule about wrong passwords, lockouts and the unknown-user dummy) is unchanged.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(people, "HASHER", TEST_HASHER)
        patch.setattr(passwords, "HASHER", TEST_HASHER)
        patch.setattr(people, "_DUMMY_HASH", TEST_HASHER.hash("not-a-real-password"))
        yield


def worker_name() -> str:
    """`gw0`, `gw1`… under pytest-xdist; `main` when the suite runs in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(REPO_ROOT / "config.yaml", environ={})


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def schema_url(base: str, schema: str) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A schema of its own for this worker of this test run, migrated once and dropped at
    the end."""
    assert POSTGRES_URL
    schema = f"monitor_test_{worker_name()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        upgrade(schema_url(POSTGRES_URL, schema))
        yield schema
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_emptied(postgres_schema: str) -> Iterator[Callable[[], str]]:
    """Empty this worker's schema for the next test (one connection pool for the whole run);
    the schema's URL."""
    assert POSTGRES_URL
    url = schema_url(POSTGRES_URL, postgres_schema)
    engine = create_engine(url)
    names = ", ".join(
        f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "audit_chain_head"
    )

    def empty() -> str:
        # TRUNCATE fires no row-level triggers, so it clears the append-only tables. The audit
        # chain starts again from its genesis hash, as after `monitor db upgrade`.
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": GENESIS})
        return url

    yield empty
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of this test's own: a copy of the migrated SQLite file, or this worker's
    PostgreSQL schema emptied."""
    if request.param == "sqlite":
        path = tmp_path / "monitor.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    empty: Callable[[], str] = request.getfixturevalue("postgres_emptied")
    return empty()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture
def settings(config: Config, database_url: str, tmp_path: Path) -> Settings:
    return Settings(config=config, database_url=database_url, instance_path=tmp_path / "instance")


@pytest.fixture
def app(settings: Settings) -> Dash:
    """The whole app (Flask server, every page and callback) on this test's database."""
    return create_app(settings)
