"""Sign-in throttling: failures say what they guarded (the sign-in form or a password
re-entered to sign) and can be cleared by an administrator's unlock; an index on the
address, for counting failures per source.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 12:00:00.000000

Columns are only added (ALTER TABLE ADD COLUMN on both backends). Failures stored before
this revision were sign-in failures, which the server default says.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "login_failures",
        sa.Column("purpose", sa.String(length=16), server_default="sign_in", nullable=False),
    )
    op.add_column(
        "login_failures", sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_login_failures_remote_addr_at", "login_failures", ["remote_addr", "at"], unique=False
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_login_failures_remote_addr_at", table_name="login_failures")
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("cleared_at")
        batch.drop_column("purpose")
