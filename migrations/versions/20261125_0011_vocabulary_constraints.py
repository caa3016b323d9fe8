"""The stored words' CHECK constraints, rebuilt from the domain's enums
(monitor/domain/vocabulary.py, and the roles of monitor/domain/permissions.py).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 16:40:00.000000

Until now each constraint was a literal list in the models, beside the enum it repeated.
The models now build every one from its enum (`monitor.db.models.vocabulary_check`, which
keeps the enum in the constraint's `info`), and this revision rebuilds each constraint
from that same source, so the database holds exactly what the models say.

Today the enums hold the very members the literals did, in the same order, so the text is
unchanged and `alembic check` sees no drift (it does not compare CHECK constraints at all,
which is why the rebuild is written out rather than left to autogenerate). The revision is
still written as a rebuild from the enums, not as an empty step: a new member (a state, an
action, a priority) then reaches the database through one new revision that copies this
one (with its own VOCABULARY_AT_THIS_REVISION), and tests/domain/test_vocabulary.py
fails until the models' constraint names it, tests/db/test_migrations.py until the
revision exists.

PostgreSQL drops and adds each constraint (the rows are checked again as it is added).
SQLite keeps a CHECK constraint inside the table's CREATE statement and can change it only
by copying the table, so there a table is copied (in batch mode, its append-only triggers
installed again) only when the text it holds differs from the enum's; today none does,
and nothing is copied. A later revision that does change the text of a table other
records point at (users, sessions, readings, excursions) must copy it with foreign keys
off, as SQLite's own ALTER TABLE procedure says: under the engine's PRAGMA foreign_keys=ON
the batch copy's DROP TABLE is refused once rows refer to it (tried on the demo data).
"""

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from monitor.db import models, triggers

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the enums held when this revision was written. The rebuild reads the enums, not
# this; tests/db/test_migrations.py holds the newest revision's record equal to the
# models, so a member added without a revision of its own fails there (a database already
# at this revision would otherwise never learn it).
VOCABULARY_AT_THIS_REVISION: dict[str, tuple[str, ...]] = {
    "ck_users_role": ("nurse", "physician", "auditor", "admin"),
    "ck_sessions_state": (
        "planned",
        "baseline",
        "infusing",
        "paused",
        "recovery",
        "discharged",
        "stopped_early",
    ),
    "ck_sessions_exit_kind": ("transfer", "against_medical_advice"),
    "ck_readings_phase": ("baseline", "infusion", "recovery"),
    "ck_infusion_events_kind": ("start", "pause", "resume", "rate_change", "stop"),
    "ck_excursions_priority": ("high", "medium", "low"),
    "ck_acknowledgements_action": (
        "observed",
        "repeat_reading_ordered",
        "infusion_paused",
        "medication_given",
        "other",
    ),
    "ck_signatures_meaning": ("performed", "approved", "exit"),
}

# The tables whose rows may never change (installed by 0001, 0002, 0004): a SQLite copy
# loses its triggers, so they are installed again after it.
APPEND_ONLY = frozenset(
    {
        "readings",
        "ratings",
        "infusion_events",
        "excursions",
        "audit_events",
        "acknowledgements",
        "recovery_assessments",
        "signatures",
        "addenda",
    }
)


def _vocabulary_checks() -> Iterator[tuple[str, str, str]]:
    """(table, constraint name, CHECK text) of every stored word this revision knew of, as
    the models build it (tables and columns added later are not in the database yet)."""
    for table in models.Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if (
                isinstance(constraint, sa.CheckConstraint)
                and "vocabulary" in constraint.info
                and str(constraint.name) in VOCABULARY_AT_THIS_REVISION
            ):
                # The name as the naming convention made it: ck_<table>_<column>.
                yield table.name, str(constraint.name), str(constraint.sqltext)


def _rebuild_on_postgresql() -> None:
    for table, name, check in _vocabulary_checks():
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, check)


def _rebuild_on_sqlite() -> None:
    held = {}
    inspector = sa.inspect(op.get_bind())
    for table, name, check in _vocabulary_checks():
        stored = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        if stored.get(name) != check:
            held.setdefault(table, []).append((name, check))
    for table, changed in held.items():
        if table in APPEND_ONLY:
            triggers.drop_append_only(op, table)
        with op.batch_alter_table(table, recreate="always") as batch_op:
            for name, check in changed:
                batch_op.drop_constraint(op.f(name), type_="check")
                batch_op.create_check_constraint(op.f(name), check)
        if table in APPEND_ONLY:
            triggers.make_append_only(op, table)


def upgrade() -> None:
    """Rebuild each stored word's CHECK constraint from its enum."""
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite()
    else:
        _rebuild_on_postgresql()


def downgrade() -> None:
    """Nothing to undo: the constraints read as they did before this revision."""
