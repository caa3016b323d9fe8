"""Who may do what: the one table every service and callback checks."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    NURSE = "nurse"
    PHYSICIAN = "physician"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW_BEDSIDE = "view_bedside"
    OPEN_SESSION = "open_session"
    RECORD_READING = "record_reading"
    RECORD_RATING = "record_rating"
    INFUSION_EVENT = "infusion_event"
    END_SESSION_EARLY = "end_session_early"
    DISCHARGE = "discharge"
    SIGN_EXIT = "sign_exit"
    VIEW_BOARD = "view_board"
    VIEW_SESSION = "view_session"
    ACKNOWLEDGE = "acknowledge"
    ASSESS_RECOVERY = "assess_recovery"
    SIGN_PERFORMED = "sign_performed"
    ADD_ADDENDUM = "add_addendum"
    EXPORT_RECORD = "export_record"
    REVIEW = "review"
    MANAGE_USERS = "manage_users"
    MANAGE_PATIENTS = "manage_patients"
    VIEW_PATIENT = "view_patient"
    VIEW_COURSE = "view_course"
    MANAGE_COURSE = "manage_course"
    RECORD_SCREENING = "record_screening"
    DECIDE_SCREENING = "decide_screening"
    RECORD_CONSENT = "record_consent"
    RECORD_QUESTIONNAIRE = "record_questionnaire"
    CLEAR_PRE_DOSE = "clear_pre_dose"
    RECORD_ADVERSE_EVENT = "record_adverse_event"
    GIVE_MEDICATION = "give_medication"
    ORDER_MEDICATION = "order_medication"
    RECORD_KETAMINE = "record_ketamine"
    WITNESS_WASTE = "witness_waste"
    RESOLVE_DISCREPANCY = "resolve_discrepancy"
    VIEW_RECONCILIATION = "view_reconciliation"


CLINICAL = frozenset({Role.NURSE, Role.PHYSICIAN})

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_BEDSIDE: CLINICAL,
    Action.OPEN_SESSION: CLINICAL,
    Action.RECORD_READING: CLINICAL,
    Action.RECORD_RATING: CLINICAL,
    Action.INFUSION_EVENT: CLINICAL,
    Action.END_SESSION_EARLY: CLINICAL,
    # Discharge is approved by the physician (docs/clinical.md: the physician co-signs).
    Action.DISCHARGE: frozenset({Role.PHYSICIAN}),
    # Leaving recovery without discharge (transfer, against medical advice) is the
    # physician's decision, signed like the discharge (issue 9: ending early is deliberate).
    Action.SIGN_EXIT: frozenset({Role.PHYSICIAN}),
    # Acknowledging is the physician's (Joint Commission NPSG.06.01.01 EP3: set by role).
    Action.VIEW_BOARD: frozenset({Role.PHYSICIAN}),
    Action.VIEW_SESSION: CLINICAL,
    Action.ACKNOWLEDGE: frozenset({Role.PHYSICIAN}),
    Action.ASSESS_RECOVERY: CLINICAL,
    # The nurse signs the assessment as performed; the physician approves (co-signs).
    Action.SIGN_PERFORMED: frozenset({Role.NURSE}),
    Action.ADD_ADDENDUM: CLINICAL,
    Action.EXPORT_RECORD: frozenset({Role.NURSE, Role.PHYSICIAN, Role.AUDITOR}),
    # The quality audit: read-only screens and exports, for the auditor.
    Action.REVIEW: frozenset({Role.AUDITOR}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    # Registering and correcting demographics: the front desk's work, so the administrator
    # too; the administrator still sees no clinical record (no course, no session).
    Action.MANAGE_PATIENTS: frozenset({Role.ADMIN, Role.NURSE, Role.PHYSICIAN}),
    Action.VIEW_PATIENT: frozenset({Role.ADMIN, Role.NURSE, Role.PHYSICIAN, Role.AUDITOR}),
    # The course page: the auditor reads it, never writes it.
    Action.VIEW_COURSE: frozenset({Role.NURSE, Role.PHYSICIAN, Role.AUDITOR}),
    Action.MANAGE_COURSE: CLINICAL,
    Action.RECORD_SCREENING: CLINICAL,
    # Clearing a screening with a yes or unknown, or declining the course, is the
    # physician's signed decision (issue 12; docs/clinical.md "Screening").
    Action.DECIDE_SCREENING: frozenset({Role.PHYSICIAN}),
    # The witness is any clinical staff member, who signs with a re-entered password.
    Action.RECORD_CONSENT: CLINICAL,
    Action.RECORD_QUESTIONNAIRE: CLINICAL,
    # A baseline BP above the limit, or a positive self-harm item, needs a physician.
    Action.CLEAR_PRE_DOSE: frozenset({Role.PHYSICIAN}),
    # What was given and what happened (issue 13; docs/clinical.md "Adverse events",
    # "Rescue medications", "The ketamine record"). The nurse records events and gives a
    # standing-order drug; any other drug, or a dose outside the formulary's range or past
    # its session maximum, needs the physician's signed order.
    Action.RECORD_ADVERSE_EVENT: CLINICAL,
    Action.GIVE_MEDICATION: CLINICAL,
    Action.ORDER_MEDICATION: frozenset({Role.PHYSICIAN}),
    Action.RECORD_KETAMINE: CLINICAL,
    # A witness to wasted ketamine is a second licensed person: a nurse or a physician.
    Action.WITNESS_WASTE: CLINICAL,
    # Only a physician resolves a ketamine discrepancy, with a reason.
    Action.RESOLVE_DISCREPANCY: frozenset({Role.PHYSICIAN}),
    # The controlled-substance reconciliation: read by the auditor, and by the physician,
    # who resolves the discrepancies it lists.
    Action.VIEW_RECONCILIATION: frozenset({Role.PHYSICIAN, Role.AUDITOR}),
}


def is_allowed(role: Role | str, action: Action) -> bool:
    """Whether a role may take an action; unknown roles may do nothing."""
    try:
        return Role(role) in ALLOWED[action]
    except ValueError:
        return False
