"""Shared fixtures: real databases (SQLite always, PostgreSQL when MONITOR_TEST_POSTGRES_URL is
set), migrated with the real Alembic revisions, and the repository's own config."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.config import REPO_ROOT, Config, Settings, load_config
from monitor.db.base import Base
from monitor.db.engine import Database
from monitor.db.migrate import upgrade
from monitor.domain.audit_chain import GENESIS

POSTGRES_URL = os.environ.get("MONITOR_TEST_POSTGRES_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="MONITOR_TEST_POSTGRES_URL not set"),
    ),
]


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
    """A schema of its own for this test run, migrated once and dropped at the end."""
    assert POSTGRES_URL
    schema = f"monitor_test_{uuid.uuid4().hex[:10]}"
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


def _truncate_all(url: str) -> None:
    # TRUNCATE fires no row-level triggers, so it clears the append-only tables between tests.
    # The audit chain starts again from its genesis hash, as after `monitor db upgrade`.
    engine = create_engine(url)
    names = ", ".join(
        f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "audit_chain_head"
    )
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": GENESIS})
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "monitor.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    assert POSTGRES_URL
    url = schema_url(POSTGRES_URL, request.getfixturevalue("postgres_schema"))
    _truncate_all(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture
def settings(config: Config, database_url: str, tmp_path: Path) -> Settings:
    return Settings(config=config, database_url=database_url, instance_path=tmp_path / "instance")
