"""The record's one read of what was given and what happened: every part, the latest
outcome standing, indications in words, the ketamine balance from the domain, and a fixed
number of statements whatever the number of rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries import full_record, session_snapshot
from monitor.db.queries.interventions import session_interventions
from monitor.domain.ketamine_balance import Draw, Waste, session_balance
from monitor.domain.vocabulary import KetamineBalance
from tests import factories
from tests import intervention_rows as rows
from tests.factories import T0


def test_every_part_is_read(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    zone = config.clinic.zone
    with database.session_scope() as db:
        got = session_interventions(db, t.session_id, step=config.ketamine.balance_to_ml)
    nausea, hypertension = got.adverse_events
    assert nausea.words == "Nausea (Grade 1: mild)"
    assert nausea.outcome == "resolved" and nausea.outcome_words == "Resolved"  # latest stands
    assert nausea.resolved_at == T0 + timedelta(minutes=25)
    assert nausea.entered_by == t.nurse.full_name and nausea.acknowledged_by is None
    assert hypertension.excursion(zone) == "excursion 08:20 185/95"
    assert hypertension.outcome is None and hypertension.outcome_words == "not recorded"
    assert hypertension.acknowledged_by == t.doctor.full_name
    assert hypertension.acknowledgement_note == "Seen, treat"
    ondansetron, labetalol = got.administrations
    assert ondansetron.words == "Ondansetron 4 mg IV" and ondansetron.given_by == t.nurse.full_name
    assert ondansetron.indication(zone) == "for: Nausea (Grade 1: mild)"
    assert got.order_of(ondansetron) is None  # a standing order
    assert labetalol.indication(zone) == "for: excursion 08:20 185/95"
    ordered = got.order_of(labetalol)
    assert ordered is not None and ordered.given and ordered.ordered_by == t.doctor.full_name
    assert ordered.order_words(zone) == f"ordered by {t.doctor.full_name} 08:21"
    (pending,) = got.orders_not_given
    assert pending.words == "Midazolam 2 mg IV"
    assert pending.order_words(zone).endswith("(reason: Agitated)")
    assert got.given_for(t.nausea) == [ondansetron]
    (vial,) = got.ketamine.draws
    assert (vial.lot, vial.volume_ml, vial.drawn_by) == ("LOT-A1", 5.0, t.nurse.full_name)
    witnessed, awaiting = got.ketamine.wastes_of(vial.id)
    assert witnessed.witness_words(zone) == f"witnessed by {t.second_nurse.full_name} 08:42"
    assert awaiting.witness_words(zone) == "awaiting a witness"


def test_the_balance_is_the_domains(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    step = config.ketamine.balance_to_ml
    with database.session_scope() as db:
        got = session_interventions(db, t.session_id, step=step)
        delivered = full_record(db, t.session_id)
    assert delivered is not None
    given_mg = delivered.snapshot.header.delivered_mg
    assert given_mg is not None and given_mg > 0
    expected = session_balance(
        [Draw(t.draw, "LOT-A1", 10, 5.0, T0 - timedelta(minutes=3))],
        [Waste(t.draw, 1.0), Waste(t.draw, 0.5, witnessed=False)],
        given_mg=given_mg,
        step=step,
    )
    assert got.ketamine.balance == expected
    # 5 mL drawn = 4 mL given (40 mg at 10 mg/mL) + 1 mL wasted; the unwitnessed 0.5 mL
    # waits for its witness outside the balance
    assert got.ketamine.balance.status is KetamineBalance.BALANCED
    assert got.ketamine.balance.awaiting_witness_ml == 0.5
    rows.draw(database, t.nurse, t.session_id, T0 + timedelta(minutes=44), volume_ml=0.5)
    with database.session_scope() as db:
        opened = session_interventions(db, t.session_id, step=step).ketamine.balance
    assert (opened.status, opened.imbalance_ml) == (KetamineBalance.DISCREPANCY, 0.5)
    rows.resolution(database, t.doctor, t.session_id, 0.5, T0 + timedelta(minutes=60), "Spill")
    with database.session_scope() as db:
        resolved = session_interventions(db, t.session_id, step=step).ketamine
    assert resolved.balance.status is KetamineBalance.RESOLVED
    (why,) = resolved.resolutions
    assert (why.reason, why.resolved_by) == ("Spill", t.doctor.full_name)


def test_pending_while_the_pump_runs(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config, stop=False)
    with database.session_scope() as db:
        got = session_interventions(db, t.session_id)
    assert got.ketamine.balance.status is KetamineBalance.PENDING


def test_an_empty_session_reads_empty(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    with database.session_scope() as db:
        got = session_interventions(db, sid)
        snapshot = session_snapshot(db, sid)
    assert (got.adverse_events, got.administrations, got.orders) == ((), (), ())
    assert got.ketamine.balance.status is KetamineBalance.NOT_RECORDED
    assert snapshot is not None and snapshot.markers == ()


def _statements(database: Database, read: object) -> int:
    count = 0

    def counted(*_: object) -> None:
        nonlocal count
        count += 1

    engine = database.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        with database.session_scope() as db:
            read(db)  # type: ignore[operator]
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_statements_do_not_grow_with_rows(database: Database, config: Config) -> None:
    """No N+1: the record's read and the bedside's marks take as many statements for one
    event as for many."""
    t = rows.treated_session(database, config)
    before = _statements(database, lambda db: session_interventions(db, t.session_id))
    marks = _statements(database, lambda db: session_snapshot(db, t.session_id))
    for minute in range(5):
        event_id = rows.adverse_event(
            database, t.nurse, t.session_id, T0 + timedelta(minutes=minute)
        )
        rows.outcome(database, t.nurse, t.session_id, event_id, outcome="resolving")
        rows.given(
            database, t.nurse, t.session_id, T0 + timedelta(minutes=minute), event_id=event_id
        )
        rows.draw(database, t.nurse, t.session_id, T0 + timedelta(minutes=minute), lot=f"L{minute}")
    assert _statements(database, lambda db: session_interventions(db, t.session_id)) == before
    assert _statements(database, lambda db: session_snapshot(db, t.session_id)) == marks


def test_markers_are_one_statement_in_time_order(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    with database.session_scope() as db:
        snapshot = session_snapshot(db, t.session_id)
    assert snapshot is not None
    assert [(m.kind, m.words) for m in snapshot.markers] == [
        ("adverse_event", "Nausea (Grade 1: mild)"),
        ("medication", "Ondansetron 4 mg IV"),
        ("adverse_event", "Symptomatic hypertension (Grade 3: severe)"),
        ("medication", "Labetalol 10 mg IV"),
    ]
    assert snapshot.markers[0].at == T0 + timedelta(minutes=10)
