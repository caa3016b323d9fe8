"""One session in full, for the drill-down page: readings, ratings, events, excursions,
their acknowledgements and the audit trail."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Config, Protocol
from monitor.db import queries
from monitor.db.engine import Database
from monitor.db.queries.ketamine_record_rows import DEFAULT_BALANCE_STEP
from monitor.db.types import utcnow
from monitor.domain.adverse_events import Graded
from monitor.domain.permissions import Action
from monitor.domain.rems import Observation, RemsSummary, summarize
from monitor.domain.vocabulary import Severity, SignatureMeaning
from monitor.reports.discharge_pdf import render
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.adverse_event_reads import adverse_events_of
from monitor.services.errors import NotFound
from monitor.services.record_access import log_opening

SessionRecord = queries.FullRecord


def found_record(
    db: Session, session_id: int, *, ketamine_step: float = DEFAULT_BALANCE_STEP
) -> SessionRecord:
    """The session's whole record, or NotFound: every screen and export reads it here.
    `ketamine_step` is the clinic's `ketamine.balance_to_ml`, for the ketamine balance."""
    record = queries.full_record(db, session_id, ketamine_step=ketamine_step)
    if record is None:
        raise NotFound(f"Session {session_id} does not exist")
    return record


def open_record(
    *,
    database: Database,
    actor: Actor,
    action: Action,
    session_id: int,
    now: datetime | None = None,
    ketamine_step: float = DEFAULT_BALANCE_STEP,
) -> SessionRecord:
    """The whole record of one session for a screen, to someone allowed `action`: opening
    it is logged in the same transaction as the read (HIPAA 45 CFR 164.312(b)). Call it
    once per page load, not from the callbacks that refresh an open page."""
    ensure_allowed(actor, action)
    with database.session_scope() as db:
        record = found_record(db, session_id, ketamine_step=ketamine_step)
        log_opening(db, actor=actor, session_id=session_id, what="screen", at=now or utcnow())
    return record


def session_record(
    *,
    database: Database,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
    ketamine_step: float = DEFAULT_BALANCE_STEP,
) -> SessionRecord:
    """The record on the clinician's drill-down page (nurse, physician)."""
    return open_record(
        database=database,
        actor=actor,
        action=Action.VIEW_SESSION,
        session_id=session_id,
        now=now,
        ketamine_step=ketamine_step,
    )


def rems_of(db: Session, config: Config, record: SessionRecord) -> RemsSummary:
    """The REMS monitoring form's answers for this record, the serious-adverse-event answer
    included (the session's events read in the caller's transaction): what the PDF and the
    REMS CSV print."""
    return rems_summary(
        record,
        config.protocol(record.snapshot.header.protocol_id),
        adverse_events=tuple(e.graded for e in adverse_events_of(db, record.snapshot.header.id)),
        rems_serious_from=config.adverse_events.rems_serious_from,
    )


def rems_summary(
    record: SessionRecord,
    protocol: Protocol,
    *,
    adverse_events: tuple[Graded, ...] | None = None,
    rems_serious_from: Severity | None = None,
) -> RemsSummary:
    """The REMS monitoring form's answers for this record; without the session's adverse
    events the serious-adverse-event answer is None (unknown), never a false "no"."""
    header = record.snapshot.header
    approved = next((s for s in record.signatures if s.meaning == SignatureMeaning.APPROVED), None)
    ready = [s.signed_at for s in record.signatures if s.all_criteria_met]
    vitals_met = (
        next((c["met"] for c in approved.criteria if c["code"] == "vitals"), None)
        if approved
        else None
    )
    start = header.infusion_started_at
    return summarize(
        observations=[
            Observation(**{f.name: getattr(r, f.name) for f in fields(Observation)})
            for r in record.snapshot.readings
        ],
        dosing_started_at=start,
        completed_at=approved.signed_at if approved else header.ended_at,
        ready_at=min(ready) if ready else None,
        vitals_met_at_completion=vitals_met,
        cadss_after_dosing=[
            r.total for r in record.snapshot.ratings if start is not None and r.taken_at > start
        ],
        cadss_cutoff=protocol.ratings.cadss_dissociation_cutoff,
        rules=protocol.rems,
        delivered_mg=header.delivered_mg,
        delivered_ml=header.delivered_ml,
        planned_mg=header.dose_mg,
        adverse_events=adverse_events,
        rems_serious_from=rems_serious_from,
    )


def discharge_pdf(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
) -> bytes:
    """The session's record as a PDF (the export is itself audited)."""
    ensure_allowed(actor, Action.EXPORT_RECORD)
    at = now or utcnow()
    with database.session_scope() as db:
        record = found_record(db, session_id, ketamine_step=config.ketamine.balance_to_ml)
        rems = rems_of(db, config, record)
    pdf = render(
        record,
        rems,
        clinic=config.clinic.name,
        zone=config.clinic.zone,
        generated_at=at,
        spo2_range=config.chart.spo2_range,  # issue 9 (chart)
    )
    with database.session_scope() as db:
        log_opening(
            db,
            actor=actor,
            session_id=session_id,
            what="pdf",
            at=at,
            detail={"format": "pdf", "bytes": len(pdf)},
        )
    return pdf
