"""One module per screen: PATH, NAME, ROLES, `layout` and `register_callbacks(app)`."""

from monitor.pages import (
    account,
    audit_history,
    audit_measures,
    audit_session,
    bedside,
    board,
    course,
    home,
    login,
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
    audit_session,
    staff,
    account,
    course,
)
__all__ = ["PAGES"]
