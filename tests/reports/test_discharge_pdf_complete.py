"""The discharge PDF is complete and cannot be broken by what people type: infusion events with
their reasons, the planned dose, the patient on every page, "page n of m", an empty session,
markup-like names and very long texts."""

from __future__ import annotations

import dataclasses
import os
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries import (
    AddendumRow,
    ExcursionRow,
    FullRecord,
    ReadingRow,
    SessionHeader,
    SessionSnapshot,
    SignatureRow,
)
from monitor.domain.permissions import Role
from monitor.domain.rems import RemsSummary
from monitor.domain.session_state import SessionEvent
from monitor.reports.discharge_pdf import first_page_png, render
from monitor.services.early_end import end_session_early
from monitor.services.exits import sign_exit
from monitor.services.session_record import discharge_pdf
from tests import factories
from tests.factories import T0

ZONE = ZoneInfo("America/Denver")


def pages(pdf: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages]


def keep_png(pdf: bytes, name: str) -> None:
    """With MONITOR_KEEP_PNG=folder, keep the first page as a PNG for a person to look at."""
    png = first_page_png(pdf)
    assert png.startswith(b"\x89PNG")
    folder = os.environ.get("MONITOR_KEEP_PNG")
    if folder:
        Path(folder, f"{name}.png").write_bytes(png)
        Path(folder, f"{name}.pdf").write_bytes(pdf)


def test_events_with_reasons_and_the_planned_dose(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)  # 80 kg: 40 mg, 40 mL, 60 mL/h
    at = T0.__add__
    factories.reading(database, config, nurse, sid, at(timedelta(minutes=8)), systolic=185)
    factories.event(
        database, nurse, sid, SessionEvent.PAUSE, at(timedelta(minutes=10)),
        reason="Patient asked for a break",
    )  # fmt: skip
    factories.event(database, nurse, sid, SessionEvent.RESUME, at(timedelta(minutes=14)))
    factories.event(
        database, nurse, sid, SessionEvent.RATE_CHANGE, at(timedelta(minutes=20)),
        rate_ml_per_h=40.0, reason="Nausea",
    )  # fmt: skip
    factories.reading(database, config, nurse, sid, at(timedelta(minutes=22)), spo2=86)
    factories.event(
        database, nurse, sid, SessionEvent.STOP_INFUSION, at(timedelta(minutes=25)),
        reason="Anxious & tearful <stopped>",
    )  # fmt: skip
    pdf = discharge_pdf(database=database, config=config, actor=doctor, session_id=sid)
    text = " ".join(pages(pdf))
    for expected in (
        "Infusion events",
        "Infusion started 60 mL/h",
        "Infusion paused",
        "Patient asked for a break",
        "Infusion resumed",
        "Rate changed 60 mL/h → 40 mL/h Nausea",
        "Infusion stopped early",
        "Anxious & tearful <stopped>",
        "Planned dose 40 mg (40.0 mL)",
        "Planned rate 60.0 mL/h over 40 min",
        # 10 min at 60 mL/h, paused 4 min, 6 min at 60, 5 min at 40: 19.3 mL of 1 mg/mL.
        "Dose given Given 19.3 mg (19.3 mL, 48 % of planned)",
        "high excursion",
        "page 1 of",
    ):
        assert expected in text, expected
    keep_png(pdf, "events")


