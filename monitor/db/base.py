"""The declarative base, with a constraint naming convention so migrations are stable, and
the columns every entry in a session's record shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from monitor.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SessionEntry:
    """What every entry a nurse makes in a session's record carries: the session, who
    entered it and when (the clock of the server, beside the time it was taken), and the
    submission key that lets a retried submission store it once. Readings, ratings and
    pump events are such entries; none is ever changed once stored."""

    # First in the table, as the migrations created them; the rest follow the entry's own.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), sort_order=-1)
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
