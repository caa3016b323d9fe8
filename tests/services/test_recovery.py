"""Recovery sign-off through the services: assessment, signatures, override, lock, addenda,
and the discharge PDF."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import (
    Acknowledgement,
    Addendum,
    AuditEvent,
    Excursion,
    InfusionSession,
    Reading,
    Signature,
)
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.reports.discharge_pdf import first_page_png
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.addenda import add_addendum
from monitor.services.board import board_view
from monitor.services.errors import IllegalTransition, InvalidEntry, PermissionDenied
from monitor.services.ratings import record_rating
from monitor.services.recovery import recovery_status
from monitor.services.recovery_assessment import record_assessment
from monitor.services.session_record import discharge_pdf
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD, T0

CADSS_LOW = {1: 0, 2: 1, 6: 0, 7: 0, 15: 1, 22: 0}
CADSS_HIGH = {1: 2, 2: 2, 6: 1, 7: 1, 15: 1, 22: 1}
READY = T0 + timedelta(minutes=125)


def recovered(
    database: Database, config: Config, nurse: Actor, *, cadss: dict[int, int] = CADSS_LOW
) -> int:
    """A session stopped at 40 min, observed to 122 min with a fresh, calm reading."""
    sid = factories.infusing(database, config, nurse, baseline={"systolic": 120})
    factories.reading(
        database,
        config,
        nurse,
        sid,
        T0 + timedelta(minutes=40),
        systolic=165,
        diastolic=95,
        moaas=4,
    )
    factories.event(database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40))
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=120), systolic=126)
    record_rating(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        answers=cadss,
        idempotency_key=factories.key(),
        now=T0 + timedelta(minutes=121),
    )
    return sid


def assess(
    database: Database,
    config: Config,
    nurse: Actor,
    sid: int,
    *,
    confirmed: list[str] | None = None,
    at: datetime = READY,
) -> int:
    return record_assessment(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        activity=2,
        respiration=2,
        consciousness=2,
        idempotency_key=factories.key(),
        now=at,
        confirmed=config.default_protocol.discharge.checklist if confirmed is None else confirmed,
    )


def discharged(
    database: Database,
    config: Config,
    nurse: Actor,
    doctor: Actor,
    *,
    signed: datetime = READY,
    approved: datetime = READY + timedelta(minutes=2),
) -> int:
    """A recovered session assessed, signed by its nurse and approved by a physician."""
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=signed
    )
    approve_discharge(
        database=database,
        config=config,
        actor=doctor,
        session_id=sid,
        password=PASSWORD,
        now=approved,
    )
    return sid


@pytest.fixture
def people(database: Database) -> dict[str, Actor]:
    return {
        "nurse": factories.user(database, Role.NURSE),
        "doctor": factories.user(database, Role.PHYSICIAN),
        "auditor": factories.user(database, Role.AUDITOR),
    }


def state(database: Database, sid: int) -> str:
    with database.session_scope() as db:
        row = db.get(InfusionSession, sid)
        assert row is not None
        return row.state


def test_criteria_are_judged_live(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    sid = recovered(database, config, people["nurse"])
    before = recovery_status(
        database=database, config=config, actor=people["nurse"], session_id=sid, now=READY
    )
    unmet = {c.code for c in before.criteria if not c.met}
    assert "aldrete" in unmet and "escort_present" in unmet and not before.ready
    assess(database, config, people["nurse"], sid)
    after = recovery_status(
        database=database, config=config, actor=people["nurse"], session_id=sid, now=READY
    )
    assert after.ready, [c for c in after.criteria if not c.met]
    early = recovery_status(
        database=database,
        config=config,
        actor=people["nurse"],
        session_id=sid,
        now=T0 + timedelta(minutes=119),
    )
    assert [c.code for c in early.criteria if not c.met] == ["observation"]


def test_full_sign_off_locks_the_record(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = discharged(
        database,
        config,
        nurse,
        doctor,
        signed=READY + timedelta(minutes=1),
        approved=READY + timedelta(minutes=3),
    )
    assert state(database, sid) == "discharged"
    with database.session_scope() as db:
        signatures = list(db.scalars(select(Signature).order_by(Signature.id)))
    assert [(s.meaning, s.printed_name, s.role) for s in signatures] == [
        ("performed", nurse.full_name, "nurse"),
        ("approved", doctor.full_name, "physician"),
    ]
    assert signatures[1].signed_at == READY + timedelta(minutes=3)
    assert all(s.all_criteria_met and s.override_reason is None for s in signatures)
    # Locked: the services refuse every new entry, called directly.
    with pytest.raises(IllegalTransition):
        factories.reading(database, config, nurse, sid, READY + timedelta(minutes=5))
    with pytest.raises(IllegalTransition):
        record_rating(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            answers=CADSS_LOW,
            idempotency_key=factories.key(),
        )
    with pytest.raises(IllegalTransition):
        factories.event(database, nurse, sid, SessionEvent.PAUSE, READY, reason="x")
    with pytest.raises(IllegalTransition):
        assess(database, config, nurse, sid)


def test_approval_refused_while_criteria_unmet_unless_overridden(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = recovered(database, config, nurse, cadss=CADSS_HIGH)  # CADSS 8: above 4
    assess(database, config, nurse, sid)
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    with pytest.raises(InvalidEntry, match="Dissociation resolved"):
        approve_discharge(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            now=READY,
        )
    with pytest.raises(InvalidEntry, match="reason"):
        approve_discharge(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            override_reason="ok",
            now=READY,
        )
    approve_discharge(
        database=database,
        config=config,
        actor=doctor,
        session_id=sid,
        password=PASSWORD,
        override_reason="Calm, oriented; escort waiting",
        now=READY,
    )
    assert state(database, sid) == "discharged"
    with database.session_scope() as db:
        approved = db.scalars(select(Signature).where(Signature.meaning == "approved")).one()
        flagged = db.scalars(
            select(AuditEvent).where(AuditEvent.action == "discharge.override")
        ).one()
    assert approved.override_reason == "Calm, oriented; escort waiting"
    assert not approved.all_criteria_met
    assert flagged.new_values == {"unmet": ["dissociation"], "flagged_for_audit": True}


def test_roles_and_passwords(database: Database, config: Config, people: dict[str, Actor]) -> None:
    nurse, doctor, auditor = people["nurse"], people["doctor"], people["auditor"]
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    with pytest.raises(InvalidEntry, match="Password"):
        sign_performed(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            password="wrong-password",
            now=READY,
        )
    with pytest.raises(PermissionDenied):  # only the nurse signs "performed"
        sign_performed(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            now=READY,
        )
    with pytest.raises(InvalidEntry, match="nurse signs"):  # nothing to co-sign yet
        approve_discharge(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            now=READY,
        )
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    with pytest.raises(PermissionDenied):  # a nurse cannot co-sign
        approve_discharge(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            password=PASSWORD,
            now=READY,
        )
    for attempt in (sign_performed, approve_discharge):
        with pytest.raises(PermissionDenied):  # an auditor cannot sign at all
            attempt(
                database=database,
                config=config,
                actor=auditor,
                session_id=sid,
                password=PASSWORD,
                now=READY,
            )
    with pytest.raises(InvalidEntry, match="Password"):
        approve_discharge(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password="not-my-password",
            now=READY,
        )
    assert state(database, sid) == "recovery"


def test_a_new_assessment_needs_a_new_nurse_signature(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = recovered(database, config, nurse)
    assess(database, config, nurse, sid)
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    assess(database, config, nurse, sid, at=READY + timedelta(minutes=1))
    with pytest.raises(InvalidEntry, match="nurse signs"):
        approve_discharge(
            database=database,
            config=config,
            actor=doctor,
            session_id=sid,
            password=PASSWORD,
            now=READY + timedelta(minutes=2),
        )


def test_addendum_keeps_the_original(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse = people["nurse"]
    sid = recovered(database, config, nurse)
    with database.session_scope() as db:
        reading = db.scalars(
            select(Reading).where(Reading.session_id == sid, Reading.systolic == 165)
        ).one()
    add_addendum(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reading_id=reading.id,
        field="systolic",
        corrected_value="156",
        reason="Transposed digits",
        idempotency_key=factories.key(),
    )
    with database.session_scope() as db:
        again = db.get(Reading, reading.id)
        addendum = db.scalars(select(Addendum)).one()
        audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "addendum.added")).one()
    assert again is not None and again.systolic == 165
    assert (addendum.original_value, addendum.corrected_value) == ("165", "156")
    assert audit.old_values == {"systolic": "165"} and audit.reason == "Transposed digits"
    with pytest.raises(InvalidEntry):  # a correction must itself be plausible
        add_addendum(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            reading_id=reading.id,
            field="systolic",
            corrected_value="1560",
            reason="typo",
            idempotency_key=factories.key(),
        )
    with pytest.raises(InvalidEntry):
        add_addendum(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            reading_id=reading.id,
            field="systolic",
            corrected_value="150",
            reason="  ",
            idempotency_key=factories.key(),
        )
    with pytest.raises(PermissionDenied):
        add_addendum(
            database=database,
            config=config,
            actor=people["auditor"],
            session_id=sid,
            corrected_value="note",
            reason="why",
            idempotency_key=factories.key(),
        )


def test_pdf_carries_the_record(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = discharged(database, config, nurse, doctor)
    add_addendum(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        corrected_value="Escort was the patient's spouse",
        reason="Late entry",
        idempotency_key=factories.key(),
    )
    pdf = discharge_pdf(database=database, config=config, actor=doctor, session_id=sid)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    for expected in (
        "Family",
        "MRN T-",
        "IV ketamine 0.5 mg/kg over 40 min",
        "dose 40 mg",
        "BP before dosing",
        "120/80",
        "BP at about 40 minutes",
        "165/95",
        "BP before completion",
        "126/80",
        "Total monitoring minutes",
        "127",
        "Minutes until ready to leave",
        "125",
        "Sedation occurred",
        "Dissociation occurred",
        "Respiratory depression occurred",
        "Modified Aldrete score 9 or more",
        "Responsible adult escort present",
        "performed",
        "approved",
        doctor.full_name,
        nurse.full_name,
        "Escort was the patient's spouse",
        "Late entry",
        "CADSS-6",
    ):
        assert expected in text, expected
    png = first_page_png(pdf)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    with database.session_scope() as db:
        exports = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "record.exported", AuditEvent.session_id == sid)
        )
    assert exports == 1


def signed_with_an_open_high(database: Database, config: Config, nurse: Actor) -> int:
    """Recovered and signed by the nurse, with a HIGH (systolic 185) at 60 min unacknowledged."""
    sid = recovered(database, config, nurse, cadss=CADSS_HIGH)  # and one criterion unmet
    saved = factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=60), systolic=185, diastolic=95
    )
    assert any(f.priority == "high" for f in saved.flags)
    assess(database, config, nurse, sid)
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    return sid


def open_highs(database: Database, sid: int) -> list[int]:
    with database.session_scope() as db:
        acknowledged = select(Acknowledgement.excursion_id)
        return list(
            db.scalars(
                select(Excursion.id).where(
                    Excursion.session_id == sid,
                    Excursion.priority == "high",
                    Excursion.id.not_in(acknowledged),
                )
            )
        )


def test_approval_refused_while_a_high_is_unacknowledged_even_with_an_override(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = signed_with_an_open_high(database, config, nurse)
    highs = open_highs(database, sid)
    assert len(highs) == 1
    status = recovery_status(
        database=database, config=config, actor=doctor, session_id=sid, now=READY
    )
    assert [a.excursion_id for a in status.open_highs] == highs
    for reason in (None, "Calm, oriented; escort waiting"):
        with pytest.raises(InvalidEntry, match="HIGH alert not acknowledged") as refused:
            approve_discharge(
                database=database,
                config=config,
                actor=doctor,
                session_id=sid,
                password=PASSWORD,
                override_reason=reason,
                now=READY,
            )
        alerts = [p.message for p in refused.value.problems if p.field == "alerts"]
        assert len(alerts) == 1 and "Severe hypertension" in alerts[0]
    assert state(database, sid) == "recovery"
    with database.session_scope() as db:
        assert db.scalars(select(Signature).where(Signature.meaning == "approved")).first() is None

    acknowledge_excursions(
        database=database,
        config=config,
        actor=doctor,
        excursion_ids=highs,
        action="observed",
        idempotency_key=factories.key(),
        now=READY + timedelta(minutes=1),
    )
    assert open_highs(database, sid) == []
    approve_discharge(
        database=database,
        config=config,
        actor=doctor,
        session_id=sid,
        password=PASSWORD,
        override_reason="Calm, oriented; escort waiting",
        now=READY + timedelta(minutes=2),
    )
    assert state(database, sid) == "discharged"


def test_acknowledgement_on_a_locked_record_is_refused(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    # its 165/95 at 40 min raised MEDIUM alerts
    sid = discharged(database, config, nurse, doctor, approved=READY)
    with database.session_scope() as db:
        medium = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
        before = db.scalar(select(func.count()).select_from(AuditEvent))
    assert medium
    with pytest.raises(IllegalTransition, match="signed and locked.*addendum"):
        acknowledge_excursions(
            database=database,
            config=config,
            actor=doctor,
            excursion_ids=medium,
            action="observed",
            idempotency_key=factories.key(),
            now=READY + timedelta(minutes=5),
        )
    with database.session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Acknowledgement)) == 0
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_board_shows_a_signed_discharge_awaiting_cosignature(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    nurse, doctor = people["nurse"], people["doctor"]
    sid = recovered(database, config, nurse)
    with database.session_scope() as db:  # its MEDIUM alerts seen, so only the co-sign is left
        medium = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
    acknowledge_excursions(
        database=database,
        config=config,
        actor=doctor,
        excursion_ids=medium,
        action="observed",
        idempotency_key=factories.key(),
        now=READY,
    )
    other = factories.infusing(  # running longer than ours: first among routine tiles
        database, config, nurse, now=T0 - timedelta(minutes=30), chair=config.clinic.chairs[1]
    )
    factories.reading(database, config, nurse, other, READY - timedelta(minutes=2))

    def tile() -> tuple[bool, list[int]]:
        board = board_view(
            database=database, config=config, actor=doctor, now=READY + timedelta(minutes=2)
        )
        mine = next(t for t in board.tiles if t.session_id == sid)
        return mine.awaiting_cosignature, [t.session_id for t in board.tiles]

    assess(database, config, nurse, sid)
    assert tile() == (False, [other, sid])  # assessed, not signed: routine, longest running
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD, now=READY
    )
    assert tile() == (True, [sid, other])
    assess(database, config, nurse, sid, at=READY + timedelta(minutes=1))
    assert tile()[0] is False  # a new assessment needs a new signature first
