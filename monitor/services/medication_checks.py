"""What an order and a dose both check first: the drug is one of the formulary's, the route
is text, an id picked on the card is a whole number, and the session still takes entries
(its record not signed and locked), plus how much of a drug the session has had already.
Shared by `medication_orders` (the physician's signed order) and `medications` (the dose
given), so both refuse in the same words."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.config.interventions import RescueDrug
from monitor.db.intervention_models import MedicationAdministration
from monitor.db.models import InfusionSession
from monitor.domain.errors import refuse
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.services.errors import IllegalTransition, NotFound
from monitor.services.session_lifecycle import load_locked


def formulary_drug(config: Config, code: object) -> RescueDrug:
    try:
        return config.formulary.drug(str(code)) if isinstance(code, str) else no_drug()
    except KeyError:
        return no_drug()


def no_drug() -> RescueDrug:
    raise refuse("drug", "Choose a drug from the formulary")


def route_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def optional_id(value: object, field: str) -> int | None:
    """An id picked on the card: None when nothing was picked."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise refuse(field, "Choose from the list")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise refuse(field, "Choose from the list")
    return int(text)


def for_entries(db: Session, session_id: int, *, lock: bool) -> InfusionSession:
    """The session (locked for a write), refused once its record is signed and locked."""
    row = load_locked(db, session_id) if lock else db.get(InfusionSession, session_id)
    if row is None:
        raise NotFound(f"Session {session_id} does not exist")
    if not accepts_entries(SessionState(row.state)):
        raise IllegalTransition(
            f"This session is {row.state.replace('_', ' ')} and its record is signed and "
            "locked: medications can no longer be added. Add an addendum to the record to "
            "say what was given."
        )
    return row


def given_this_session(db: Session, session_id: int, drug: str) -> float:
    """Every dose of this drug already given in the session, in the drug's unit."""
    total = db.scalar(
        select(func.coalesce(func.sum(MedicationAdministration.dose), 0.0)).where(
            MedicationAdministration.session_id == session_id,
            MedicationAdministration.drug == drug,
        )
    )
    return float(total or 0.0)
