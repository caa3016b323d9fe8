"""One module per screen: PATH, NAME, ROLES, `layout` and `register_callbacks(app)`."""

from monitor.pages import (
    account,
    audit_history,
    audit_measures,
    audit_reconciliation,
    audit_session,
    bedside,
    board,
    course,
    home,
    ketamine_record,
    login,
    patient,
    patient_mode,
    patients,
    questionnaire,
    session,
    staff,
)

PAGES = (
    login,
    home,
    bedside,
    board,
    session,
    audit_history,
    audit_measures,
    audit_reconciliation,
    audit_session,
    patients,
    patient,
    staff,
    account,
    questionnaire,
    patient_mode,
    course,
    ketamine_record,
)
__all__ = ["PAGES"]
