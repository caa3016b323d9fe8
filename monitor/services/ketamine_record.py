"""A session's ketamine record as the bedside card and the record's page show it, its
opening logged as an access to the record, and the physician's resolution of a
discrepancy.

A resolution is allowed on a locked record, because it changes no entry: it states, with
a reason, that the physician accepts this very imbalance (drawn − given − wasted, mL), and
the balance reads RESOLVED only while the imbalance stays that figure. A waste witnessed
or a draw added afterwards changes it and reopens the discrepancy
(monitor.domain.ketamine_balance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import KetamineDiscrepancyResolution
from monitor.db.queries.ketamine import (
    DrawRow,
    ResolutionRow,
    SessionKetamine,
    ketamine_of,
)
from monitor.db.queries.ketamine import WasteRow as WasteRow  # the screens' type of a waste
from monitor.db.types import utcnow
from monitor.domain.ketamine_balance import SessionBalance
from monitor.domain.ketamine_entries import resolution_reason
from monitor.domain.permissions import Action, is_allowed
from monitor.domain.session_state import SessionState, accepts_entries
from monitor.domain.vocabulary import KetamineBalance
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_recorded
from monitor.services.errors import Conflict, IllegalTransition, NotFound, PermissionDenied
from monitor.services.idempotency import run_once, same_person, same_values
from monitor.services.record_access import log_opening
from monitor.services.session_lifecycle import load_locked


@dataclass(frozen=True)
class KetamineRecord:
    session_id: int
    state: str
    locked: bool  # signed and locked: draws and wastes only by addendum
    draws: tuple[DrawRow, ...]
    wastes: tuple[WasteRow, ...]
    resolutions: tuple[ResolutionRow, ...]
    balance: SessionBalance

    @property
    def awaiting_witness(self) -> tuple[WasteRow, ...]:
        return tuple(w for w in self.wastes if not w.witnessed)

    @property
    def concentration_mg_per_ml(self) -> float | None:
        """The session's one concentration, once a draw has set it."""
        return self.draws[0].concentration_mg_per_ml if self.draws else None


@dataclass(frozen=True)
class ResolutionRecorded:
    resolution_id: int
    imbalance_ml: float
    duplicate: bool


def _record(found: SessionKetamine, step: float) -> KetamineRecord:
    return KetamineRecord(
        session_id=found.session_id,
        state=found.state,
        locked=not accepts_entries(SessionState(found.state)),
        draws=found.draws,
        wastes=found.wastes,
        resolutions=found.resolutions,
        balance=found.balance(step),
    )


def ketamine_record(source: Database | Session, config: Config, session_id: int) -> KetamineRecord:
    """The session's draws, wastes (witnessed or awaiting), resolutions and balance."""
    if isinstance(source, Database):
        with source.session_scope() as db:
            return ketamine_record(db, config, session_id)
    found = ketamine_of(source, session_id)
    if found is None:
        raise NotFound(f"Session {session_id} does not exist")
    return _record(found, config.ketamine.balance_to_ml)


def open_ketamine_record(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
) -> KetamineRecord:
    """The record's ketamine page, for the clinical team (VIEW_SESSION) and the auditor
    (VIEW_RECONCILIATION); the opening is logged as a view of the record."""
    if not (
        is_allowed(actor.role, Action.VIEW_SESSION)
        or is_allowed(actor.role, Action.VIEW_RECONCILIATION)
    ):
        raise PermissionDenied(f"A {actor.role.value} may not view the ketamine record")
    with database.session_scope() as db:
        record = ketamine_record(db, config, session_id)
        log_opening(
            db,
            actor=actor,
            session_id=session_id,
            what="screen",
            at=now or utcnow(),
            detail={"page": "ketamine"},
        )
        return record


def resolve_discrepancy(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    reason: str,
    idempotency_key: str,
    now: datetime | None = None,
) -> ResolutionRecorded:
    """A physician resolves the session's open discrepancy with a reason; refused unless
    the balance reads DISCREPANCY. Stores the imbalance it resolves."""
    ensure_allowed(actor, Action.RESOLVE_DISCREPANCY)
    at = now or utcnow()
    text = resolution_reason(reason, minimum=config.sign_off.exit_reason_min_chars)

    def write(db: Session) -> ResolutionRecorded:
        load_locked(db, session_id)  # no lock check: a resolution annotates, see above
        record = ketamine_record(db, config, session_id)
        balance = record.balance
        if balance.status is not KetamineBalance.DISCREPANCY or balance.imbalance_ml is None:
            raise IllegalTransition(
                f"The ketamine balance reads {balance.status.label}: "
                "there is no open discrepancy to resolve"
            )
        row = KetamineDiscrepancyResolution(
            session_id=session_id,
            imbalance_ml=balance.imbalance_ml,
            reason=text,
            resolved_by=actor.id,
            resolved_at=at,
            idempotency_key=idempotency_key,
        )
        add_recorded(
            db,
            row,
            actor=actor,
            action="ketamine.discrepancy_resolved",
            entity_type="ketamine_discrepancy_resolution",
            session_id=session_id,
            at=at,
            reason=text,
            old={"status": balance.status.value},
            new={
                "status": KetamineBalance.RESOLVED.value,
                "imbalance_ml": balance.imbalance_ml,
                "drawn_ml": balance.drawn_ml,
                "given_ml": balance.given_ml,
                "wasted_ml": balance.wasted_ml,
            },
        )
        return ResolutionRecorded(row.id, balance.imbalance_ml, duplicate=False)

    def replay(_db: Session, prior: KetamineDiscrepancyResolution) -> ResolutionRecorded:
        same_person(prior.resolved_by, actor.id)
        if prior.session_id != session_id:
            raise Conflict("This submission key was already used for another session")
        same_values({"reason": prior.reason}, {"reason": text})
        return ResolutionRecorded(prior.id, prior.imbalance_ml, duplicate=True)

    return run_once(
        database, KetamineDiscrepancyResolution, idempotency_key, write=write, replay=replay
    )
