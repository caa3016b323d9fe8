"""`monitor seed-demo` writes a record that could have happened: run the real command on a
fresh database, then check every session's invariants in what it stored.

Each invariant is a function from the stored record to a `Verdict`: how many facts it
checked and what it found wrong. A verdict that checked nothing fails too, so no invariant
can pass on an empty demo. Add an invariant by appending it to INVARIANTS.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import (
    Acknowledgement,
    AuditEvent,
    Excursion,
    InfusionEvent,
    InfusionSession,
    Rating,
    Reading,
    RecoveryAssessment,
    Signature,
)
from monitor.db.types import UTCDateTime, utcnow
from monitor.domain.delivered_dose import PumpEvent, delivered_dose
from monitor.domain.session_state import SessionState
from monitor.services.people import verify_password
from tests.command_line import fresh_database, run_cli
from tests.conftest import BACKENDS
from tests.demo_courses import COURSE_INVARIANTS, CourseInvariant, load_courses
from tests.demo_interventions import GIVEN_INVARIANTS, GivenInvariant, load_given

# One seeded database per backend for the whole file: under `make test`'s workers, the file's
# tests go to one worker (--dist loadgroup), so it is seeded once, not once per worker.
pytestmark = pytest.mark.xdist_group("seeded-demo")


@dataclass
class Seeded:
    """A database the CLI seeded, and the moments just before and after the command ran."""

    url: str
    before: datetime
    after: datetime
    output: str


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("demo")
    with fresh_database(request.param, folder) as url:
        before = utcnow()
        code, output = run_cli(url, folder / "instance", "seed-demo")
        after = utcnow()
        assert code == 0, output
        yield Seeded(url, before, after, output)
    shutil.rmtree(folder, ignore_errors=True)


# ---- the record, loaded once per check ------------------------------------------------


@dataclass
class Record:
    """Everything the demo stored, grouped by session."""

    config: Config
    after: datetime
    sessions: list[InfusionSession]
    readings: dict[int, list[Reading]] = field(default_factory=lambda: defaultdict(list))
    ratings: dict[int, list[Rating]] = field(default_factory=lambda: defaultdict(list))
    events: dict[int, list[InfusionEvent]] = field(default_factory=lambda: defaultdict(list))
    excursions: dict[int, list[Excursion]] = field(default_factory=lambda: defaultdict(list))
    acks: dict[int, list[Acknowledgement]] = field(default_factory=lambda: defaultdict(list))
    assessments: dict[int, list[RecoveryAssessment]] = field(
        default_factory=lambda: defaultdict(list)
    )
    signatures: dict[int, list[Signature]] = field(default_factory=lambda: defaultdict(list))
    audit: list[AuditEvent] = field(default_factory=list)
    stamps: list[tuple[str, datetime]] = field(default_factory=list)

    def end_of(self, session: InfusionSession) -> datetime:
        """When the session ended, or (still running) when the demo was written."""
        return session.ended_at or self.after


def load(database: Database, config: Config, after: datetime) -> Record:
    with database.session_scope() as db:
        record = Record(config, after, list(db.scalars(select(InfusionSession))))
        groups: list[tuple[dict[int, list[Any]], type[Any]]] = [
            (record.readings, Reading),
            (record.ratings, Rating),
            (record.events, InfusionEvent),
            (record.excursions, Excursion),
            (record.acks, Acknowledgement),
            (record.assessments, RecoveryAssessment),
            (record.signatures, Signature),
        ]
        for group, model in groups:
            for row in db.scalars(select(model).order_by(model.id)):
                group[row.session_id].append(row)
        record.audit = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        # Every stored time, in every table, for "nothing in the future".
        for mapper in InfusionSession.registry.mappers:
            model = mapper.class_
            columns = [c for c in mapper.columns if isinstance(c.type, UTCDateTime)]
            for row in db.scalars(select(model)) if columns else ():
                for column in columns:
                    value = getattr(row, column.key)
                    if value is not None:
                        record.stamps.append((f"{model.__tablename__}.{column.key}", value))
        db.expunge_all()
    return record


@dataclass
class Verdict:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def expect(self, holds: bool, problem: str) -> None:
        self.checked += 1
        if not holds:
            self.problems.append(problem)


Invariant = Callable[[Record], Verdict]


def _hm(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment:%H:%M:%S}"


# ---- the invariants -------------------------------------------------------------------


def readings_inside_their_sessions(record: Record) -> Verdict:
    """Taken between the session's opening and its end; entered when taken, not before;
    in the phase the pump was in."""
    v = Verdict()
    for s in record.sessions:
        start, stop, end = s.infusion_started_at, s.infusion_stopped_at, record.end_of(s)
        for r in record.readings[s.id]:
            where = f"session {s.id} reading {r.id} at {_hm(r.taken_at)}"
            v.expect(s.opened_at <= r.taken_at <= end, f"{where}: outside {_hm(s.opened_at)}–")
            v.expect(r.taken_at <= r.entered_at <= end, f"{where}: entered {_hm(r.entered_at)}")
            if r.phase == "baseline":
                v.expect(start is None or r.taken_at <= start, f"{where}: baseline after start")
            elif r.phase == "infusion":
                v.expect(
                    start is not None
                    and start <= r.taken_at
                    and (stop is None or r.taken_at <= stop),
                    f"{where}: infusion reading outside {_hm(start)}–{_hm(stop)}",
                )
            else:
                v.expect(stop is not None and stop <= r.taken_at, f"{where}: recovery before stop")
    return v


def ratings_inside_their_sessions(record: Record) -> Verdict:
    """Rated between opening and end; the baseline CADSS before dosing, the others after."""
    v = Verdict()
    for s in record.sessions:
        start = s.infusion_started_at
        for r in record.ratings[s.id]:
            where = f"session {s.id} rating {r.id} at {_hm(r.taken_at)}"
            v.expect(s.opened_at <= r.taken_at <= record.end_of(s), f"{where}: outside session")
            v.expect(r.taken_at <= r.entered_at, f"{where}: entered before taken")
            if r.timepoint_minutes == 0:
                v.expect(start is None or r.taken_at <= start, f"{where}: baseline after dosing")
            elif r.timepoint_minutes is not None:
                v.expect(start is not None and start <= r.taken_at, f"{where}: before dosing")
    return v


def infusion_events_in_order(record: Record) -> Verdict:
    """Start first, stop last, each in time order, inside the session, and the session's own
    start and stop times the events' times."""
    v = Verdict()
    for s in record.sessions:
        events = record.events[s.id]
        if not events:
            continue
        where = f"session {s.id}"
        times = [e.occurred_at for e in events]
        v.expect(times == sorted(times), f"{where}: events out of order {list(map(_hm, times))}")
        v.expect(events[0].kind == "start", f"{where}: first event is {events[0].kind}")
        v.expect(events[0].occurred_at == s.infusion_started_at, f"{where}: start time differs")
        stops = [e for e in events if e.kind == "stop"]
        v.expect(len(stops) <= 1, f"{where}: {len(stops)} stops")
        if stops:
            v.expect(events[-1].kind == "stop", f"{where}: an event after the stop")
            v.expect(stops[0].occurred_at == s.infusion_stopped_at, f"{where}: stop time differs")
        for e in events:
            v.expect(
                s.opened_at <= e.occurred_at <= record.end_of(s),
                f"{where}: {e.kind} at {_hm(e.occurred_at)} outside the session",
            )
    return v


