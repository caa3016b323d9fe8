"""The quality auditor's use cases: the session history, the review of one session (its
access logged), the quality measures, and exports (each one audited). Read-only: nothing
here changes the clinical record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.db.queries.ketamine_record_rows import DEFAULT_BALANCE_STEP
from monitor.db.types import utcnow
from monitor.domain.clinic_time import clinic_iso
from monitor.domain.csv_cells import csv_line, fixed
from monitor.domain.permissions import Action, Role
from monitor.domain.record_access import RECORD_EXPORTED
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.audit import add_audit
from monitor.services.course_measures import (  # issue 12: on the same page
    CourseMeasures as CourseMeasures,
)
from monitor.services.course_measures import course_measures as course_measures
from monitor.services.intervention_measures import (  # issue 13: on the same page
    EXPORT_COLUMNS as INTERVENTION_COLUMNS,
)
from monitor.services.intervention_measures import (
    InterventionMeasures as InterventionMeasures,
)
from monitor.services.intervention_measures import export_cells
from monitor.services.intervention_measures import (
    intervention_measures as intervention_measures,
)
from monitor.services.session_record import SessionRecord, found_record, open_record, rems_of

Period = Literal["week", "month"]
SESSION_COLUMNS = (
    "session_id",
    "opened_at",
    "patient",
    "mrn",
    "chair",
    "nurse",
    "physician",
    "protocol",
    "state",
    "infusion_started_at",
    "infusion_stopped_at",
    "ended_at",
    "dose_mg",
    "high_excursions",
    "medium_excursions",
    "low_excursions",
    "unacknowledged",
    "readings_on_time",
    "readings_late",
    "readings_missed",
    "on_time_rate",
    "minutes_to_discharge_ready",
    "nurse_signed_at",
    "physician_cosigned_at",
    "sign_off",
    # issue 9 (dose): the dose given against dose_mg (planned), and a signed exit's kind
    "dose_given_mg",
    "dose_given_ml",
    "dose_given_percent",
    "exit_kind",
    # issue 12: the treatment course, the session's place in it (k) and the sessions planned
    "course_id",
    "course_session",
    "course_planned",
    # issue 13: adverse events, rescue medications and the ketamine record
    *INTERVENTION_COLUMNS,
)
EXPORT_BATCH = 500  # sessions whose issue-13 columns are read together


def history(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    query: aq.HistoryFilter,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> tuple[list[aq.HistoryRow], int | None]:
    """One page of sessions matching the filter, and how many match (None: more than
    `audit_queries.COUNT_CAP`); "not co-signed" by the clinic's configured window."""
    ensure_allowed(actor, Action.REVIEW)
    with database.session_scope() as db:
        return aq.history_page(
            db,
            query,
            now or utcnow(),
            sort=sort,
            descending=descending,
            offset=max(0, offset),
            limit=min(max(1, limit), 500),
            cosign_window=config.sign_off.cosign_window,
        )


def review_session(
    *,
    database: Database,
    actor: Actor,
    session_id: int,
    now: datetime | None = None,
    ketamine_step: float = DEFAULT_BALANCE_STEP,
) -> SessionRecord:
    """The whole record of a session, read-only; the access itself is logged
    (HIPAA 45 CFR 164.312(b))."""
    return open_record(
        database=database,
        actor=actor,
        action=Action.REVIEW,
        session_id=session_id,
        now=now,
        ketamine_step=ketamine_step,
    )


def export_audit(
    database: Database,
    actor: Actor,
    what: str,
    detail: dict[str, Any],
    session_id: int | None = None,
) -> None:
    """The `record.exported` entry of one export (in its own transaction, before the first
    line leaves): which file and the filter it was made with."""
    with database.session_scope() as db:
        add_audit(
            db,
            actor=actor,
            action=RECORD_EXPORTED,
            entity_type="export",
            entity_id=session_id,
            session_id=session_id,
            at=utcnow(),
            new={"export": what, **detail},
        )


def _time(moment: datetime | None, zone: ZoneInfo) -> str:
    """Every exported time: ISO 8601 in the clinic's zone with its offset, to the second."""
    return clinic_iso(moment, zone)


