"""Who may do what: the ALLOWED table, and refusal of unknown roles."""

from __future__ import annotations

from itertools import product

import pytest

from monitor.domain.permissions import ALLOWED, Action, Role, is_allowed

A = Action
NURSE, PHYSICIAN, AUDITOR, ADMIN = Role.NURSE, Role.PHYSICIAN, Role.AUDITOR, Role.ADMIN

# Written out here, not imported, so a change to the code's table fails a test.
EXPECTED: dict[Action, set[Role]] = {
    A.VIEW_BEDSIDE: {NURSE, PHYSICIAN},
    A.OPEN_SESSION: {NURSE, PHYSICIAN},
    A.RECORD_READING: {NURSE, PHYSICIAN},
    A.RECORD_RATING: {NURSE, PHYSICIAN},
    A.INFUSION_EVENT: {NURSE, PHYSICIAN},
    A.END_SESSION_EARLY: {NURSE, PHYSICIAN},
    A.DISCHARGE: {PHYSICIAN},  # the physician approves the discharge
    A.SIGN_EXIT: {PHYSICIAN},  # a transfer or against-advice exit from recovery
    A.VIEW_BOARD: {PHYSICIAN},
    A.VIEW_SESSION: {NURSE, PHYSICIAN},
    A.ACKNOWLEDGE: {PHYSICIAN},  # a nurse may not acknowledge on a physician's behalf
    A.ASSESS_RECOVERY: {NURSE, PHYSICIAN},
    A.SIGN_PERFORMED: {NURSE},
    A.ADD_ADDENDUM: {NURSE, PHYSICIAN},
    A.EXPORT_RECORD: {NURSE, PHYSICIAN, AUDITOR},
    A.REVIEW: {AUDITOR},
    A.MANAGE_USERS: {ADMIN},
    A.MANAGE_PATIENTS: {ADMIN, NURSE, PHYSICIAN},
    A.VIEW_PATIENT: {ADMIN, NURSE, PHYSICIAN, AUDITOR},  # demographics; views are logged
    A.VIEW_COURSE: {NURSE, PHYSICIAN, AUDITOR},  # never the administrator
    A.MANAGE_COURSE: {NURSE, PHYSICIAN},
    A.RECORD_SCREENING: {NURSE, PHYSICIAN},
    A.DECIDE_SCREENING: {PHYSICIAN},  # a signed decision on a yes or an unknown
    A.RECORD_CONSENT: {NURSE, PHYSICIAN},
    A.RECORD_QUESTIONNAIRE: {NURSE, PHYSICIAN},
    A.CLEAR_PRE_DOSE: {PHYSICIAN},
    A.RECORD_ADVERSE_EVENT: {NURSE, PHYSICIAN},
    A.GIVE_MEDICATION: {NURSE, PHYSICIAN},
    A.ORDER_MEDICATION: {PHYSICIAN},
    A.RECORD_KETAMINE: {NURSE, PHYSICIAN},
    A.WITNESS_WASTE: {NURSE, PHYSICIAN},
    A.RESOLVE_DISCREPANCY: {PHYSICIAN},
    A.VIEW_RECONCILIATION: {PHYSICIAN, AUDITOR},
}
READS = {
    A.VIEW_BEDSIDE,
    A.VIEW_BOARD,
    A.VIEW_SESSION,
    A.EXPORT_RECORD,
    A.REVIEW,
    A.VIEW_PATIENT,
    A.VIEW_COURSE,
    A.VIEW_RECONCILIATION,
}
WRITES = [a for a in Action if a not in READS]


@pytest.mark.parametrize(
    ("role", "action"),
    [pytest.param(r, a, id=f"{r.value}-{a.value}") for r, a in product(Role, Action)],
)
def test_allowed_table(role: Role, action: Action) -> None:
    expected = role in EXPECTED[action]
    assert is_allowed(role, action) is expected
    assert is_allowed(role.value, action) is expected


def test_every_action_is_in_the_table() -> None:
    assert set(ALLOWED) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("action", WRITES, ids=lambda a: a.value)
def test_auditors_may_do_nothing_that_writes(action: Action) -> None:
    assert not is_allowed(AUDITOR, action)
    assert not is_allowed("auditor", action)


def test_auditor_may_only_read() -> None:
    assert {a for a, roles in ALLOWED.items() if AUDITOR in roles} == set(READS) - {
        A.VIEW_BEDSIDE,
        A.VIEW_BOARD,
        A.VIEW_SESSION,
    }


def test_the_administrator_sees_no_clinical_record() -> None:
    clinical_reads = {A.VIEW_BEDSIDE, A.VIEW_BOARD, A.VIEW_SESSION, A.VIEW_COURSE, A.REVIEW}
    assert {a for a in clinical_reads if is_allowed(ADMIN, a)} == set()


def test_only_admins_manage_users() -> None:
    assert {r for r in Role if is_allowed(r, A.MANAGE_USERS)} == {ADMIN}


@pytest.mark.parametrize(
    "role",
    ["superuser", "", "Nurse", "NURSE", " nurse", "nurse ", "root", "doctor", "None"],
)
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_unknown_roles_are_refused(role: str, action: Action) -> None:
    assert is_allowed(role, action) is False