def infusion_events_entered_when_they_happened(record: Record) -> Verdict:
    """Each pump event entered no earlier than it happened, before the session ended."""
    v = Verdict()
    for s in record.sessions:
        for e in record.events[s.id]:
            v.expect(
                e.occurred_at <= e.entered_at <= record.end_of(s),
                f"session {s.id} {e.kind}: occurred {_hm(e.occurred_at)}, "
                f"entered {_hm(e.entered_at)}, session ended {_hm(s.ended_at)}",
            )
    return v


def acknowledgements_after_detection(record: Record) -> Verdict:
    """Each acknowledgement after its excursion was detected (and its reading taken), and
    before the session ended."""
    v = Verdict()
    for s in record.sessions:
        excursions = {e.id: e for e in record.excursions[s.id]}
        readings = {r.id: r for r in record.readings[s.id]}
        for a in record.acks[s.id]:
            e = excursions.get(a.excursion_id)
            where = f"session {s.id} acknowledgement {a.id} at {_hm(a.acknowledged_at)}"
            v.expect(e is not None, f"{where}: excursion of another session")
            if e is None:
                continue
            reading = readings[e.reading_id]
            v.expect(
                a.acknowledged_at >= e.detected_at >= reading.taken_at,
                f"{where}: excursion detected {_hm(e.detected_at)}, "
                f"reading taken {_hm(reading.taken_at)}",
            )
            v.expect(a.acknowledged_at <= record.end_of(s), f"{where}: after the session ended")
    return v


