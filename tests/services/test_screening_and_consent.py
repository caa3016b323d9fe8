"""Recording the screening, the physician's signed decision, the consent and its
withdrawal: who may, what each refuses at its field, what each stores and audits, and when
the course turns active or stops."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.course_models import (
    Consent,
    ConsentWithdrawal,
    Course,
    Screening,
    ScreeningDecisionRecord,
)
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, LoginFailure
from monitor.domain.errors import InvalidEntry
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import CourseStatus
from monitor.services.consent import record_consent, withdraw_consent
from monitor.services.courses import course_readiness
from monitor.services.errors import Conflict, NotFound, PermissionDenied
from monitor.services.screening import decide_screening, record_screening
from tests import factories
from tests.factories import PASSWORD, T0


def count(database: Database, model: Any) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def audit(database: Database, action: str) -> list[AuditEvent]:
    with database.session_scope() as db:
        rows = list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.expunge_all()
        return rows


def status(database: Database, course_id: int) -> tuple[str, str | None]:
    with database.session_scope() as db:
        row = db.get(Course, course_id)
        assert row is not None
        return row.status, row.status_reason


@pytest.fixture
def course(database: Database, config: Config) -> tuple[int, int]:
    """(patient id, course id): a course just started, in screening."""
    pid = factories.patient(database, config, ready=False)
    return pid, factories.course(database, config, pid, now=T0)


def screen(database: Database, config: Config, course_id: int, **kwargs: Any) -> Any:
    nurse, _ = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "config": config,
        "actor": nurse,
        "course_id": course_id,
        "answers": factories.all_no(config),
        "idempotency_key": factories.key(),
        "now": T0,
    } | kwargs
    return record_screening(**args)


def with_yes(config: Config) -> dict[str, tuple[str, str]]:
    answers = factories.all_no(config)
    answers["pregnancy"] = ("unknown", "Test pending; results tomorrow")
    return answers


def decide(database: Database, config: Config, screening_id: int, **kwargs: Any) -> Any:
    _, physician = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "config": config,
        "actor": physician,
        "screening_id": screening_id,
        "decision": "cleared",
        "reason": "Negative test seen this morning",
        "password": PASSWORD,
        "idempotency_key": factories.key(),
        "now": T0,
    } | kwargs
    return decide_screening(**args)


def consent(database: Database, config: Config, course_id: int, pid: int, **kwargs: Any) -> int:
    nurse, _ = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "config": config,
        "actor": nurse,
        "course_id": course_id,
        "consented_on": T0.date().isoformat(),
        "patient_typed_name": factories.typed_name(database, pid),
        "password": PASSWORD,
        "idempotency_key": factories.key(),
        "now": T0,
    } | kwargs
    return record_consent(**args)


def withdraw(database: Database, course_id: int, **kwargs: Any) -> Any:
    nurse, _ = factories.course_staff(database)
    args: dict[str, Any] = {
        "database": database,
        "actor": nurse,
        "course_id": course_id,
        "withdrawn_on": T0.date(),
        "reason": "Feels better; does not want more infusions",
        "idempotency_key": factories.key(),
        "now": T0,
    } | kwargs
    return withdraw_consent(**args)


# --- screening ------------------------------------------------------------------------------


def test_all_no_clears_at_once_and_consent_makes_the_course_active(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    pid, course_id = course
    saved = screen(database, config, course_id)
    assert (saved.needs_decision, saved.duplicate) == (False, False)
    assert status(database, course_id) == ("screening", None)
    consent(database, config, course_id, pid)
    assert status(database, course_id) == ("active", None)
    (recorded,) = audit(database, "screening.recorded")
    assert recorded.entity_type == "screening" and recorded.entity_id == saved.screening_id
    (activated,) = audit(database, "course.status_changed")
    assert (activated.old_values, activated.new_values) == (
        {"status": "screening"},
        {"status": "active"},
    )
    with database.session_scope() as db:
        row = db.get(Screening, saved.screening_id)
        assert row is not None
        first = row.answers[0]
        item = config.screening.checklist[0]
        assert first == {
            "code": item.code,
            "label": item.label,
            "source": item.source,
            "answer": "no",
            "note": None,
        }


def test_a_yes_without_a_note_stores_nothing(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    answers = factories.all_no(config)
    answers["substance_use"] = ("yes", "")
    with pytest.raises(InvalidEntry) as refused:
        screen(database, config, course_id, answers=answers)
    assert [p.field for p in refused.value.problems] == ["substance_use.note"]
    assert count(database, Screening) == 0
    assert audit(database, "screening.recorded") == []


def test_screening_is_for_clinical_staff(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    for role in (Role.AUDITOR, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            screen(database, config, course_id, actor=factories.user(database, role))
    assert count(database, Screening) == 0


def test_a_screening_sent_twice(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    key = factories.key()
    first = screen(database, config, course_id, idempotency_key=key)
    again = screen(database, config, course_id, idempotency_key=key)
    assert (again.screening_id, again.duplicate) == (first.screening_id, True)
    with pytest.raises(Conflict, match="other values"):
        screen(database, config, course_id, idempotency_key=key, answers=with_yes(config))
    with pytest.raises(Conflict, match="another user"):
        screen(database, config, course_id, idempotency_key=key, actor=factories.user(database))
    assert count(database, Screening) == 1


def test_a_screening_of_no_course(database: Database, config: Config) -> None:
    with pytest.raises(NotFound):
        screen(database, config, 4242)


# --- the physician's decision -----------------------------------------------------------------


def test_a_cleared_decision_is_signed_and_activates_a_consented_course(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    pid, course_id = course
    saved = screen(database, config, course_id, answers=with_yes(config))
    assert saved.needs_decision
    consent(database, config, course_id, pid)
    readiness = course_readiness(database=database, config=config, course_id=course_id, now=T0)
    assert readiness.missing == ("Screening is awaiting a physician's decision",)
    decided = decide(database, config, saved.screening_id)
    assert (decided.course_status, decided.duplicate) == (CourseStatus.ACTIVE, False)
    _, physician = factories.course_staff(database)
    with database.session_scope() as db:
        row = db.get(ScreeningDecisionRecord, decided.decision_id)
        assert row is not None
        assert (row.printed_name, row.role, row.decision, row.reason) == (
            physician.full_name,
            "physician",
            "cleared",
            "Negative test seen this morning",
        )
    (signed,) = audit(database, "screening.decided")
    assert signed.reason == "Negative test seen this morning"
    assert course_readiness(database=database, config=config, course_id=course_id, now=T0).may_open


def test_a_declined_decision_stops_the_course(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    saved = screen(database, config, course_id, answers=with_yes(config))
    decided = decide(database, config, saved.screening_id, decision="declined",
                     reason="Pregnancy confirmed")  # fmt: skip
    assert decided.course_status is CourseStatus.STOPPED
    assert status(database, course_id) == ("stopped", "Screening declined: Pregnancy confirmed")


def test_only_a_physician_decides_with_their_own_password(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    saved = screen(database, config, course_id, answers=with_yes(config))
    nurse, _ = factories.course_staff(database)
    with pytest.raises(PermissionDenied):
        decide(database, config, saved.screening_id, actor=nurse)
    with pytest.raises(
        InvalidEntry, match="Password not recognised: the signature was not applied"
    ):
        decide(database, config, saved.screening_id, password="wrong-password-here")
    with pytest.raises(InvalidEntry, match="Say why"):
        decide(database, config, saved.screening_id, reason="   ")
    with pytest.raises(InvalidEntry, match="Choose: clear the screening, or decline"):
        decide(database, config, saved.screening_id, decision="maybe")
    assert count(database, ScreeningDecisionRecord) == 0
    assert status(database, course_id) == ("screening", None)


def test_decisions_that_make_no_sense_are_refused(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    _, course_id = course
    all_no = screen(database, config, course_id)
    with pytest.raises(Conflict, match="cleared without a decision"):
        decide(database, config, all_no.screening_id)
    old = screen(database, config, course_id, answers=with_yes(config))
    new = screen(database, config, course_id, answers=with_yes(config))
    with pytest.raises(Conflict, match="A newer screening was recorded"):
        decide(database, config, old.screening_id)
    key = factories.key()
    first = decide(database, config, new.screening_id, idempotency_key=key)
    again = decide(database, config, new.screening_id, idempotency_key=key)
    assert (again.decision_id, again.duplicate) == (first.decision_id, True)
    with pytest.raises(Conflict, match="already decided"):
        decide(database, config, new.screening_id)
    # Refused anyway: said before any password is verified (a wrong one is not counted).
    with pytest.raises(Conflict, match="already decided"):
        decide(database, config, new.screening_id, password="wrong-password-here")
    assert count(database, LoginFailure) == 0
    with pytest.raises(NotFound):
        decide(database, config, 999)
    assert count(database, ScreeningDecisionRecord) == 1


# --- consent ----------------------------------------------------------------------------------


def test_consent_keeps_the_form_and_the_witness(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    pid, course_id = course
    typed = factories.typed_name(database, pid).upper().replace(" ", "  ")
    consent_id = consent(database, config, course_id, pid, patient_typed_name=f"  {typed} ")
    nurse, _ = factories.course_staff(database)
    with database.session_scope() as db:
        row = db.get(Consent, consent_id)
        assert row is not None
        assert (row.form_title, row.form_version) == (
            config.consent.form_title,
            config.consent.form_version,
        )
        assert (row.witness_id, row.witness_printed_name, row.witness_role) == (
            nurse.id,
            nurse.full_name,
            "nurse",
        )
        assert row.patient_typed_name == typed.replace("  ", " ")
    (recorded,) = audit(database, "consent.recorded")
    assert recorded.entity_id == consent_id
    # Still in screening: nothing was screened yet.
    assert status(database, course_id) == ("screening", None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"patient_typed_name": "Someone Else"}, "patient_typed_name", "registered name: Given"),
        ({"patient_typed_name": "  "}, "patient_typed_name", "types their full name"),
        ({"consented_on": "2026-11-21"}, "consented_on", "cannot be after today \\(2026-11-20\\)"),
        ({"consented_on": "20/11/2026"}, "consented_on", "Consent date: enter a date"),
        ({"password": "not-my-password"}, "password", "Password not recognised"),
        ({"idempotency_key": "x"}, "idempotency_key", "reload the page"),
    ],
)
def test_consent_refused_at_its_field(
    database: Database,
    config: Config,
    course: tuple[int, int],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    pid, course_id = course
    with pytest.raises(InvalidEntry, match=message) as refused:
        consent(database, config, course_id, pid, **changes)
    assert refused.value.problems[0].field == field
    assert count(database, Consent) == 0


def test_one_consent_in_force(database: Database, config: Config, course: tuple[int, int]) -> None:
    pid, course_id = course
    key = factories.key()
    first = consent(database, config, course_id, pid, idempotency_key=key)
    assert consent(database, config, course_id, pid, idempotency_key=key) == first
    with pytest.raises(Conflict, match="Consent is already recorded for this course"):
        consent(database, config, course_id, pid)
    assert count(database, Consent) == 1


# --- withdrawal -------------------------------------------------------------------------------


def test_withdrawing_consent_stops_the_course(
    database: Database, config: Config, course: tuple[int, int]
) -> None:
    pid, course_id = course
    screen(database, config, course_id)
    consent(database, config, course_id, pid)
    assert status(database, course_id)[0] == "active"
    key = factories.key()
    first = withdraw(database, course_id, idempotency_key=key)
    assert withdraw(database, course_id, idempotency_key=key).withdrawal_id == first.withdrawal_id
    assert status(database, course_id) == (
        "stopped",
        "Consent withdrawn: Feels better; does not want more infusions",
    )
    (withdrawn,) = audit(database, "consent.withdrawn")
    assert withdrawn.reason == "Feels better; does not want more infusions"
    readiness = course_readiness(database=database, config=config, course_id=course_id, now=T0)
    assert readiness.missing == (
        "This course was stopped: Consent withdrawn: Feels better; does not want more infusions",
    )
    with pytest.raises(Conflict, match="no consent in force"):
        withdraw(database, course_id)
    assert count(database, ConsentWithdrawal) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": " "}, "Say why consent is withdrawn"),
        ({"withdrawn_on": "2026-11-19"}, "cannot be before the consent \\(2026-11-20\\)"),
        ({"withdrawn_on": "2026-11-23"}, "cannot be after today"),
    ],
)
def test_a_withdrawal_refused(
    database: Database,
    config: Config,
    course: tuple[int, int],
    changes: dict[str, Any],
    message: str,
) -> None:
    pid, course_id = course
    consent(database, config, course_id, pid)
    with pytest.raises(InvalidEntry, match=message):
        withdraw(database, course_id, **changes)
    assert count(database, ConsentWithdrawal) == 0
    assert status(database, course_id) == ("screening", None)


def test_nothing_to_withdraw(database: Database, config: Config, course: tuple[int, int]) -> None:
    _, course_id = course
    with pytest.raises(Conflict, match="no consent in force"):
        withdraw(database, course_id)
    with pytest.raises(PermissionDenied):
        withdraw(database, course_id, actor=factories.user(database, Role.AUDITOR))
