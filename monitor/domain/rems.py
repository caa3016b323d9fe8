"""The Spravato REMS patient monitoring form's fields, answered from a session's record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.config import Rems
from monitor.domain.adverse_events import (
    Graded,
    rems_serious_adverse_event,
    rems_serious_reasons,
)
from monitor.domain.pre_dose import limit_of
from monitor.domain.vocabulary import Phase, Severity


@dataclass(frozen=True)
class Observation:
    """One reading, as the form needs it."""

    taken_at: datetime
    phase: str
    systolic: int
    diastolic: int
    spo2: int
    resp_rate: int
    moaas: int | None


@dataclass(frozen=True)
class RemsSummary:
    bp_before_dosing: str | None
    bp_at_40: str | None
    bp_before_completion: str | None
    total_monitoring_minutes: float | None
    minutes_until_ready: float | None
    vitals_acceptable_before_dosing: bool | None
    vitals_acceptable_before_completion: bool | None
    sedation: bool
    dissociation: bool
    respiratory_depression: bool
    # The dose given (stored when the pump stopped; None while unknown), and as a share of
    # the planned dose: the form asks for the dose administered.
    dose_given_mg: float | None = None
    dose_given_ml: float | None = None
    dose_given_percent_of_planned: float | None = None
    # Whether a serious adverse event occurred (issue 13): None when the caller did not read
    # the session's adverse events (the record cannot say, rather than a false "no"); and
    # the events that made it yes ("Nausea (Grade 3: severe)").
    serious_adverse_event: bool | None = None
    serious_adverse_events: tuple[str, ...] = ()


def _bp(o: Observation | None) -> str | None:
    return f"{o.systolic}/{o.diastolic}" if o else None


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    return round((end - start) / timedelta(minutes=1)) if start and end else None


def summarize(
    *,
    observations: Sequence[Observation],
    dosing_started_at: datetime | None,
    completed_at: datetime | None,
    ready_at: datetime | None,
    vitals_met_at_completion: bool | None,
    cadss_after_dosing: Sequence[int],
    cadss_cutoff: float,
    rules: Rems,
    delivered_mg: float | None = None,
    delivered_ml: float | None = None,
    planned_mg: float | None = None,
    adverse_events: Sequence[Graded] | None = None,
    rems_serious_from: Severity | None = None,
) -> RemsSummary:
    """Answer each REMS field; None where the record cannot yet say. The serious-adverse-
    event answer needs the session's events and the clinic's threshold
    (`config.adverse_events.rems_serious_from`) together, or neither."""
    if (adverse_events is None) != (rems_serious_from is None):
        raise ValueError("adverse_events and rems_serious_from go together")
    ordered = sorted(observations, key=lambda o: o.taken_at)
    baseline = [o for o in ordered if o.phase == Phase.BASELINE]
    before_dosing = baseline[-1] if baseline else None
    at_40 = None
    if dosing_started_at:
        target = dosing_started_at + timedelta(minutes=rules.bp_at_minutes)
        window = timedelta(minutes=rules.bp_at_window_minutes)
        near = [o for o in ordered if abs(o.taken_at - target) <= window]
        at_40 = min(near, key=lambda o: abs(o.taken_at - target)) if near else None
    final = [o for o in ordered if completed_at is None or o.taken_at <= completed_at]
    dosed = [o for o in ordered if dosing_started_at and o.taken_at >= dosing_started_at]
    return RemsSummary(
        bp_before_dosing=_bp(before_dosing),
        bp_at_40=_bp(at_40),
        bp_before_completion=_bp(final[-1]) if final and dosing_started_at else None,
        total_monitoring_minutes=_minutes(dosing_started_at, completed_at),
        minutes_until_ready=_minutes(dosing_started_at, ready_at),
        vitals_acceptable_before_dosing=None
        if before_dosing is None
        # the pre-dose check's own rule: one limit for the form and the START refusal
        else not limit_of(rules).exceeded_by(before_dosing.systolic, before_dosing.diastolic),
        vitals_acceptable_before_completion=vitals_met_at_completion,
        sedation=any(
            o.moaas is not None and o.moaas <= rules.sedation_moaas_at_or_below for o in dosed
        ),
        dissociation=any(total > cadss_cutoff for total in cadss_after_dosing),
        respiratory_depression=any(
            o.spo2 < rules.respiratory_depression_spo2_below
            or o.resp_rate < rules.respiratory_depression_rr_below
            for o in dosed
        ),
        dose_given_mg=None if delivered_mg is None else round(delivered_mg, 1),
        dose_given_ml=None if delivered_ml is None else round(delivered_ml, 1),
        dose_given_percent_of_planned=(
            round(100 * delivered_mg / planned_mg)
            if delivered_mg is not None and planned_mg
            else None
        ),
        serious_adverse_event=None
        if adverse_events is None or rems_serious_from is None
        else rems_serious_adverse_event(adverse_events, rems_serious_from=rems_serious_from),
        serious_adverse_events=()
        if adverse_events is None or rems_serious_from is None
        else rems_serious_reasons(adverse_events, rems_serious_from=rems_serious_from),
    )