def excursions_with_their_readings(record: Record) -> Verdict:
    """Each excursion detected when its reading was entered, inside the session."""
    v = Verdict()
    for s in record.sessions:
        readings = {r.id: r for r in record.readings[s.id]}
        for e in record.excursions[s.id]:
            reading = readings.get(e.reading_id)
            where = f"session {s.id} excursion {e.id}"
            v.expect(reading is not None, f"{where}: reading of another session")
            if reading is not None:
                v.expect(
                    e.detected_at == reading.entered_at,
                    f"{where}: detected {_hm(e.detected_at)}, entered {_hm(reading.entered_at)}",
                )
    return v


def signatures_after_assessments(record: Record) -> Verdict:
    """Assessed after the stop and the minimum observation; the nurse signs after the
    assessment, the physician approves after the nurse; the session ends at approval."""
    v = Verdict()
    for s in record.sessions:
        minimum = record.config.protocol(s.protocol_id).schedule.min_observation_minutes
        assessments = {a.id: a for a in record.assessments[s.id]}
        for a in assessments.values():
            where = f"session {s.id} assessment at {_hm(a.assessed_at)}"
            v.expect(
                s.infusion_stopped_at is not None and a.assessed_at >= s.infusion_stopped_at,
                f"{where}: before the infusion stopped ({_hm(s.infusion_stopped_at)})",
            )
            v.expect(
                s.infusion_started_at is not None
                and a.assessed_at >= s.infusion_started_at + timedelta(minutes=minimum),
                f"{where}: before {minimum:g} min of observation",
            )
        signed = {g.meaning: g for g in record.signatures[s.id]}
        performed, approved = signed.get("performed"), signed.get("approved")
        if performed:
            assessment = assessments.get(performed.assessment_id or 0)
            v.expect(assessment is not None, f"session {s.id}: the nurse signed no assessment")
        if performed and assessment:
            v.expect(
                performed.signed_at >= assessment.assessed_at,
                f"session {s.id}: nurse signed {_hm(performed.signed_at)} before the "
                f"assessment {_hm(assessment.assessed_at)}",
            )
        if approved:
            v.expect(
                performed is not None and approved.signed_at >= performed.signed_at,
                f"session {s.id}: approved {_hm(approved.signed_at)} before the nurse signed",
            )
            v.expect(s.ended_at == approved.signed_at, f"session {s.id}: ended ≠ approved")
    return v


def discharged_sessions_complete(record: Record) -> Verdict:
    """A discharged session was assessed, signed, approved, and every excursion seen."""
    v = Verdict()
    for s in record.sessions:
        if s.state != SessionState.DISCHARGED.value:
            continue
        meanings = sorted(g.meaning for g in record.signatures[s.id])
        v.expect(meanings == ["approved", "performed"], f"session {s.id}: signed {meanings}")
        seen = {a.excursion_id for a in record.acks[s.id]}
        open_ = [e.id for e in record.excursions[s.id] if e.id not in seen]
        v.expect(open_ == [], f"session {s.id}: excursions {open_} never acknowledged")
    return v


def nothing_in_the_future(record: Record) -> Verdict:
    """No stored time after the command finished."""
    v = Verdict()
    for name, moment in record.stamps:
        v.expect(moment <= record.after, f"{name} {moment.isoformat()} is in the future")
    return v


def audit_trail_in_time_order(record: Record) -> Verdict:
    """The audit trail reads as the day happened: each entry no earlier than the last."""
    v = Verdict()
    for earlier, later in zip(record.audit, record.audit[1:], strict=False):
        v.expect(
            earlier.occurred_at <= later.occurred_at,
            f"audit {later.id} ({later.action}, {_hm(later.occurred_at)}) before "
            f"audit {earlier.id} ({earlier.action}, {_hm(earlier.occurred_at)})",
        )
    return v


def live_sessions_as_described(record: Record) -> Verdict:
    """As the README says: today five discharged, one in recovery, one infusing; every
    session of an earlier day discharged."""
    v = Verdict()
    today = record.after - timedelta(days=1)
    states = sorted(s.state for s in record.sessions if s.opened_at > today)
    expected = sorted(["discharged"] * 5 + ["recovery", "infusing"])
    v.expect(states == expected, f"session states today {states}")
    earlier = [s.state for s in record.sessions if s.opened_at <= today]
    v.expect(earlier != [] and set(earlier) == {"discharged"}, f"earlier sessions {earlier}")
    return v


