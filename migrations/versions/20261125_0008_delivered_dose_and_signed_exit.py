"""The dose actually given (delivered mL and mg, stored when the pump stops) and the
physician-signed exit from recovery (its kind on the session; an "exit" signature, which
signs no assessment).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:40:00.000000

Sessions only gain columns (ALTER TABLE ADD COLUMN on both backends: SQLite never copies
the sessions table, which every record points at). Signatures are rebuilt in batch mode on
SQLite to change a column and a check constraint; the copy loses its append-only
triggers, so they are installed again. Sessions stopped before this revision keep an
unknown (NULL) delivered dose: the record shows it as not recorded.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from monitor.db import triggers

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXIT_KIND_CHECK = "exit_kind IN ('transfer', 'against_medical_advice')"
OLD_MEANINGS = "meaning IN ('performed', 'approved')"
NEW_MEANINGS = "meaning IN ('performed', 'approved', 'exit')"
ASSESSMENT_UNLESS_EXIT = "assessment_id IS NOT NULL OR meaning = 'exit'"


def upgrade() -> None:
    """Upgrade schema."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column("sessions", sa.Column("delivered_ml", sa.Float(), nullable=True))
    op.add_column("sessions", sa.Column("delivered_mg", sa.Float(), nullable=True))
    if sqlite:  # a check constraint can come only with the column on SQLite
        op.execute(
            "ALTER TABLE sessions ADD COLUMN exit_kind VARCHAR(32) "
            f"CONSTRAINT ck_sessions_exit_kind CHECK ({EXIT_KIND_CHECK})"
        )
    else:
        op.add_column("sessions", sa.Column("exit_kind", sa.String(length=32), nullable=True))
        op.create_check_constraint(op.f("ck_sessions_exit_kind"), "sessions", EXIT_KIND_CHECK)

    if sqlite:
        triggers.drop_append_only(op, "signatures")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.alter_column("assessment_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f("ck_signatures_meaning"), type_="check")
        batch_op.create_check_constraint(op.f("ck_signatures_meaning"), NEW_MEANINGS)
        batch_op.create_check_constraint(
            op.f("ck_signatures_assessment_unless_exit"), ASSESSMENT_UNLESS_EXIT
        )
    if sqlite:
        triggers.make_append_only(op, "signatures")


def downgrade() -> None:
    """Downgrade schema (refused while an exit signature exists: it has no assessment)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        triggers.drop_append_only(op, "signatures")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_signatures_assessment_unless_exit"), type_="check")
        batch_op.drop_constraint(op.f("ck_signatures_meaning"), type_="check")
        batch_op.create_check_constraint(op.f("ck_signatures_meaning"), OLD_MEANINGS)
        batch_op.alter_column("assessment_id", existing_type=sa.Integer(), nullable=False)
    if sqlite:
        triggers.make_append_only(op, "signatures")

    if not sqlite:
        op.drop_constraint(op.f("ck_sessions_exit_kind"), "sessions", type_="check")
    op.drop_column("sessions", "exit_kind")
    op.drop_column("sessions", "delivered_mg")
    op.drop_column("sessions", "delivered_ml")
