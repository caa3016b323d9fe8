"""Database triggers that make recorded entries append-only, for the migrations to install.

Kept stable on purpose: a revision that installed a trigger keeps doing so unchanged.
"""

from __future__ import annotations

from typing import Any

FUNCTION = "monitor_refuse_change"


def create_refusal_function(op: Any) -> None:
    """PostgreSQL's trigger function (SQLite raises inside each trigger instead)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {FUNCTION}() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: add an addendum instead', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )


def drop_refusal_function(op: Any) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def make_append_only(op: Any, table: str) -> None:
    """Refuse every UPDATE and DELETE on `table`."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
    elif dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: add an addendum "
                "instead'); END"
            )


def drop_append_only(op: Any, table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    elif dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
