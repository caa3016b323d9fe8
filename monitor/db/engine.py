"""The engine and the one place a database session's lifecycle is managed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from monitor.db.models import (
    Acknowledgement,
    Addendum,
    AuditEvent,
    Excursion,
    InfusionEvent,
    Rating,
    Reading,
    RecoveryAssessment,
    Signature,
)

APPEND_ONLY = (
    Reading,
    Rating,
    InfusionEvent,
    Excursion,
    Acknowledgement,
    RecoveryAssessment,
    Signature,
    Addendum,
    AuditEvent,
)


class AppendOnlyViolation(RuntimeError):
    """Code tried to change or delete a stored reading, rating, event or audit entry."""


def _refuse_changes_to_records(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(
                f"{type(obj).__name__} {getattr(obj, 'id', '?')} is a recorded entry: "
                "add an addendum instead of changing it"
            )


def _sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL, set up for several workers sharing one database."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **kwargs)


class Database:
    """An engine and its session factory; services open `session_scope()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self.sessions, "before_flush", _refuse_changes_to_records)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
