"""The supervising physician's board: every active session as a tile, most urgent first.

An open safety flag (a PHQ-9 item-9 answer above 0) counts as an unacknowledged high alert:
its tile goes first, and it escalates after the same minutes as a high excursion. So does
an adverse event the domain sends to the board (severe or worse, or serious: issue 13)
until a physician acknowledges it. Every tile also carries what was given and what
happened so far (every adverse event with its latest outcome, latest onset first; every
drug given, repeated doses grouped), for a quiet line beneath the alerts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from monitor.config import Config
from monitor.db import queries
from monitor.db.engine import Database
from monitor.db.queries.board import BoardMedication
from monitor.db.queries.interventions import dose_words
from monitor.db.types import utcnow
from monitor.domain.board import TileState, escalated, order
from monitor.domain.excursions import PRIORITY_RANK
from monitor.domain.infusion_times import build_infusion_times, pause_events_by_session
from monitor.domain.permissions import Action
from monitor.domain.questionnaires import BEFORE_DOSING
from monitor.domain.schedule import DueState, DueStatus, next_due
from monitor.domain.session_of import session_of
from monitor.domain.vocabulary import (
    AdverseEventOutcome,
    MedicationRoute,
    Phase,
    Priority,
    SessionState,
    Severity,
    label_of,
)
from monitor.services.actors import Actor, ensure_allowed
from monitor.services.adverse_event_flags import flag_message, flags
from monitor.services.pre_dose import pre_dose_status


@dataclass(frozen=True)
class TileAlert:
    excursion_id: int
    priority: Priority
    label: str
    message: str
    detected_at: datetime
    escalated: bool


@dataclass(frozen=True)
class TileFlag:
    """An open safety flag on a tile: a physician acknowledges it (or clears the dose)."""

    flag_id: int
    kind: str
    priority: Priority
    message: str
    raised_at: datetime
    escalated: bool


@dataclass(frozen=True)
class TileAdverseFlag:
    """A flagged adverse event on a tile, always high: a physician acknowledges it."""

    adverse_event_id: int
    kind_label: str
    severity: Severity
    serious: bool
    onset_at: datetime
    raised_at: datetime  # when the nurse recorded it: the board could show it from then
    escalated: bool
    priority: Priority = Priority.HIGH

    @property
    def message(self) -> str:
        return flag_message(self.kind_label, self.severity, self.serious)


@dataclass(frozen=True)
class TileEvent:
    """One adverse event of the session, as the tile's line words it: "Nausea G1 · resolved"."""

    onset_at: datetime
    words: str


@dataclass(frozen=True)
class TileGiven:
    """Every dose of one drug by one route in the session, grouped: the physician sees each
    drug given, how often and how much in all, whatever else happened."""

    drug_name: str
    unit: str
    route: str
    doses: tuple[float, ...]  # in the order given
    latest_at: datetime

    @property
    def words(self) -> str:
        """ "Ondansetron 4 mg IV", "Ondansetron 4 mg IV ×2 (8 mg)", "Ondansetron 4 + 8 mg IV
        ×2 (12 mg)": the dose (or each dose), the count and the total once repeated."""
        if len(set(self.doses)) == 1:
            words = dose_words(self.drug_name, self.doses[0], self.unit, self.route)
        else:
            each = " + ".join(f"{d:g}" for d in self.doses)
            words = f"{self.drug_name} {each} {self.unit} {label_of(MedicationRoute, self.route)}"
        if len(self.doses) == 1:
            return words
        return f"{words} ×{len(self.doses)} ({sum(self.doses):g} {self.unit})"


@dataclass(frozen=True)
class TileHappenings:
    """What was given and what happened so far, in two parts: the events, latest onset
    first, and every drug given, in the order of its latest dose."""

    events: tuple[TileEvent, ...] = ()
    given: tuple[TileGiven, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.events or self.given)