def sessions_csv(
    *, database: Database, config: Config, actor: Actor, query: aq.HistoryFilter
) -> Iterator[str]:
    """The matching sessions as CSV lines, streamed (bounded memory); the export is audited
    before the first line leaves."""
    ensure_allowed(actor, Action.REVIEW)
    export_audit(database, actor, "sessions.csv", {"filter": query.describe()})
    now, window = utcnow(), config.sign_off.cosign_window

    def lines() -> Iterator[str]:
        yield csv_line(SESSION_COLUMNS)
        with database.session_scope() as db:
            batch: list[aq.HistoryRow] = []
            for r in aq.history_stream(db, query, now, cosign_window=window):
                batch.append(r)
                if len(batch) == EXPORT_BATCH:
                    yield from _session_lines(db, config, batch)
                    batch = []
            yield from _session_lines(db, config, batch)

    return lines()


def _session_lines(db: Session, config: Config, rows: list[aq.HistoryRow]) -> Iterator[str]:
    """The CSV lines of a batch of sessions, with the columns issue 13 added read for the
    whole batch at once (a few statements, not one per session)."""
    zone = config.clinic.zone
    added = export_cells(db, config, [r.session_id for r in rows])
    for r in rows:
        rate = r.on_time_rate
        yield csv_line(
            (
                r.session_id,
                _time(r.opened_at, zone),
                r.patient,
                r.mrn,
                r.chair,
                r.nurse,
                r.physician or "",
                r.protocol_id,
                r.state,
                _time(r.infusion_started_at, zone),
                _time(r.infusion_stopped_at, zone),
                _time(r.ended_at, zone),
                r.dose_mg,
                r.high_count,
                r.medium_count,
                r.low_count,
                r.unacknowledged_count,
                r.readings_on_time,
                r.readings_late,
                r.readings_missed,
                "" if rate is None else fixed(rate, 3),
                "" if r.minutes_to_ready is None else fixed(r.minutes_to_ready, 0),
                _time(r.performed_at, zone),
                _time(r.approved_at, zone),
                r.sign_off,
                *_given(r.delivered_mg, r.delivered_ml, r.dose_mg),
                r.exit_kind or "",
                *_blank_if_none(r.course_id, r.course_session, r.course_planned),
                *added[r.session_id],
            )
        )


def _blank_if_none(*values: int | None) -> tuple[int | str, ...]:
    return tuple("" if v is None else v for v in values)


def _given(
    mg: float | None, ml: float | None, planned_mg: float
) -> tuple[Decimal | str, Decimal | str, Decimal | str]:
    """Delivered mg and mL (two decimals, as stored) and % of planned; blank when unknown."""
    if mg is None or ml is None:
        return "", "", ""
    percent = fixed(100 * mg / planned_mg, 0) if planned_mg else ""
    return fixed(mg, 2), fixed(ml, 2), percent


def readings_csv(
    *, database: Database, config: Config, actor: Actor, query: aq.HistoryFilter
) -> Iterator[str]:
    """Every reading of the matching sessions as CSV lines, streamed; audited first."""
    ensure_allowed(actor, Action.REVIEW)
    export_audit(database, actor, "readings.csv", {"filter": query.describe()})
    now, zone, window = utcnow(), config.clinic.zone, config.sign_off.cosign_window

    def lines() -> Iterator[str]:
        yield csv_line(aq.READING_COLUMNS)
        with database.session_scope() as db:
            for row in aq.readings_stream(db, query, now, cosign_window=window):
                yield csv_line(
                    _time(v, zone) if isinstance(v, datetime) else ("" if v is None else v)
                    for v in row
                )

    return lines()


def rems_csv(*, database: Database, config: Config, actor: Actor, session_id: int) -> str:
    """One session's REMS monitoring-form summary as CSV (field, value); audited."""
    ensure_allowed(actor, Action.EXPORT_RECORD)
    with database.session_scope() as db:
        record = found_record(db, session_id, ketamine_step=config.ketamine.balance_to_ml)
        rems = rems_of(db, config, record)
    header = record.snapshot.header
    export_audit(database, actor, "rems.csv", {}, session_id)
    rows = [
        ("field", "value"),
        ("session_id", header.id),
        ("patient", header.patient_name),
        ("mrn", header.mrn),
        ("date", _time(header.infusion_started_at, config.clinic.zone)),
        ("dose_mg", header.dose_mg),
        ("exit_kind", header.exit_kind or ""),
        *[(k, _cell(v)) for k, v in rems.__dict__.items()],
    ]
    return "".join(csv_line(r) for r in rows)


