"""The session record and its PDF say "Session k of N" and show what came before dosing:
the PHQ-9 / PCL-5 totals, the safety flag with its acknowledgement, the clearances (issue 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pypdfium2 as pdfium
import pytest

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.services.session_record import discharge_pdf, session_record
from monitor.ui.session_view import page
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0
from tests.services.test_alarm_display import text_of


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(p.get_textpage().get_text_range() for p in document)
    finally:
        document.close()


@pytest.fixture
def reviewed(database: Database, config: Config) -> dict[str, Any]:
    """Session 3 of 6: a PCL-5, a PHQ-9 with item 9 positive, its flag acknowledged with a
    note and the self-harm concern cleared with a reason."""
    nurse = factories.user(database)
    doc = factories.user(database, Role.PHYSICIAN)
    sid = factories.session(database, config, nurse, now=T0)
    rows.place_in_course(database, sid, sequence=3, planned=6)
    pcl5: dict[int | str, int | str] = {str(n): 2 for n in range(1, 21)}
    rows.questionnaire(database, config, nurse, sid, T0, pcl5, form="pcl5")
    flag = rows.raise_flag(database, config, nurse, sid, T0 + timedelta(minutes=2))
    rows.acknowledge_flag(database, doc, flag, T0 + timedelta(minutes=4), "Safety plan made")
    rows.clearance(database, config, doc, sid, T0 + timedelta(minutes=5), "No plan or intent")
    return {"sid": sid, "doc": doc}


def test_record_holds_totals_flag_and_clearance(
    database: Database, config: Config, reviewed: dict[str, Any]
) -> None:
    record = session_record(database=database, actor=reviewed["doc"], session_id=reviewed["sid"])
    assert record.snapshot.header.session_of == "Session 3 of 6"
    before = record.before_dose
    assert [q.total for q in before.questionnaires] == [40, 9]
    (flag,) = before.safety_flags
    assert flag.acknowledged_by == reviewed["doc"].full_name and flag.note == "Safety plan made"
    (cleared,) = before.clearances
    assert cleared.concern == "self_harm" and cleared.reason == "No plan or intent"
    shown = text_of(page(record, config.clinic.zone, "k"))
    assert "Session 3 of 6" in shown
    assert "PCL-5 total 40 · Filled in by the patient" in shown
    assert "PHQ-9 total 9 · item 9: 1 · Filled in by the patient" in shown
    assert f"Acknowledged by {reviewed['doc'].full_name}: Safety plan made" in shown
    assert "Cleared: Thoughts of self-harm (PHQ-9 item 9) — No plan or intent" in shown


def test_pdf_prints_session_of_and_before_dosing(
    database: Database, config: Config, reviewed: dict[str, Any]
) -> None:
    pdf = discharge_pdf(
        database=database, config=config, actor=reviewed["doc"], session_id=reviewed["sid"]
    )
    text = " ".join(pdf_text(pdf).split())
    assert "· Session 3 of 6" in text and "(Session" not in text
    assert "Before dosing" in text
    assert "PHQ-9 total 9 · item 9: 1" in text
    assert "Safety plan made" in text and "No plan or intent" in text


def test_a_session_in_no_course_says_nothing_of_k_of_n(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse, now=T0)
    rows.place_in_course(database, sid, sequence=None, planned=None)
    record = session_record(database=database, actor=nurse, session_id=sid)
    assert record.snapshot.header.session_of is None
    shown = text_of(page(record, config.clinic.zone, "k"))
    assert "Session " not in shown.replace("Session ended", "")
    assert "No questionnaire, clearance or safety flag recorded." in shown
    pdf = pdf_text(discharge_pdf(database=database, config=config, actor=nurse, session_id=sid))
    assert " of " not in pdf.split("session", 1)[1].split("\n", 1)[0]