@dataclass(frozen=True)
class Tile:
    session_id: int
    chair: str
    patient_initials: str
    mrn: str
    state: str
    minutes_since_start: float | None
    latest: queries.BoardReading | None
    latest_age_seconds: float | None
    bp_trend: tuple[tuple[int, int], ...]  # (systolic, diastolic) since the baseline
    baseline_systolic: int | None
    alert: TileAlert | None
    unacknowledged: tuple[TileAlert, ...]
    due: DueStatus
    cadss_total: int | None
    cadss_version: str | None
    nurse_signed_at: datetime | None = None  # the nurse signed: awaiting co-signature
    course_sequence: int | None = None
    planned_sessions: int | None = None
    safety_flags: tuple[TileFlag, ...] = ()  # open, oldest first
    # Before dosing: what the pre-dose check still waits for, in its words (empty once the
    # infusion may start, and for every session past it).
    pre_dose_missing: tuple[str, ...] = ()
    adverse_flags: tuple[TileAdverseFlag, ...] = ()  # open, by onset
    happenings: TileHappenings = TileHappenings()  # every event and every drug given

    @property
    def flagged(self) -> bool:
        """An open safety flag or adverse-event flag: a high alert above everything."""
        return bool(self.safety_flags or self.adverse_flags)

    @property
    def awaiting_cosignature(self) -> bool:
        return self.nurse_signed_at is not None

    @property
    def session_of(self) -> str | None:
        return session_of(self.course_sequence, self.planned_sessions)


@dataclass(frozen=True)
class LiveBoard:
    """The board as one read at one moment: the tiles in urgency order."""

    tiles: tuple[Tile, ...]
    generated_at: datetime


def reading_due(data: queries.BoardData, config: Config, at: datetime) -> dict[int, DueStatus]:
    """When each active session's next reading is due: its protocol's schedule, counted in
    infusion time (pauses left out), against the readings taken. The board's tiles and the
    bedside's chair list both show it, so both work it out here."""
    taken: dict[int, list[datetime]] = defaultdict(list)
    for reading in data.readings:
        taken[reading.session_id].append(reading.taken_at)
    pauses = pause_events_by_session(data.pause_events)
    return {
        s.id: next_due(
            build_infusion_times(s.infusion_started_at, s.infusion_stopped_at, pauses[s.id]),
            config.protocol(s.protocol_id).schedule,
            taken[s.id],
            at,
        )
        for s in data.sessions
    }


def adverse_flags(
    data: queries.BoardData, config: Config, at: datetime
) -> dict[int, list[TileAdverseFlag]]:
    """Each active session's open adverse events that go to the board, escalated after the
    same minutes as a high excursion."""
    after = config.board.escalate_after_minutes
    shown: dict[int, list[TileAdverseFlag]] = defaultdict(list)
    for e in data.adverse_events:
        if flags(e.severity, e.serious, config):
            shown[e.session_id].append(
                TileAdverseFlag(
                    adverse_event_id=e.id,
                    kind_label=e.kind_label,
                    severity=Severity(e.severity),
                    serious=e.serious,
                    onset_at=e.onset_at,
                    raised_at=e.entered_at,
                    escalated=escalated(e.entered_at, at, after),
                )
            )
    return shown


def event_words(kind_label: str, severity: Severity, serious: bool, outcome: str | None) -> str:
    """ "Nausea G1 · resolved": the kind, its CTCAE grade (and serious), its latest outcome."""
    grade = f"{kind_label} G{severity.grade}" + (" serious" if serious else "")
    return f"{grade} · " + (
        AdverseEventOutcome(outcome).label.lower() if outcome else "no outcome yet"
    )


