"""Rescue medications as use cases (both databases): a dose on standing order against the
session's adverse event or excursion; a drug without one only under the physician's
password-signed order, given once; the session maximum counted over every earlier dose;
each write audited, stored once per key, refused on a locked record and for the wrong
role, with nothing stored when refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.services.early_end import end_session_early
from monitor.services.errors import (
    Conflict,
    IllegalTransition,
    InvalidEntry,
    NotFound,
    PermissionDenied,
)
from monitor.services.medications import give_medication, medications_of, open_orders
from tests import factories, medication_data
from tests.factories import T0
from tests.medication_data import Bedside, audited, counts, give, order

LATER = T0 + timedelta(minutes=10)


@pytest.fixture
def bed(database: Database, config: Config) -> Bedside:
    return medication_data.bedside(database, config)


def fields(error: InvalidEntry) -> list[str]:
    return [p.field for p in error.problems]


def test_ondansetron_on_standing_order_against_an_adverse_event(
    database: Database, config: Config, bed: Bedside
) -> None:
    given = give(database, config, bed.nurse, bed.session_id, adverse_event_id=bed.adverse_event_id)
    assert given.words == "Ondansetron 4 mg IV" and not given.duplicate
    (row,) = medications_of(database, bed.session_id)
    assert (row.drug, row.dose, row.route, row.given_at) == ("ondansetron", 4, "iv", LATER)
    assert row.given_by == bed.nurse.full_name
    assert row.indication == "Nausea (Grade 2: moderate)"
    assert row.ordered_by is None
    assert audited(database, "medication.given") == 1


def test_a_retried_key_stores_once_and_other_values_conflict(
    database: Database, config: Config, bed: Bedside
) -> None:
    key = factories.key()
    first = give(
        database, config, bed.nurse, bed.session_id, excursion_id=bed.excursion_id, key=key
    )
    again = give(
        database, config, bed.nurse, bed.session_id, excursion_id=bed.excursion_id, key=key
    )
    assert again.duplicate and again.administration_id == first.administration_id
    assert counts(database) == (0, 1)
    with pytest.raises(Conflict):
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            route="odt",
            excursion_id=bed.excursion_id,
            key=key,
        )
    other = factories.user(database)
    with pytest.raises(Conflict):
        give(database, config, other, bed.session_id, excursion_id=bed.excursion_id, key=key)
    assert counts(database) == (0, 1)
    assert audited(database, "medication.given") == 1


def test_the_session_maximum_counts_every_earlier_dose(
    database: Database, config: Config, bed: Bedside
) -> None:
    for _ in range(2):  # 8 mg: the maximum
        give(database, config, bed.nurse, bed.session_id, adverse_event_id=bed.adverse_event_id)
    with pytest.raises(InvalidEntry) as refused:
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            route="odt",
            adverse_event_id=bed.adverse_event_id,
        )
    assert fields(refused.value) == ["dose"]
    assert "past the maximum of 8 mg" in refused.value.problems[0].message
    assert counts(database) == (0, 2)


def test_midazolam_needs_the_physicians_signed_order_given_once(
    database: Database, config: Config, bed: Bedside
) -> None:
    sid, event = bed.session_id, bed.adverse_event_id
    with pytest.raises(InvalidEntry) as refused:
        give(database, config, bed.nurse, sid, drug="midazolam", dose=2, adverse_event_id=event)
    assert refused.value.problems[0].field == "drug"
    assert refused.value.problems[0].message == (
        "Midazolam needs a physician's order, signed with their password"
    )
    ordered = order(database, config, bed.doctor, sid)
    assert ordered.printed_name == bed.doctor.full_name
    (waiting,) = open_orders(database, sid)
    assert waiting.order_id == ordered.order_id and waiting.words == "Midazolam 2 mg IV"
    give(
        database,
        config,
        bed.nurse,
        sid,
        drug="midazolam",
        dose=2,
        adverse_event_id=event,
        order_id=ordered.order_id,
    )
    assert open_orders(database, sid) == ()
    (row,) = medications_of(database, sid)
    assert row.ordered_by == bed.doctor.full_name
    with pytest.raises(InvalidEntry) as reused:
        give(
            database,
            config,
            bed.nurse,
            sid,
            drug="midazolam",
            dose=2,
            adverse_event_id=event,
            order_id=ordered.order_id,
        )
    assert fields(reused.value) == ["order"]
    assert audited(database, "medication.ordered") == 1
    assert counts(database) == (1, 1)


def test_a_dose_unlike_its_order_is_refused(
    database: Database, config: Config, bed: Bedside
) -> None:
    ordered = order(database, config, bed.doctor, bed.session_id)
    with pytest.raises(InvalidEntry) as refused:
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            drug="midazolam",
            dose=1,
            adverse_event_id=bed.adverse_event_id,
            order_id=ordered.order_id,
        )
    assert fields(refused.value) == ["dose"]
    assert counts(database) == (1, 0)


def test_an_order_of_another_session_is_refused(
    database: Database, config: Config, bed: Bedside
) -> None:
    elsewhere = factories.infusing(database, config, bed.nurse, chair=config.clinic.chairs[1])
    ordered = order(database, config, bed.doctor, elsewhere)
    with pytest.raises(InvalidEntry) as refused:
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            drug="midazolam",
            dose=2,
            adverse_event_id=bed.adverse_event_id,
            order_id=ordered.order_id,
        )
    assert fields(refused.value) == ["order"]


def test_an_order_outside_the_range_needs_a_reason(
    database: Database, config: Config, bed: Bedside
) -> None:
    with pytest.raises(InvalidEntry) as refused:
        order(database, config, bed.doctor, bed.session_id, dose="2.5")
    assert fields(refused.value) == ["reason"]
    ordered = order(
        database, config, bed.doctor, bed.session_id, dose="2.5", reason="Severe emergence reaction"
    )
    give(
        database,
        config,
        bed.nurse,
        bed.session_id,
        drug="midazolam",
        dose="2.5",
        adverse_event_id=bed.adverse_event_id,
        order_id=ordered.order_id,
    )
    assert counts(database) == (1, 1)


def test_an_order_counts_what_the_session_already_had(
    database: Database, config: Config, bed: Bedside
) -> None:
    sid, event = bed.session_id, bed.adverse_event_id
    for _ in range(2):  # 4 mg of midazolam: the maximum
        ordered = order(database, config, bed.doctor, sid)
        give(
            database,
            config,
            bed.nurse,
            sid,
            drug="midazolam",
            dose=2,
            adverse_event_id=event,
            order_id=ordered.order_id,
        )
    with pytest.raises(InvalidEntry) as refused:
        order(database, config, bed.doctor, sid, dose=1)
    assert fields(refused.value) == ["reason"]
    assert "to 5 mg, past the maximum of 4 mg" in refused.value.problems[0].message
    order(database, config, bed.doctor, sid, dose=1, reason="Agitation persists")


def test_clonidine_twice_reaches_its_maximum(
    database: Database, config: Config, bed: Bedside
) -> None:
    for _ in range(2):
        ordered = order(
            database, config, bed.doctor, bed.session_id, drug="clonidine", dose="0.1", route="po"
        )
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            drug="clonidine",
            dose="0.1",
            route="po",
            excursion_id=bed.excursion_id,
            order_id=ordered.order_id,
        )
    assert counts(database) == (2, 2)


def test_a_wrong_password_is_refused_and_audited(
    database: Database, config: Config, bed: Bedside
) -> None:
    with pytest.raises(InvalidEntry) as refused:
        order(database, config, bed.doctor, bed.session_id, password="not-mine")
    assert fields(refused.value) == ["password"]
    assert counts(database) == (0, 0)
    assert audited(database, "auth.signing_failed") == 1
    assert audited(database, "medication.ordered") == 0


def test_roles(database: Database, config: Config, bed: Bedside) -> None:
    with pytest.raises(PermissionDenied):
        order(database, config, bed.nurse, bed.session_id)
    auditor = factories.user(database, Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        give(database, config, auditor, bed.session_id, adverse_event_id=bed.adverse_event_id)
    # the physician may give too
    give(database, config, bed.doctor, bed.session_id, adverse_event_id=bed.adverse_event_id)
    assert counts(database) == (0, 1)


def test_the_indication_must_be_this_sessions(
    database: Database, config: Config, bed: Bedside
) -> None:
    other = medication_data.bedside(database, config, chair=config.clinic.chairs[1])
    for values in (
        {},
        {"adverse_event_id": other.adverse_event_id},
        {"excursion_id": other.excursion_id},
        {"adverse_event_id": bed.adverse_event_id, "excursion_id": other.excursion_id},
        {"adverse_event_id": 10_000},
    ):
        with pytest.raises(InvalidEntry) as refused:
            give(database, config, bed.nurse, bed.session_id, **values)  # type: ignore[arg-type]
        assert fields(refused.value) == ["indication"]
    assert counts(database) == (0, 0)


@pytest.mark.parametrize(
    ("at", "field"),
    [(LATER + timedelta(minutes=3), "given_at"), (T0 - timedelta(hours=1), "given_at")],
)
def test_times_in_the_future_or_before_the_session_opened(
    database: Database, config: Config, bed: Bedside, at: object, field: str
) -> None:
    with pytest.raises(InvalidEntry) as refused:
        give_medication(
            database=database,
            config=config,
            actor=bed.nurse,
            session_id=bed.session_id,
            drug="ondansetron",
            dose=4,
            route="iv",
            given_at=at,  # type: ignore[arg-type]
            adverse_event_id=bed.adverse_event_id,
            excursion_id=None,
            order_id=None,
            idempotency_key=factories.key(),
            now=LATER,
        )
    assert fields(refused.value) == [field]


def test_a_locked_record_takes_no_order_and_no_dose(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=1), systolic=185)
    event = medication_data.adverse_event(database, nurse, sid, T0 + timedelta(minutes=2))
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="transferred",
        now=T0 + timedelta(minutes=5),
    )
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        give(database, config, nurse, sid, adverse_event_id=event)
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        order(database, config, doctor, sid)
    assert counts(database) == (0, 0)


def test_an_unknown_session_or_drug(database: Database, config: Config, bed: Bedside) -> None:
    with pytest.raises(NotFound):
        give(database, config, bed.nurse, 999_999, adverse_event_id=bed.adverse_event_id)
    with pytest.raises(InvalidEntry) as refused:
        give(
            database,
            config,
            bed.nurse,
            bed.session_id,
            drug="aspirin",
            adverse_event_id=bed.adverse_event_id,
        )
    assert fields(refused.value) == ["drug"]


def test_the_order_replays_and_conflicts(database: Database, config: Config, bed: Bedside) -> None:
    key = factories.key()
    first = order(database, config, bed.doctor, bed.session_id, key=key)
    again = order(database, config, bed.doctor, bed.session_id, key=key)
    assert again.duplicate and again.order_id == first.order_id
    with pytest.raises(Conflict):
        order(database, config, bed.doctor, bed.session_id, dose=1, key=key)
    assert counts(database) == (1, 0)
    assert audited(database, "medication.ordered") == 1
