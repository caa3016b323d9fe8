"""What was given and what happened (issue 13): adverse events, their outcomes and the
physician's acknowledgement of a flagged one; rescue-medication orders and
administrations; the ketamine record (draws, witnessed wastes, discrepancy resolutions).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 22:10:49.228918

New tables only: no existing row changes. Every new table is append-only, enforced by
triggers, as the record's other entries are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from monitor.db import triggers

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the enums held when this revision was written (tests/db/test_migrations.py holds the
# newest record equal to the models; see 0011).
VOCABULARY_AT_THIS_REVISION: dict[str, tuple[str, ...]] = {
    "ck_users_role": ("nurse", "physician", "auditor", "admin"),
    "ck_patients_sex": ("female", "male", "other", "unknown"),
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
    "ck_courses_indication": ("ptsd", "treatment_resistant_depression", "other"),
    "ck_courses_status": ("screening", "active", "completed", "stopped"),
    "ck_screening_decisions_decision": ("cleared", "declined"),
    "ck_questionnaire_responses_questionnaire": ("phq9", "pcl5"),
    "ck_questionnaire_responses_respondent": ("nurse", "patient"),
    "ck_pre_dose_clearances_concern": ("baseline_bp", "self_harm"),
    "ck_safety_flags_kind": ("self_harm",),
    "ck_safety_flags_priority": ("high", "medium", "low"),
    "ck_adverse_events_severity": ("mild", "moderate", "severe", "life_threatening"),
    "ck_adverse_event_outcomes_outcome": (
        "resolved",
        "resolving",
        "not_resolved",
        "resolved_with_sequelae",
        "fatal",
        "unknown",
    ),
    "ck_medication_orders_route": ("iv", "im", "po", "odt", "sl", "intranasal"),
    "ck_medication_administrations_route": ("iv", "im", "po", "odt", "sl", "intranasal"),
}

# Every new table: entries, never changed once stored.
APPEND_ONLY = (
    "adverse_events",
    "adverse_event_outcomes",
    "adverse_event_acknowledgements",
    "medication_orders",
    "medication_administrations",
    "ketamine_draws",
    "ketamine_wastes",
    "ketamine_waste_witnesses",
    "ketamine_discrepancy_resolutions",
)


def upgrade() -> None:
    """Create the tables of what was given and what happened, each append-only."""
    op.create_table(
        "ketamine_discrepancy_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("imbalance_ml", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolved_by"],
            ["users.id"],
            name=op.f("fk_ketamine_discrepancy_resolutions_resolved_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_ketamine_discrepancy_resolutions_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ketamine_discrepancy_resolutions")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_ketamine_discrepancy_resolutions_idempotency_key")
        ),
    )
    with op.batch_alter_table("ketamine_discrepancy_resolutions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ketamine_discrepancy_resolutions_session_id", ["session_id"], unique=False
        )

    op.create_table(
        "ketamine_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("product_name", sa.String(length=120), nullable=False),
        sa.Column("concentration_mg_per_ml", sa.Float(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("volume_ml", sa.Float(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "concentration_mg_per_ml > 0", name=op.f("ck_ketamine_draws_concentration_above_zero")
        ),
        sa.CheckConstraint("volume_ml > 0", name=op.f("ck_ketamine_draws_volume_above_zero")),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_ketamine_draws_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_ketamine_draws_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ketamine_draws")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ketamine_draws_idempotency_key")),
    )
    with op.batch_alter_table("ketamine_draws", schema=None) as batch_op:
        batch_op.create_index("ix_ketamine_draws_lot", ["lot"], unique=False)
        batch_op.create_index("ix_ketamine_draws_session_id", ["session_id"], unique=False)

    op.create_table(
        "medication_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("drug", sa.String(length=40), nullable=False),
        sa.Column("drug_name", sa.String(length=80), nullable=False),
        sa.Column("dose", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ordered_by", sa.Integer(), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "route IN ('iv', 'im', 'po', 'odt', 'sl', 'intranasal')",
            name=op.f("ck_medication_orders_route"),
        ),
        sa.CheckConstraint("dose > 0", name=op.f("ck_medication_orders_dose_above_zero")),
        sa.ForeignKeyConstraint(
            ["ordered_by"], ["users.id"], name=op.f("fk_medication_orders_ordered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_medication_orders_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_orders")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_medication_orders_idempotency_key")),
    )
    with op.batch_alter_table("medication_orders", schema=None) as batch_op:
        batch_op.create_index("ix_medication_orders_session_id", ["session_id"], unique=False)

    op.create_table(
        "ketamine_wastes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("volume_ml", sa.Float(), nullable=False),
        sa.Column("wasted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint("volume_ml > 0", name=op.f("ck_ketamine_wastes_volume_above_zero")),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["ketamine_draws.id"],
            name=op.f("fk_ketamine_wastes_draw_id_ketamine_draws"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_ketamine_wastes_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_ketamine_wastes_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ketamine_wastes")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ketamine_wastes_idempotency_key")),
    )
    with op.batch_alter_table("ketamine_wastes", schema=None) as batch_op:
        batch_op.create_index("ix_ketamine_wastes_session_id", ["session_id"], unique=False)

    op.create_table(
        "ketamine_waste_witnesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("waste_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("wasted_by", sa.Integer(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("witnessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "witness_id <> wasted_by",
            name=op.f("ck_ketamine_waste_witnesses_witness_is_another_person"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_ketamine_waste_witnesses_session_id_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["waste_id"],
            ["ketamine_wastes.id"],
            name=op.f("fk_ketamine_waste_witnesses_waste_id_ketamine_wastes"),
        ),
        sa.ForeignKeyConstraint(
            ["wasted_by"], ["users.id"], name=op.f("fk_ketamine_waste_witnesses_wasted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"],
            ["users.id"],
            name=op.f("fk_ketamine_waste_witnesses_witness_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ketamine_waste_witnesses")),
        sa.UniqueConstraint(
            "submission_key", name=op.f("uq_ketamine_waste_witnesses_submission_key")
        ),
        sa.UniqueConstraint("waste_id", name=op.f("uq_ketamine_waste_witnesses_waste_id")),
    )
    with op.batch_alter_table("ketamine_waste_witnesses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ketamine_waste_witnesses_session_id", ["session_id"], unique=False
        )

    op.create_table(
        "adverse_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("kind_label", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("onset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("severity", sa.String(length=24), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("action_taken", sa.Text(), nullable=True),
        sa.Column("excursion_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "severity IN ('mild', 'moderate', 'severe', 'life_threatening')",
            name=op.f("ck_adverse_events_severity"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_adverse_events_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["excursion_id"],
            ["excursions.id"],
            name=op.f("fk_adverse_events_excursion_id_excursions"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_adverse_events_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_adverse_events_idempotency_key")),
    )
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.create_index("ix_adverse_events_session_id", ["session_id"], unique=False)

    op.create_table(
        "adverse_event_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adverse_event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_adverse_event_acknowledgements_acknowledged_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["adverse_event_id"],
            ["adverse_events.id"],
            name=op.f("fk_adverse_event_acknowledgements_adverse_event_id_adverse_events"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_adverse_event_acknowledgements_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event_acknowledgements")),
        sa.UniqueConstraint(
            "adverse_event_id", name=op.f("uq_adverse_event_acknowledgements_adverse_event_id")
        ),
        sa.UniqueConstraint(
            "submission_key", name=op.f("uq_adverse_event_acknowledgements_submission_key")
        ),
    )
    with op.batch_alter_table("adverse_event_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_adverse_event_acknowledgements_session_id", ["session_id"], unique=False
        )

    op.create_table(
        "adverse_event_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("adverse_event_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('resolved', 'resolving', 'not_resolved', 'resolved_with_sequelae', 'fatal', 'unknown')",
            name=op.f("ck_adverse_event_outcomes_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["adverse_event_id"],
            ["adverse_events.id"],
            name=op.f("fk_adverse_event_outcomes_adverse_event_id_adverse_events"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_adverse_event_outcomes_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_adverse_event_outcomes_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event_outcomes")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_adverse_event_outcomes_idempotency_key")
        ),
    )
    with op.batch_alter_table("adverse_event_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_adverse_event_outcomes_adverse_event_id", ["adverse_event_id"], unique=False
        )

    op.create_table(
        "medication_administrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("drug", sa.String(length=40), nullable=False),
        sa.Column("drug_name", sa.String(length=80), nullable=False),
        sa.Column("strength", sa.String(length=80), nullable=False),
        sa.Column("dose", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adverse_event_id", sa.Integer(), nullable=True),
        sa.Column("excursion_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "route IN ('iv', 'im', 'po', 'odt', 'sl', 'intranasal')",
            name=op.f("ck_medication_administrations_route"),
        ),
        sa.CheckConstraint(
            "adverse_event_id IS NOT NULL OR excursion_id IS NOT NULL",
            name=op.f("ck_medication_administrations_has_indication"),
        ),
        sa.CheckConstraint("dose > 0", name=op.f("ck_medication_administrations_dose_above_zero")),
        sa.ForeignKeyConstraint(
            ["adverse_event_id"],
            ["adverse_events.id"],
            name=op.f("fk_medication_administrations_adverse_event_id_adverse_events"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"],
            ["users.id"],
            name=op.f("fk_medication_administrations_entered_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["excursion_id"],
            ["excursions.id"],
            name=op.f("fk_medication_administrations_excursion_id_excursions"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["medication_orders.id"],
            name=op.f("fk_medication_administrations_order_id_medication_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_medication_administrations_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_administrations")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_medication_administrations_idempotency_key")
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_medication_administrations_order_id")),
    )
    with op.batch_alter_table("medication_administrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_medication_administrations_session_id", ["session_id"], unique=False
        )

    for table in APPEND_ONLY:
        triggers.make_append_only(op, table)


def downgrade() -> None:
    """Drop the tables (and their triggers)."""
    for table in APPEND_ONLY:
        triggers.drop_append_only(op, table)
    with op.batch_alter_table("medication_administrations", schema=None) as batch_op:
        batch_op.drop_index("ix_medication_administrations_session_id")

    op.drop_table("medication_administrations")
    with op.batch_alter_table("adverse_event_outcomes", schema=None) as batch_op:
        batch_op.drop_index("ix_adverse_event_outcomes_adverse_event_id")

    op.drop_table("adverse_event_outcomes")
    with op.batch_alter_table("adverse_event_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index("ix_adverse_event_acknowledgements_session_id")

    op.drop_table("adverse_event_acknowledgements")
    with op.batch_alter_table("adverse_events", schema=None) as batch_op:
        batch_op.drop_index("ix_adverse_events_session_id")

    op.drop_table("adverse_events")
    with op.batch_alter_table("ketamine_waste_witnesses", schema=None) as batch_op:
        batch_op.drop_index("ix_ketamine_waste_witnesses_session_id")

    op.drop_table("ketamine_waste_witnesses")
    with op.batch_alter_table("ketamine_wastes", schema=None) as batch_op:
        batch_op.drop_index("ix_ketamine_wastes_session_id")

    op.drop_table("ketamine_wastes")
    with op.batch_alter_table("medication_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_medication_orders_session_id")

    op.drop_table("medication_orders")
    with op.batch_alter_table("ketamine_draws", schema=None) as batch_op:
        batch_op.drop_index("ix_ketamine_draws_session_id")
        batch_op.drop_index("ix_ketamine_draws_lot")

    op.drop_table("ketamine_draws")
    with op.batch_alter_table("ketamine_discrepancy_resolutions", schema=None) as batch_op:
        batch_op.drop_index("ix_ketamine_discrepancy_resolutions_session_id")

    op.drop_table("ketamine_discrepancy_resolutions")