def test_a_stop_after_the_planned_time_is_not_called_early(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    factories.event(
        database, nurse, sid, SessionEvent.STOP_INFUSION, T0 + timedelta(minutes=40),
        reason="Bag empty",
    )  # fmt: skip
    text = " ".join(
        pages(discharge_pdf(database=database, config=config, actor=nurse, session_id=sid))
    )
    assert "Infusion stopped Bag empty" in text and "stopped early" not in text


def test_the_reason_a_session_ended_early(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    factories.reading(database, config, nurse, sid, T0)
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="Patient declined today's dose",
        now=T0 + timedelta(minutes=5),
    )
    text = " ".join(
        pages(discharge_pdf(database=database, config=config, actor=nurse, session_id=sid))
    )
    assert "Session ended early" in text and "Patient declined today's dose" in text


def test_a_physician_signed_exit_shows_how_it_ended_and_the_dose_given(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    doctor = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="BP 190/110 despite a pause",
        now=T0 + timedelta(minutes=12),
    )
    sign_exit(
        database=database,
        config=config,
        actor=doctor,
        session_id=sid,
        kind="transfer",
        reason="To the ED for chest pain",
        password=factories.PASSWORD,
        now=T0 + timedelta(minutes=30),
    )
    text = " ".join(
        pages(discharge_pdf(database=database, config=config, actor=doctor, session_id=sid))
    )
    assert "Dose given Given 12.0 mg (12.0 mL, 30 % of planned)" in text
    assert "Ended by Transferred" in text and "(physician-signed exit)" in text
    assert "To the ED for chest pain" in text


def test_a_session_with_no_readings_renders(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    pdf = discharge_pdf(database=database, config=config, actor=nurse, session_id=sid)
    texts = pages(pdf)
    assert "No readings yet" in " ".join(texts)
    assert f"page 1 of {len(texts)}" in texts[0]
    keep_png(pdf, "empty")


def test_every_page_names_the_patient_and_counts_the_pages(
    database: Database, config: Config
) -> None:
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    for minute in range(1, 60):
        factories.reading(
            database, config, nurse, sid, T0 + timedelta(minutes=minute), systolic=120 + minute
        )
    pdf = discharge_pdf(database=database, config=config, actor=nurse, session_id=sid)
    texts = pages(pdf)
    assert len(texts) >= 2
    record_header = texts[0].split("MRN ")[1].split()[0]
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in text
        assert f"MRN {record_header}" in text and "Given" in text and "Family" in text


def header(**changes: Any) -> SessionHeader:
    base = SessionHeader(
        id=7, patient_id=1, mrn="A&B<1>", patient_name="Smith <Jr, O'Neil & Sons",
        patient_initials="SJ", birth_date=date(1970, 5, 6), chair="Chair <2>", protocol_id="iv",
        protocol_name="IV <ketamine>", state="discharged", opened_at=T0, infusion_started_at=T0,
        infusion_stopped_at=T0 + timedelta(minutes=40), ended_at=T0 + timedelta(minutes=130),
        weight_kg=70.0, dose_mg_per_kg=0.5, dose_mg=35.0, concentration_mg_per_ml=1.0,
        rate_ml_per_h=52.5, infusion_minutes=40.0,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


# A REMS summary with every answer left blank: these tests are about the record's texts.
BLANK_ANSWERS: dict[str, Any] = dict.fromkeys(RemsSummary.__dataclass_fields__)
REMS = RemsSummary(**BLANK_ANSWERS)
WORDS = "The patient's escort <spouse> said & repeated: 'fine'. "


def long_record() -> FullRecord:
    reading = ReadingRow(1, "infusion", T0, 185, 95, 80, 97, 14, None, 5, "Nurse <A>")
    excursion = ExcursionRow(1, 1, "severe", "Severe <HTN>", "high", "BP 185/95 & rising", T0)
    addendum = AddendumRow(
        1, "reading", 1, "systolic", "185", "1" * 3 + WORDS * 30, (WORDS * 40)[:2000], "Nurse <A>",
        T0 + timedelta(minutes=200),
    )  # fmt: skip
    override = SignatureRow(
        1, "Dr <B> & Co", "physician", "approved", T0 + timedelta(minutes=130),
        [{"label": "Vitals <ok>", "met": False, "detail": "150/95 & 'high'", "code": "vitals"}],
        False, (WORDS * 60)[:3000],
    )  # fmt: skip
    snapshot = SessionSnapshot(header(), (reading,), (), (), (excursion,))
    return FullRecord(snapshot, {}, (), (override,), (addendum,))


def test_markup_and_very_long_texts_render() -> None:
    pdf = render(long_record(), REMS, clinic="Clinic <&>", zone=ZONE, generated_at=T0)
    texts = pages(pdf)
    text = " ".join(texts)
    assert "Smith <Jr, O'Neil & Sons" in texts[0] and "MRN A&B<1>" in texts[0]
    assert "Clinic <&>" in text and "Dr <B> & Co" in text and "Vitals <ok>" in text
    assert text.count("The patient's escort <spouse> said & repeated") >= 90
    for number, page in enumerate(texts, start=1):
        assert "Smith <Jr, O'Neil & Sons" in page and f"page {number} of {len(texts)}" in page
    keep_png(pdf, "markup")


@pytest.mark.parametrize(
    ("reason", "at_least"),
    [("word", 1), ("word " * 5_000, 2), ("word " * 20_000, 6), ("x" * 6_000, 2)],
    ids=["short", "25k-chars", "100k-chars", "one-6k-word"],
)
def test_a_reason_longer_than_a_page_splits_across_pages(reason: str, at_least: int) -> None:
    record = long_record()
    signature = record.signatures[0]
    longer = dataclasses.replace(signature, override_reason=reason)
    record = FullRecord(record.snapshot, {}, (), (longer,), record.addenda)
    pdf = render(record, REMS, clinic="Clinic", zone=ZONE, generated_at=datetime(2026, 1, 1))
    texts = pages(pdf)
    assert len(texts) >= at_least
    assert all(f"page {n} of {len(texts)}" in t for n, t in enumerate(texts, start=1))
