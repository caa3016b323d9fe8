"""The clinic around the chair (issue 12): treatment courses, screening, consent,
questionnaires, pre-dose clearances and safety flags; patients' sex, allergies and escort;
a temporary password that must be changed; a sign-in held to patient mode.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 19:11:38.549611

Every session now belongs to a course. Sessions recorded before this revision are gathered,
per patient, into one course marked `recorded_before_courses` (indication "other", no
responsible physician, no screening or consent in this system), numbered in the order they
were opened; the quality measures count those courses apart rather than as courses that
skipped screening. No audit entry is written for them: they are a view of rows already
audited, and the audit chain is not touched by a migration.

SQLite cannot copy `sessions` (other tables point at it, under PRAGMA foreign_keys=ON; see
0011), so the course columns are added with ALTER TABLE ... ADD COLUMN and the foreign key
written inline, which SQLite allows for a column whose default is NULL.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from monitor.db import triggers

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
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
}

# The new entries, never changed once stored (courses change, audited, like sessions).
APPEND_ONLY = (
    "screenings",
    "screening_decisions",
    "consents",
    "consent_withdrawals",
    "questionnaire_responses",
    "pre_dose_clearances",
    "safety_flags",
    "safety_flag_acknowledgements",
)
SEX_CHECK = "sex IN ('female', 'male', 'other', 'unknown')"


def upgrade() -> None:
    """Create the course tables, add the new columns, and gather old sessions into courses."""
    _create_tables()
    for table in APPEND_ONLY:
        triggers.make_append_only(op, table)
    _add_columns()
    _gather_old_sessions()


def _create_tables() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.String(length=64), nullable=False),
        sa.Column("indication", sa.String(length=32), nullable=False),
        sa.Column("indication_note", sa.Text(), nullable=True),
        sa.Column("planned_sessions", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("physician_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "recorded_before_courses",
            sa.Boolean(),
            server_default=sa.text("(false)"),
            nullable=False,
        ),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "indication IN ('ptsd', 'treatment_resistant_depression', 'other')",
            name=op.f("ck_courses_indication"),
        ),
        sa.CheckConstraint(
            "status IN ('screening', 'active', 'completed', 'stopped')",
            name=op.f("ck_courses_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_courses_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_courses_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["physician_id"], ["users.id"], name=op.f("fk_courses_physician_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_courses_idempotency_key")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index("ix_courses_patient_id", ["patient_id"], unique=False)
        batch_op.create_index(
            "uq_courses_open_patient",
            ["patient_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('screening', 'active')"),
            postgresql_where=sa.text("status IN ('screening', 'active')"),
        )

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("form_title", sa.String(length=200), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("consented_on", sa.Date(), nullable=False),
        sa.Column("patient_typed_name", sa.String(length=200), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=False),
        sa.Column("witness_printed_name", sa.String(length=200), nullable=False),
        sa.Column("witness_role", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_consents_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"], ["users.id"], name=op.f("fk_consents_witness_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_consents_idempotency_key")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index("ix_consents_course_id", ["course_id"], unique=False)

    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("needs_decision", sa.Boolean(), nullable=False),
        sa.Column("screened_by", sa.Integer(), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_screenings_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["screened_by"], ["users.id"], name=op.f("fk_screenings_screened_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_screenings_idempotency_key")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index("ix_screenings_course_id", ["course_id"], unique=False)

    op.create_table(
        "consent_withdrawals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consents.id"], name=op.f("fk_consent_withdrawals_consent_id_consents")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_consent_withdrawals_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_withdrawals")),
        sa.UniqueConstraint("consent_id", name=op.f("uq_consent_withdrawals_consent_id")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_consent_withdrawals_idempotency_key")),
    )
    op.create_table(
        "pre_dose_clearances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("concern", sa.String(length=16), nullable=False),
        sa.Column("regarding_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cleared_by", sa.Integer(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "concern IN ('baseline_bp', 'self_harm')", name=op.f("ck_pre_dose_clearances_concern")
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by"], ["users.id"], name=op.f("fk_pre_dose_clearances_cleared_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_pre_dose_clearances_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pre_dose_clearances")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_pre_dose_clearances_idempotency_key")),
    )
    with op.batch_alter_table("pre_dose_clearances", schema=None) as batch_op:
        batch_op.create_index("ix_pre_dose_clearances_session_id", ["session_id"], unique=False)

    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=16), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "questionnaire IN ('phq9', 'pcl5')",
            name=op.f("ck_questionnaire_responses_questionnaire"),
        ),
        sa.CheckConstraint(
            "respondent IN ('nurse', 'patient')", name=op.f("ck_questionnaire_responses_respondent")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["users.id"], name=op.f("fk_questionnaire_responses_entered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_questionnaire_responses_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_questionnaire_responses_idempotency_key")
        ),
    )
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.create_index("ix_questionnaire_responses_session_id", ["session_id"], unique=False)

    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("printed_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "decision IN ('cleared', 'declined')", name=op.f("ck_screening_decisions_decision")
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screenings.id"],
            name=op.f("fk_screening_decisions_screening_id_screenings"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["users.id"], name=op.f("fk_screening_decisions_signer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_screening_decisions_idempotency_key")),
        sa.UniqueConstraint("screening_id", name=op.f("uq_screening_decisions_screening_id")),
    )
    op.create_table(
        "safety_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('self_harm')", name=op.f("ck_safety_flags_kind")),
        sa.CheckConstraint(
            "priority IN ('high', 'medium', 'low')", name=op.f("ck_safety_flags_priority")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_responses.id"],
            name=op.f("fk_safety_flags_response_id_questionnaire_responses"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_safety_flags_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_flags")),
    )
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.create_index("ix_safety_flags_session_id", ["session_id"], unique=False)

    op.create_table(
        "safety_flag_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_safety_flag_acknowledgements_acknowledged_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["safety_flags.id"],
            name=op.f("fk_safety_flag_acknowledgements_flag_id_safety_flags"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_safety_flag_acknowledgements_session_id_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_flag_acknowledgements")),
        sa.UniqueConstraint("flag_id", name=op.f("uq_safety_flag_acknowledgements_flag_id")),
        sa.UniqueConstraint(
            "submission_key", name=op.f("uq_safety_flag_acknowledgements_submission_key")
        ),
    )
    with op.batch_alter_table("safety_flag_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_flag_acknowledgements_session_id", ["session_id"], unique=False
        )


def _add_columns() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "ALTER TABLE patients ADD COLUMN sex VARCHAR(16) DEFAULT 'unknown' NOT NULL "
            f"CONSTRAINT ck_patients_sex CHECK ({SEX_CHECK})"
        )
        op.execute(
            "ALTER TABLE sessions ADD COLUMN course_id INTEGER "
            "CONSTRAINT fk_sessions_course_id_courses REFERENCES courses (id)"
        )
    else:
        op.add_column(
            "patients",
            sa.Column("sex", sa.String(length=16), server_default="unknown", nullable=False),
        )
        op.create_check_constraint(op.f("ck_patients_sex"), "patients", SEX_CHECK)
        op.add_column("sessions", sa.Column("course_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_sessions_course_id_courses"), "sessions", "courses", ["course_id"], ["id"]
        )
    op.add_column("patients", sa.Column("allergies", sa.Text(), nullable=True))
    op.add_column("patients", sa.Column("escort_name", sa.String(length=200), nullable=True))
    op.add_column("patients", sa.Column("escort_phone", sa.String(length=32), nullable=True))
    op.add_column("sessions", sa.Column("course_sequence", sa.Integer(), nullable=True))
    op.add_column(
        "sign_in_sessions", sa.Column("patient_mode_session_id", sa.Integer(), nullable=True)
    )
    op.add_column(
        "users",
        sa.Column(
            "must_change_password", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )


def _gather_old_sessions() -> None:
    """One course per patient with sessions, numbering them in the order they opened."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    sessions = bind.execute(
        sa.text(
            "SELECT id, patient_id, protocol_id, opened_at, state FROM sessions "
            "ORDER BY patient_id, opened_at, id"
        )
    ).all()
    by_patient: dict[int, list[sa.Row]] = {}
    for row in sessions:
        by_patient.setdefault(row.patient_id, []).append(row)
    live = {"planned", "baseline", "infusing", "paused", "recovery"}
    courses = sa.table(
        "courses",
        sa.column("id", sa.Integer),
        sa.column("patient_id", sa.Integer),
        sa.column("protocol_id", sa.String),
        sa.column("indication", sa.String),
        sa.column("indication_note", sa.Text),
        sa.column("planned_sessions", sa.Integer),
        sa.column("start_date", sa.Date),
        sa.column("status", sa.String),
        sa.column("status_reason", sa.Text),
        sa.column("status_changed_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("recorded_before_courses", sa.Boolean),
        sa.column("idempotency_key", sa.String),
    )
    for patient_id, rows in by_patient.items():
        first = rows[0]
        opened = first.opened_at
        if isinstance(opened, str):  # SQLite hands back text
            opened = datetime.fromisoformat(opened)
        if opened.tzinfo is None:
            opened = opened.replace(tzinfo=UTC)
        ongoing = any(row.state in live for row in rows)
        course_id = bind.execute(
            courses.insert()
            .values(
                patient_id=patient_id,
                protocol_id=first.protocol_id,
                indication="other",
                indication_note="Sessions recorded before courses existed",
                # config.yaml's course.planned_sessions when written (a migration reads no
                # config), or more when the patient already had more.
                planned_sessions=max(6, len(rows)),
                start_date=opened.date(),
                status="active" if ongoing else "completed",
                status_reason=None if ongoing else "Recorded before courses existed",
                status_changed_at=now,
                created_at=opened,
                recorded_before_courses=True,
                idempotency_key=f"migration-0012-patient-{patient_id}",
            )
            .returning(courses.c.id)
        ).scalar_one()
        for sequence, row in enumerate(rows, start=1):
            bind.execute(
                sa.text("UPDATE sessions SET course_id = :c, course_sequence = :k WHERE id = :s"),
                {"c": course_id, "k": sequence, "s": row.id},
            )


def _drop_session_course_columns() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_sessions_course_id_courses"), "sessions", type_="foreignkey")
    op.drop_column("sessions", "course_sequence")
    op.drop_column("sessions", "course_id")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")

    with op.batch_alter_table("sign_in_sessions", schema=None) as batch_op:
        batch_op.drop_column("patient_mode_session_id")

    _drop_session_course_columns()

    for table in APPEND_ONLY:
        triggers.drop_append_only(op, table)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_patients_sex"), "patients", type_="check")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("escort_phone")
        batch_op.drop_column("escort_name")
        batch_op.drop_column("allergies")
        batch_op.drop_column("sex")

    with op.batch_alter_table("safety_flag_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_flag_acknowledgements_session_id")

    op.drop_table("safety_flag_acknowledgements")
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_flags_session_id")

    op.drop_table("safety_flags")
    op.drop_table("screening_decisions")
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_questionnaire_responses_session_id")

    op.drop_table("questionnaire_responses")
    with op.batch_alter_table("pre_dose_clearances", schema=None) as batch_op:
        batch_op.drop_index("ix_pre_dose_clearances_session_id")

    op.drop_table("pre_dose_clearances")
    op.drop_table("consent_withdrawals")
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_index("ix_screenings_course_id")

    op.drop_table("screenings")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index("ix_consents_course_id")

    op.drop_table("consents")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_courses_open_patient",
            sqlite_where=sa.text("status IN ('screening', 'active')"),
            postgresql_where=sa.text("status IN ('screening', 'active')"),
        )
        batch_op.drop_index("ix_courses_patient_id")

    op.drop_table("courses")
