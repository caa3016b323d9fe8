"""The patients forms under hostile input (issue 12's new free text: names, allergies, the
escort's name and phone, the reason for a correction, the search): whatever arrives, no 500
and no trace, and every stored patient still obeys the demographics rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import Patient
from monitor.domain.demographics import MAX_ESCORT_NAME, MAX_NAME_PART, MAX_PHONE
from monitor.domain.free_text import MAX_FREE_TEXT
from tests import factories
from tests.test_fuzz import FUZZ, INJECTION, anything, dateish, numberish, post, world

__all__ = ["world"]  # the fixture, shared with tests/test_fuzz.py

texty = st.one_of(anything, st.sampled_from(INJECTION), st.text(max_size=120))


def assert_patients_plausible(database: Database, config: Config) -> None:
    limits = config.plausibility.weight
    with database.session_scope() as db:
        for p in db.scalars(select(Patient)):
            assert limits.min <= p.weight_kg <= limits.max
            assert p.birth_date <= date.today()
            assert (
                0 < len(p.family_name) <= MAX_NAME_PART and 0 < len(p.given_name) <= MAX_NAME_PART
            )
            assert p.allergies is None or len(p.allergies) <= MAX_FREE_TEXT
            assert p.escort_name is None or len(p.escort_name) <= MAX_ESCORT_NAME
            assert p.escort_phone is None or len(p.escort_phone) <= MAX_PHONE


@FUZZ
@given(
    mrn=texty,
    family=texty,
    given_name=texty,
    born=dateish,
    sex=anything,
    weight=numberish,
    allergies=texty,
    escort=texty,
    phone=texty,
    key=anything,
)
def test_register_form(
    world: dict[str, Any],
    database: Database,
    config: Config,
    mrn: Any,
    family: Any,
    given_name: Any,
    born: Any,
    sex: Any,
    weight: Any,
    allergies: Any,
    escort: Any,
    phone: Any,
    key: Any,
) -> None:
    post(
        world,
        "nurse",
        "patients-new-message.children",
        {
            "patients-new-submit.n_clicks": 1,
            "patients-new-key.data": key,
            "patients-new-mrn.value": mrn,
            "patients-new-family-name.value": family,
            "patients-new-given-name.value": given_name,
            "patients-new-birth-date.value": born,
            "patients-new-sex.value": sex,
            "patients-new-weight.value": weight,
            "patients-new-allergies.value": allergies,
            "patients-new-escort-name.value": escort,
            "patients-new-escort-phone.value": phone,
        },
    )
    assert_patients_plausible(database, config)


@FUZZ
@given(text=texty, clicks=anything)
def test_search(world: dict[str, Any], text: Any, clicks: Any) -> None:
    post(
        world,
        "physician",
        "patients-results.children",
        {"patients-search.n_clicks": clicks, "patients-search-text.value": text},
    )


@FUZZ
@given(
    field=st.sampled_from(["family-name", "allergies", "escort-name", "escort-phone", "weight"]),
    value=texty,
    born=dateish,
    reason=texty,
    patient=anything,
    key=anything,
)
def test_correction_form(
    world: dict[str, Any],
    database: Database,
    config: Config,
    field: str,
    value: Any,
    born: Any,
    reason: Any,
    patient: Any,
    key: Any,
) -> None:
    pid = world.get("patient_id")
    if pid is None:
        pid = world["patient_id"] = factories.patient(database, config)
    with database.session_scope() as db:
        stored = db.get(Patient, pid)
        assert stored is not None
        # The other fields as stored, so the fuzzed one is what decides.
        current = {
            "patient-edit-mrn.value": stored.mrn,
            "patient-edit-family-name.value": stored.family_name,
            "patient-edit-given-name.value": stored.given_name,
            "patient-edit-sex.value": stored.sex,
            "patient-edit-weight.value": str(stored.weight_kg),
        }
    post(
        world,
        "nurse",
        "patient-edit-message.children",
        {
            **current,
            "patient-edit-submit.n_clicks": 1,
            "patient-id.data": patient if patient not in (None, "", 0) else pid,
            "patient-edit-key.data": key if key else factories.key(),
            "patient-edit-reason.value": reason,
            f"patient-edit-{field}.value": value,
            "patient-edit-birth-date.value": born,
        },
    )
    assert_patients_plausible(database, config)
