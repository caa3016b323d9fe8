"""The signed record's read model: one session in full — what was measured and done (the
bedside snapshot), acknowledged, signed and corrected, and its audit trail — and the audit
chain streamed for verification."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db.models import Acknowledgement, Addendum, AuditEvent, Signature, User
from monitor.db.queries.before_dose import BeforeDose, before_dose
from monitor.db.queries.interventions import SessionInterventions, session_interventions
from monitor.db.queries.ketamine_record_rows import DEFAULT_BALANCE_STEP
from monitor.db.queries.rows import build_all, columns
from monitor.db.queries.snapshot import SessionSnapshot, session_snapshot
from monitor.domain.audit_chain import Link

SYSTEM_ACTOR = "system"  # the audit trail's actor when no person acted


@dataclass(frozen=True)
class AcknowledgementRow:
    excursion_id: int
    action: str
    note: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    by: str
    action: str
    entity: str
    entity_id: int | None
    old: dict[str, object] | None
    new: dict[str, object] | None
    reason: str | None


@dataclass(frozen=True)
class SignatureRow:
    id: int
    printed_name: str
    role: str
    meaning: str
    signed_at: datetime
    criteria: list[dict[str, Any]]
    all_criteria_met: bool
    override_reason: str | None
    # the assessment the signature is on; None only for a physician-signed exit
    # (services.exits). The recovery status matches the nurse's signature to the latest
    # assessment by it.
    assessment_id: int | None = None


@dataclass(frozen=True)
class AddendumRow:
    id: int
    target_type: str
    target_id: int | None
    field: str | None
    original_value: str | None
    corrected_value: str
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class FullRecord:
    """One session as the record shows it: what was measured, done, signed and corrected."""

    snapshot: SessionSnapshot
    acknowledgements: dict[int, AcknowledgementRow]
    audit: tuple[AuditRow, ...]
    signatures: tuple[SignatureRow, ...]
    addenda: tuple[AddendumRow, ...]
    # issue 12: the questionnaires, pre-dose clearances and safety flags before dosing
    before_dose: BeforeDose = BeforeDose()
    # issue 13: adverse events, medications and the ketamine record with its balance
    interventions: SessionInterventions = field(default_factory=SessionInterventions)

    def addenda_for(self, reading_id: int) -> list[AddendumRow]:
        return [a for a in self.addenda if a.target_type == "reading" and a.target_id == reading_id]


def acknowledgements_of(db: Session, session_id: int) -> list[AcknowledgementRow]:
    return build_all(
        AcknowledgementRow,
        db.execute(
            select(
                *columns(
                    AcknowledgementRow,
                    Acknowledgement,
                    by=User.full_name,
                    at=Acknowledgement.acknowledged_at,
                )
            )
            .join(User, User.id == Acknowledgement.acknowledged_by)
            .where(Acknowledgement.session_id == session_id)
            .order_by(Acknowledgement.acknowledged_at, Acknowledgement.id)
        ),
    )


def audit_trail(db: Session, session_id: int) -> list[AuditRow]:
    """The session's audit events, oldest first, with the actor's printed name."""
    chosen = columns(
        AuditRow,
        AuditEvent,
        at=AuditEvent.occurred_at,
        by=func.coalesce(User.full_name, SYSTEM_ACTOR),
        entity=AuditEvent.entity_type,
        old=AuditEvent.old_values,
        new=AuditEvent.new_values,
    )
    return build_all(
        AuditRow,
        db.execute(
            select(*chosen)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.session_id == session_id)
            .order_by(AuditEvent.id)
        ),
    )


def signatures_of(db: Session, session_id: int) -> list[SignatureRow]:
    return build_all(
        SignatureRow,
        db.execute(
            select(*columns(SignatureRow, Signature))
            .where(Signature.session_id == session_id)
            .order_by(Signature.id)
        ),
    )


def addenda_of(db: Session, session_id: int) -> list[AddendumRow]:
    return build_all(
        AddendumRow,
        db.execute(
            select(*columns(AddendumRow, Addendum, author=User.full_name))
            .join(User, User.id == Addendum.author_id)
            .where(Addendum.session_id == session_id)
            .order_by(Addendum.id)
        ),
    )


def full_record(
    db: Session, session_id: int, *, ketamine_step: float = DEFAULT_BALANCE_STEP
) -> FullRecord | None:
    """The whole record; `ketamine_step` is config.ketamine.balance_to_ml (its default
    the config's own) for the balance of the ketamine record."""
    snapshot = session_snapshot(db, session_id)
    if snapshot is None:
        return None
    return FullRecord(
        snapshot=snapshot,
        acknowledgements={a.excursion_id: a for a in acknowledgements_of(db, session_id)},
        audit=tuple(audit_trail(db, session_id)),
        signatures=tuple(signatures_of(db, session_id)),
        addenda=tuple(addenda_of(db, session_id)),
        before_dose=before_dose(db, session_id),
        interventions=session_interventions(db, session_id, step=ketamine_step),
    )


def audit_links(db: Session, batch: int = 5000) -> Iterator[Link]:
    """Every audit event in chain order, streamed in batches (bounded memory)."""
    for event in db.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    ):
        yield Link(event.id, event.prev_hash, event.hash, event.chained_fields())