def _cell(value: object) -> object:
    """A REMS value as one cell: blank when unknown, a list joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return value


def measures(
    *,
    database: Database,
    config: Config,
    actor: Actor,
    start: datetime,
    end: datetime,
    period: Period,
    now: datetime | None = None,
) -> pd.DataFrame:
    """The quality measures per week or month of [start, end) (README: "Quality measures")."""
    ensure_allowed(actor, Action.REVIEW)
    at = now or utcnow()
    with database.session_scope() as db:
        sessions = aq.measure_rows(db, start, end, at, cosign_window=config.sign_off.cosign_window)
        delays = aq.high_acknowledgement_delays(db, start, end)
    return compute_measures(sessions, delays, config.clinic.zone.key, period)


MEASURE_COLUMNS = (
    "period",
    "sessions",
    "on_time_rate",
    "high_per_100",
    "medium_per_100",
    "low_per_100",
    "high_ack_median_min",
    "high_ack_p90_min",
    "high_unacknowledged",
    "ready_median_min",
    "overrides",
    "not_cosigned",
    "stopped_early",
)


def compute_measures(
    sessions: list[aq.MeasureRow],
    delays: list[tuple[datetime, float | None]],
    zone: str,
    period: Period,
) -> pd.DataFrame:
    """Group sessions (by when they were opened) and high excursions (by when detected)
    into clinic-local weeks (Monday first) or months, then compute each measure."""
    freq = "W-SUN" if period == "week" else "M"
    frame = (
        pd.DataFrame([r.__dict__ for r in sessions])
        if sessions
        else pd.DataFrame(columns=list(aq.MeasureRow.__dataclass_fields__))
    )
    if frame.empty:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    local = pd.to_datetime(frame["opened_at"], utc=True).dt.tz_convert(zone).dt.tz_localize(None)
    frame["period"] = local.dt.to_period(freq).dt.start_time
    grouped = frame.groupby("period")
    due = grouped[["readings_on_time", "readings_late", "readings_missed"]].sum().sum(axis=1)
    out = pd.DataFrame(
        {
            "sessions": grouped.size(),
            "on_time_rate": grouped["readings_on_time"].sum() / due.where(due > 0),
            "high_per_100": 100 * grouped["high_count"].sum() / grouped.size(),
            "medium_per_100": 100 * grouped["medium_count"].sum() / grouped.size(),
            "low_per_100": 100 * grouped["low_count"].sum() / grouped.size(),
            "ready_median_min": grouped["minutes_to_ready"].median(),
            "overrides": grouped["override"].sum(),
            "not_cosigned": grouped["not_cosigned"].sum(),
            "stopped_early": grouped["stopped_early"].sum(),
        }
    )
    acks = pd.DataFrame(delays, columns=["detected_at", "minutes"])
    acks["minutes"] = pd.to_numeric(acks["minutes"], errors="coerce").astype("float64")
    if not acks.empty:
        when = pd.to_datetime(acks["detected_at"], utc=True).dt.tz_convert(zone)
        acks["period"] = when.dt.tz_localize(None).dt.to_period(freq).dt.start_time
        by = acks.groupby("period")["minutes"]
        out["high_ack_median_min"] = by.median()
        out["high_ack_p90_min"] = by.quantile(0.9)
        out["high_unacknowledged"] = by.apply(lambda m: int(m.isna().sum()))
    for column in ("high_ack_median_min", "high_ack_p90_min"):
        if column not in out:
            out[column] = float("nan")
    out["high_unacknowledged"] = out.get("high_unacknowledged", 0)
    out = out.fillna({"high_unacknowledged": 0}).reset_index().rename(columns={"index": "period"})
    return out[list(MEASURE_COLUMNS)]


def staff_choices(*, database: Database, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    ensure_allowed(actor, Action.REVIEW)
    with database.session_scope() as db:
        return {
            "nurse": aq.staff(db, Role.NURSE.value),
            "physician": aq.staff(db, Role.PHYSICIAN.value),
        }
