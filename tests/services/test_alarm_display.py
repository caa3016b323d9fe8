"""One banner per measure on screen, every rule still stored and audited (issue 9, item 6),
and the bedside's flags carrying their acknowledgement (item 5)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, Excursion
from monitor.domain.alarm_display import banners
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import Priority
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.bedside import bedside_view
from monitor.services.readings import ReadingSaved, record_reading
from monitor.ui.bedside.flags import flags as _flags
from monitor.ui.bedside.readings import saved
from tests import factories
from tests.factories import T0


def text_of(component: object) -> str:
    """Every string in a Dash component tree, joined (what the screen says)."""
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children) if children is not None else ""


def test_185_over_95_stores_three_and_shows_one(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, baseline={"systolic": 120, "diastolic": 80})
    at = T0 + timedelta(minutes=10)
    key = factories.key()

    def save() -> ReadingSaved:
        return record_reading(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            vitals=factories.vitals(systolic=185, diastolic=95),
            idempotency_key=key,
            taken_at=at,
            now=at,
        )

    result = save()
    codes = ["severe-hypertension", "bp-rise-over-baseline", "hypertension"]
    with database.session_scope() as db:
        stored = list(
            db.scalars(select(Excursion).where(Excursion.session_id == sid).order_by(Excursion.id))
        )
        audited = list(
            db.scalars(select(AuditEvent).where(AuditEvent.action == "excursion.flagged"))
        )
    assert [x.rule_code for x in stored] == codes  # storage unchanged: one row per rule
    assert sorted(a.entity_id or 0 for a in audited) == [x.id for x in stored]

    # What the nurse is shown: one HIGH banner naming systolic 185, two lines under it.
    [banner] = banners(result.flags)
    assert banner.priority is Priority.HIGH
    assert [f.rule_code for f in banner.below] == codes[1:]
    shown = saved(result, ZoneInfo("UTC"))
    assert text_of(shown).count("HIGH") == 1
    assert text_of(shown).count("MEDIUM") == 2
    assert "Systolic 185 mmHg (≥ 180)" in text_of(shown)

    # A retried save shows the same single banner, and stores nothing more.
    again = save()
    assert again.duplicate
    assert [b.lead.rule_code for b in banners(again.flags)] == ["severe-hypertension"]
    with database.session_scope() as db:
        assert len(list(db.scalars(select(Excursion)))) == 3

    # The bedside card groups the stored rows the same way.
    view = bedside_view(database=database, config=config, actor=nurse, session_id=sid, now=at)
    assert [x.measure for x in view.snapshot.excursions] == ["systolic"] * 3
    [card_banner] = banners(view.snapshot.excursions)
    assert card_banner.lead.rule_code == "severe-hypertension"


def test_194_over_118_names_both_values_in_what_is_stored(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    result = factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=194, diastolic=118
    )
    with database.session_scope() as db:
        severe = db.scalars(
            select(Excursion).where(Excursion.rule_code == "severe-hypertension")
        ).one()
    assert "Systolic 194 mmHg (≥ 180)" in severe.message
    assert "Diastolic 118 mmHg (≥ 110)" in severe.message
    assert (severe.measure, severe.value, severe.threshold) == ("systolic", 194, 180)
    assert result.flags[0].message == severe.message


def test_bedside_flags_show_open_then_acknowledged(database: Database, config: Config) -> None:
    nurse = factories.user(database, username="nurse")
    doctor = factories.user(database, Role.PHYSICIAN, username="doc")
    sid = factories.infusing(database, config, nurse)
    at = T0 + timedelta(minutes=10)
    factories.reading(database, config, nurse, sid, at, systolic=185, diastolic=95)
    factories.reading(database, config, nurse, sid, at + timedelta(minutes=1), spo2=91)
    zone = ZoneInfo("America/New_York")

    def card() -> str:
        view = bedside_view(database=database, config=config, actor=nurse, session_id=sid, now=at)
        return text_of(_flags(view.snapshot.excursions, zone))

    before = card()
    assert before.count("OPEN — awaiting physician") == 2  # one per banner, not per rule
    assert "Acknowledged" not in before

    with database.session_scope() as db:
        bp_ids = list(
            db.scalars(
                select(Excursion.id).where(
                    Excursion.session_id == sid, Excursion.measure.in_(["systolic", "diastolic"])
                )
            )
        )
    acknowledge_excursions(
        database=database,
        config=config,
        actor=doctor,
        excursion_ids=bp_ids,
        action="repeat_reading_ordered",
        note="recheck in 5",
        idempotency_key=factories.key(),
        now=at + timedelta(minutes=2),  # 15:12 UTC is 10:12 in New York
    )
    view = bedside_view(database=database, config=config, actor=nurse, session_id=sid, now=at)
    acked = [x for x in view.snapshot.excursions if x.id in bp_ids]
    assert {(x.acknowledged_by, x.ack_action, x.ack_note) for x in acked} == {
        (doctor.full_name, "repeat_reading_ordered", "recheck in 5")
    }
    after = card()
    assert after.count("OPEN — awaiting physician") == 1  # the SpO2 banner
    assert (
        f"Acknowledged 10:12 by {doctor.full_name} — Repeat reading ordered (recheck in 5)" in after
    )
    # The open one comes first.
    assert after.index("OPEN") < after.index("Acknowledged")
