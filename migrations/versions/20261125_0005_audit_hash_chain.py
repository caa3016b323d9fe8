"""Chain the audit trail: each event carries the hash of the one before it.

Existing events are hashed in id order; the head row holds the newest hash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:45:00

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from monitor.db import triggers
from monitor.domain.audit_chain import GENESIS, event_hash

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = (
    "occurred_at",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "session_id",
    "old_values",
    "new_values",
    "reason",
)


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    triggers.drop_append_only(op, "audit_events")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("entity_type", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("session_id", sa.Integer),
        sa.column("old_values", sa.JSON),
        sa.column("new_values", sa.JSON),
        sa.column("reason", sa.Text),
    )
    bind = op.get_bind()
    last = GENESIS
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        fields = {name: row[name] for name in FIELDS}
        digest = event_hash(last, _aware(fields))  # SQLite returns UTC without a zone
        bind.execute(
            events.update().where(events.c.id == row["id"]).values(prev_hash=last, hash=digest)
        )
        last = digest
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    bind.execute(
        sa.text("INSERT INTO audit_chain_head (id, last_hash) VALUES (1, :h)"), {"h": last}
    )
    triggers.make_append_only(op, "audit_events")


def _aware(fields: dict[str, object]) -> dict[str, object]:
    occurred = fields["occurred_at"]
    if isinstance(occurred, datetime) and occurred.tzinfo is None:
        fields = {**fields, "occurred_at": occurred.replace(tzinfo=UTC)}
    return fields


def downgrade() -> None:
    triggers.drop_append_only(op, "audit_events")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    triggers.make_append_only(op, "audit_events")
    op.drop_table("audit_chain_head")
