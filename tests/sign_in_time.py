"""Move a user's server-side sign-ins back in time, as if the tablet had been idle or the
sign-in had started long ago (no sleeping in tests)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from monitor.db.engine import Database
from monitor.db.models import SignInSession
from monitor.db.types import utcnow


def rows_of(database: Database, user_id: int) -> list[SignInSession]:
    with database.session_scope() as db:
        rows = list(
            db.scalars(
                select(SignInSession)
                .where(SignInSession.user_id == user_id)
                .order_by(SignInSession.id)
            )
        )
        db.expunge_all()
        return rows


def shift(database: Database, user_id: int, *, started: timedelta, seen: timedelta) -> None:
    """Move when the user's sign-ins started (and so end) by `started`; last use: now + `seen`."""
    with database.session_scope() as db:
        for row in db.scalars(select(SignInSession).where(SignInSession.user_id == user_id)):
            row.created_at += started
            row.expires_at += started
            row.last_seen_at = utcnow() + seen


def idle_for(database: Database, user_id: int, seconds: float) -> None:
    """The user's sign-ins were last used by a person `seconds` ago."""
    with database.session_scope() as db:
        db.execute(
            update(SignInSession)
            .where(SignInSession.user_id == user_id)
            .values(last_seen_at=utcnow() - timedelta(seconds=seconds))
        )