def happenings(data: queries.BoardData) -> dict[int, TileHappenings]:
    """Each active session's adverse events (with their latest outcome), latest onset
    first, and its rescue doses grouped by drug, route and unit, none left out."""
    events: dict[int, list[TileEvent]] = defaultdict(list)
    for e in data.session_events:
        words = event_words(e.kind_label, Severity(e.severity), e.serious, e.outcome)
        events[e.session_id].append(TileEvent(onset_at=e.onset_at, words=words))
    doses: dict[int, dict[tuple[str, str, str], list[BoardMedication]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for m in sorted(data.medications, key=lambda m: (m.given_at, m.id)):
        doses[m.session_id][(m.drug_name, m.route, m.unit)].append(m)
    given = {
        sid: [
            TileGiven(
                drug_name=name,
                unit=unit,
                route=route,
                doses=tuple(m.dose for m in ms),
                latest_at=ms[-1].given_at,
            )
            for (name, route, unit), ms in groups.items()
        ]
        for sid, groups in doses.items()
    }
    return {
        sid: TileHappenings(
            events=tuple(sorted(events[sid], key=lambda e: e.onset_at, reverse=True)),
            given=tuple(sorted(given.get(sid, []), key=lambda g: g.latest_at)),
        )
        for sid in {*events, *given}
    }


def board_view(
    *, database: Database, config: Config, actor: Actor, now: datetime | None = None
) -> LiveBoard:
    """Read the active sessions once and build their tiles in urgency order."""
    ensure_allowed(actor, Action.VIEW_BOARD)
    at = now or utcnow()
    with database.session_scope() as db:
        data = queries.board_data(db)
    readings = defaultdict(list)
    for reading in data.readings:
        readings[reading.session_id].append(reading)
    alerts = defaultdict(list)
    after = config.board.escalate_after_minutes
    for x in data.unacknowledged:
        priority = Priority(x.priority)
        alerts[x.session_id].append(
            TileAlert(
                excursion_id=x.id,
                priority=priority,
                label=x.label,
                message=x.message,
                detected_at=x.detected_at,
                escalated=priority is Priority.HIGH and escalated(x.detected_at, at, after),
            )
        )
    flags = defaultdict(list)
    for f in data.open_flags:
        priority = Priority(f.priority)
        flags[f.session_id].append(
            TileFlag(
                flag_id=f.id,
                kind=f.kind,
                priority=priority,
                message=f.message,
                raised_at=f.raised_at,
                escalated=priority is Priority.HIGH and escalated(f.raised_at, at, after),
            )
        )
    adverse = adverse_flags(data, config, at)
    happened = happenings(data)
    cadss = {r.session_id: r for r in data.ratings}  # ordered by time: the latest wins
    dues = reading_due(data, config, at)

    tiles: dict[int, Tile] = {}
    states: list[TileState] = []
    for s in data.sessions:
        own = readings[s.id]
        due = dues[s.id]
        own_alerts = sorted(alerts[s.id], key=lambda a: (-PRIORITY_RANK[a.priority], a.detected_at))
        baseline = [r for r in own if r.phase == Phase.BASELINE]
        latest = own[-1] if own else None
        rating = cadss.get(s.id)
        tiles[s.id] = Tile(
            session_id=s.id,
            chair=s.chair,
            patient_initials=s.patient_initials,
            mrn=s.mrn,
            state=s.state,
            minutes_since_start=(
                (at - s.infusion_started_at).total_seconds() / 60 if s.infusion_started_at else None
            ),
            latest=latest,
            latest_age_seconds=(at - latest.taken_at).total_seconds() if latest else None,
            bp_trend=tuple(
                (r.systolic, r.diastolic)
                for r in (own[own.index(baseline[-1]) :] if baseline else own)
            ),
            baseline_systolic=baseline[-1].systolic if baseline else None,
            alert=own_alerts[0] if own_alerts else None,
            unacknowledged=tuple(own_alerts),
            due=due,
            cadss_total=rating.total if rating else None,
            cadss_version=rating.version if rating else None,
            nurse_signed_at=s.nurse_signed_at,
            course_sequence=s.course_sequence,
            planned_sessions=s.planned_sessions,
            safety_flags=tuple(flags[s.id]),
            adverse_flags=tuple(adverse[s.id]),
            happenings=happened.get(s.id, TileHappenings()),
            pre_dose_missing=(
                pre_dose_status(database=database, config=config, session_id=s.id).missing
                if SessionState(s.state) in BEFORE_DOSING
                else ()
            ),
        )
        highs = [a.detected_at for a in own_alerts if a.priority is Priority.HIGH]
        highs += [f.raised_at for f in flags[s.id] if f.priority is Priority.HIGH]
        highs += [e.raised_at for e in adverse[s.id]]
        ranks = [a.priority for a in own_alerts] + [f.priority for f in flags[s.id]]
        ranks += [e.priority for e in adverse[s.id]]
        states.append(
            TileState(
                session_id=s.id,
                highest_unacknowledged=max(ranks, key=PRIORITY_RANK.__getitem__, default=None),
                oldest_unacknowledged_high_at=min(highs) if highs else None,
                overdue_seconds=due.overdue_seconds if due.state is DueState.OVERDUE else 0.0,
                started_at=s.infusion_started_at,
                opened_at=s.opened_at,
                nurse_signed_at=s.nurse_signed_at,
            )
        )
    ranked = order(states, at, after)
    return LiveBoard(tiles=tuple(tiles[sid] for sid in ranked), generated_at=at)