def delivered_dose_consistent_with_events(record: Record) -> Verdict:
    """A stopped infusion stored the dose its events give (rate × running time, by the
    domain rule) to 0.01 mL and mg, not far over the plan; a running one stored none."""
    v = Verdict()
    for s in record.sessions:
        where = f"session {s.id}"
        if s.infusion_stopped_at is None:
            v.expect(s.delivered_ml is None and s.delivered_mg is None, f"{where}: dose early")
            continue
        events = [PumpEvent(e.kind, e.occurred_at, e.rate_ml_per_h) for e in record.events[s.id]]
        given = delivered_dose(
            events, concentration_mg_per_ml=s.concentration_mg_per_ml, now=s.infusion_stopped_at
        )
        stored = (s.delivered_ml, s.delivered_mg)
        v.expect(
            None not in stored
            and abs((s.delivered_ml or 0) - given.ml) <= 0.01
            and abs((s.delivered_mg or 0) - given.mg) <= 0.01,
            f"{where}: stored {stored}, events give {given.ml:.2f} mL {given.mg:.2f} mg",
        )
        planned = s.dose_mg / s.concentration_mg_per_ml
        v.expect(given.ml <= 1.1 * planned, f"{where}: {given.ml:.1f} of {planned:.1f} mL")
    return v


INVARIANTS: list[Invariant] = [
    readings_inside_their_sessions,
    ratings_inside_their_sessions,
    infusion_events_in_order,
    acknowledgements_after_detection,
    excursions_with_their_readings,
    signatures_after_assessments,
    discharged_sessions_complete,
    nothing_in_the_future,
    audit_trail_in_time_order,
    live_sessions_as_described,
    delivered_dose_consistent_with_events,
]


@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda f: f.__name__)
def test_demo_record_holds(seeded: Seeded, config: Config, invariant: Invariant) -> None:
    database = Database.from_url(seeded.url)
    try:
        verdict = invariant(load(database, config, seeded.after))
    finally:
        database.dispose()
    assert verdict.checked > 0, "checked nothing: the demo has none of what this covers"
    assert verdict.problems == []


@pytest.mark.parametrize("invariant", COURSE_INVARIANTS, ids=lambda f: f.__name__)
def test_demo_courses_hold(seeded: Seeded, config: Config, invariant: CourseInvariant) -> None:
    """The courses around the sessions: ready before each opened, and the patients the
    README describes (tests/demo_courses.py)."""
    database = Database.from_url(seeded.url)
    try:
        verdict = invariant(load_courses(database, config, seeded.after))
    finally:
        database.dispose()
    assert verdict.checked > 0, "checked nothing: the demo has none of what this covers"
    assert verdict.problems == []


@pytest.mark.parametrize("invariant", GIVEN_INVARIANTS, ids=lambda f: f.__name__)
def test_demo_tells_what_was_given_and_what_happened(
    seeded: Seeded, config: Config, invariant: GivenInvariant
) -> None:
    """Issue 13's four stories: nausea and ondansetron, hypertension and labetalol on an
    order, ketamine drawn and balanced with one witnessed waste, one open discrepancy
    (tests/demo_interventions.py)."""
    database = Database.from_url(seeded.url)
    try:
        verdict = invariant(load_given(database, config, seeded.after))
    finally:
        database.dispose()
    assert verdict.checked > 0, "checked nothing: the demo has none of what this covers"
    assert verdict.problems == []


def test_demo_pump_events_entered_when_they_happened(seeded: Seeded, config: Config) -> None:
    test_demo_record_holds(seeded, config, infusion_events_entered_when_they_happened)


def test_seed_demo_says_who_can_sign_in(seeded: Seeded) -> None:
    assert "demo data added. Users: nurse (nurse), physician (physician)" in seeded.output


def test_seed_demo_makes_what_it_says(seeded: Seeded) -> None:
    """Every user it names signs in with the password it prints, in the role it prints."""
    said = re.fullmatch(
        r"demo data added\. Users: (.*); password: (\S+) \(default\)", seeded.output.strip()
    )
    assert said, seeded.output
    users = dict(re.findall(r"(\S+) \((\w+)\)", said[1]))
    assert sorted(users.values()) == ["admin", "auditor", "nurse", "physician"]
    database = Database.from_url(seeded.url)
    try:
        for username, role in users.items():
            actor = verify_password(database=database, username=username, password=said[2])
            assert actor is not None and actor.role.value == role, username
    finally:
        database.dispose()


def test_audit_chain_verifies_after_seeding(seeded: Seeded, tmp_path: Path) -> None:
    code, output = run_cli(seeded.url, tmp_path, "audit", "verify")
    assert code == 0, output
    assert "audit trail intact" in output


def test_seeding_twice_adds_nothing(seeded: Seeded, tmp_path: Path) -> None:
    engine = create_engine(seeded.url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]

    def counts() -> dict[str, int]:
        with engine.connect() as conn:
            return {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables
            }

    first = counts()
    code, output = run_cli(seeded.url, tmp_path, "seed-demo")
    assert (code, output.strip()) == (0, "database already has users: demo data not added")
    assert counts() == first
    engine.dispose()
