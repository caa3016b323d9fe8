"""Patients through the real services on SQLite and PostgreSQL: register once per key,
refuse a duplicate MRN or an impossible value at its field with nothing stored, search by
name, MRN or birth date (the search logged by its kind, never its text), view logged, edit
audited with old and new values and the reason; no deletion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Patient
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Role
from monitor.services.errors import Conflict, PermissionDenied
from monitor.services.patients import edit_patient, register_patient, search_patients, view_patient
from tests import factories
from tests.factories import T0


def values(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "mrn": "MRN-1001",
        "family_name": "Okafor",
        "given_name": "Ada",
        "birth_date": "1980-04-02",
        "sex": "female",
        "weight_kg": "72.5",
        "allergies": "Penicillin",
        "escort_name": "Ben Okafor",
        "escort_phone": "+44 20 7946 0958",
    }
    return base | overrides


def register(database: Database, config: Config, actor: Any, **overrides: Any) -> Any:
    key = overrides.pop("idempotency_key", factories.key())
    return register_patient(
        database=database,
        config=config,
        actor=actor,
        idempotency_key=key,
        now=T0,
        **values(**overrides),
    )


def count(database: Database, model: type, **where: Any) -> int:
    with database.session_scope() as db:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.scalar(query) or 0


def audit(database: Database, action: str) -> list[AuditEvent]:
    with database.session_scope() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.expunge_all()
        return list(rows)


def refused_field(call: Any) -> str:
    with pytest.raises(InvalidEntry) as caught:
        call()
    return caught.value.problems[0].field


def test_register_stores_once_per_key(database: Database, config: Config) -> None:
    admin = factories.user(database, Role.ADMIN)
    key = factories.key()
    first = register(database, config, admin, idempotency_key=key)
    again = register(database, config, admin, idempotency_key=key)
    assert again.patient_id == first.patient_id and again.duplicate and not first.duplicate
    assert count(database, Patient) == 1
    [entry] = audit(database, "patient.registered")
    assert entry.entity_id == first.patient_id and entry.actor_id == admin.id
    assert entry.new_values and entry.new_values["weight"] == 72.5
    with pytest.raises(Conflict):
        register(database, config, admin, idempotency_key=key, weight_kg="73")
    assert count(database, Patient) == 1


def test_duplicate_mrn_refused_at_the_field(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    register(database, config, nurse)
    assert refused_field(lambda: register(database, config, nurse, family_name="Other")) == "mrn"
    assert count(database, Patient) == 1


@pytest.mark.parametrize(
    ("field", "value", "refused"),
    [
        ("birth_date", "2025-02-30", "birth_date"),
        ("birth_date", "2026-11-21", "birth_date"),  # after T0's day
        ("birth_date", "1900-01-01", "birth_date"),  # older than 120
        ("weight_kg", "29.9", "weight"),
        ("weight_kg", "300.1", "weight"),
        ("sex", "x", "sex"),
        ("escort_phone", "call me", "escort_phone"),
        ("allergies", "x" * 2001, "allergies"),
    ],
)
def test_bad_values_store_nothing(
    database: Database, config: Config, field: str, value: str, refused: str
) -> None:
    nurse = factories.user(database)
    assert refused_field(lambda: register(database, config, nurse, **{field: value})) == refused
    assert count(database, Patient) == 0
    assert audit(database, "patient.registered") == []


def test_the_auditor_registers_no_one(database: Database, config: Config) -> None:
    auditor = factories.user(database, Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        register(database, config, auditor)


def test_search_by_name_mrn_and_birth_date(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    ada = register(database, config, nurse).patient_id
    register(database, config, nurse, mrn="MRN-2002", family_name="Smith", birth_date="1975-06-30")

    def found(text: str) -> list[int]:
        return [
            row.patient_id for row in search_patients(database=database, actor=nurse, text=text)
        ]

    assert found("okaf") == [ada]
    assert found("ada okafor") == [ada]
    assert found("mrn-1001") == [ada]
    assert found("1980-04-02") == [ada]
    assert found("1980-04-03") == []
    assert found("%") == []  # a wildcard is a character, not "everyone"
    assert len(found("a")) == 2
    kinds = [e.new_values["kind"] for e in audit(database, "patient.searched") if e.new_values]
    assert kinds == ["name", "name", "mrn", "birth_date", "birth_date", "name", "name"]
    assert all("okaf" not in str(e.new_values) for e in audit(database, "patient.searched"))


def test_search_refuses_an_impossible_day(database: Database) -> None:
    nurse = factories.user(database)
    call = lambda: search_patients(database=database, actor=nurse, text="2025-02-30")  # noqa: E731
    assert refused_field(call) == "text"


def test_viewing_is_logged(database: Database, config: Config) -> None:
    admin = factories.user(database, Role.ADMIN)
    pid = register(database, config, admin).patient_id
    detail = view_patient(database=database, actor=admin, patient_id=pid, now=T0)
    assert detail.mrn == "MRN-1001" and detail.birth_date == date(1980, 4, 2)
    assert detail.escort_phone == "+44 20 7946 0958"
    [entry] = audit(database, "patient.viewed")
    assert (entry.entity_type, entry.entity_id, entry.actor_id) == ("patient", pid, admin.id)


def test_edit_is_audited_with_old_new_and_reason(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    pid = register(database, config, nurse).patient_id
    key = factories.key()

    def edit(changes: dict[str, object], reason: str = "Weighed today", k: str = key) -> Any:
        return edit_patient(
            database=database,
            config=config,
            actor=nurse,
            patient_id=pid,
            changes=changes,
            reason=reason,
            idempotency_key=k,
            now=T0,
        )

    detail = edit({"weight": "74", "given_name": "Ada", "sex": "female"})
    assert detail.weight_kg == 74.0
    again = edit({"weight": "74", "given_name": "Ada", "sex": "female"})
    assert again.duplicate and again.weight_kg == 74.0
    [entry] = audit(database, "patient.edited")
    assert entry.old_values == {"weight": 72.5}
    assert entry.new_values == {"weight": 74.0, "submission_key": key}
    assert entry.reason == "Weighed today"
    with pytest.raises(Conflict):
        edit({"weight": "75"})
    # No change, no reason, a bad value: refused at the field, nothing stored.
    assert refused_field(lambda: edit({"weight": "74"}, k=factories.key())) == "changes"
    assert refused_field(lambda: edit({"weight": "76"}, "  ", factories.key())) == "reason"
    assert refused_field(lambda: edit({"birth_date": "2025-02-30"}, k=factories.key())) == (
        "birth_date"
    )
    assert len(audit(database, "patient.edited")) == 1
    assert view_patient(database=database, actor=nurse, patient_id=pid).weight_kg == 74.0


def test_edit_mrn_must_stay_unique(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    register(database, config, nurse)
    other = register(database, config, nurse, mrn="MRN-2").patient_id
    call = lambda: edit_patient(  # noqa: E731
        database=database,
        config=config,
        actor=nurse,
        patient_id=other,
        changes={"mrn": "MRN-1001"},
        reason="Typo",
        idempotency_key=factories.key(),
    )
    assert refused_field(call) == "mrn"


def test_the_edit_history_is_shown(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    pid = register(database, config, nurse).patient_id
    edit_patient(
        database=database,
        config=config,
        actor=nurse,
        patient_id=pid,
        changes={"allergies": "None known"},
        reason="Asked again",
        idempotency_key=factories.key(),
        now=T0,
    )
    detail = view_patient(database=database, actor=nurse, patient_id=pid)
    [change] = detail.changes
    assert change.reason == "Asked again" and change.by == nurse.full_name
    assert change.fields == (("allergies", "Penicillin", "None known"),)


def test_who_may_do_what(database: Database, config: Config) -> None:
    """The admin registers, reads and corrects; the auditor only reads."""
    admin, auditor = factories.user(database, Role.ADMIN), factories.user(database, Role.AUDITOR)
    pid = register(database, config, admin).patient_id
    assert view_patient(database=database, actor=auditor, patient_id=pid).mrn == "MRN-1001"
    assert search_patients(database=database, actor=auditor, text="MRN-1001")
    with pytest.raises(PermissionDenied):
        edit_patient(
            database=database,
            config=config,
            actor=auditor,
            patient_id=pid,
            changes={"weight": "80"},
            reason="Not mine to change",
            idempotency_key=factories.key(),
        )
    edited = edit_patient(
        database=database,
        config=config,
        actor=admin,
        patient_id=pid,
        changes={"escort_phone": "020 7946 0000"},
        reason="New number",
        idempotency_key=factories.key(),
    )
    assert edited.escort_phone == "020 7946 0000"
