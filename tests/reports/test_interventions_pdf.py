"""The discharge PDF prints what was given and what happened: the adverse events with
their outcomes, the medications with indication and order, the ketamine table with lot,
expiry and witnessed waste, the balance; the chart marks and names them; the REMS table
answers the serious-adverse-event question once the summary carries it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from reportlab.graphics.shapes import String

from monitor.config import Config
from monitor.db.engine import Database
from monitor.reports.interventions_pdf import rems_serious_row
from monitor.reports.record_chart import record_chart
from monitor.services.session_record import discharge_pdf, found_record
from tests import factories
from tests import intervention_rows as rows
from tests.services.test_record_before_dose import pdf_text


def _text(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def test_the_pdf_prints_each_section(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    text = _text(
        discharge_pdf(database=database, config=config, actor=t.doctor, session_id=t.session_id)
    )
    events = text.split("Adverse events", 1)[1].split("Medications", 1)[0]
    assert "Onset Event Serious Action taken Outcome Resolved" in events
    assert "08:10 Nausea (Grade 1: mild) No" in events and "Resolved 08:25" in events
    assert "Symptomatic hypertension (Grade 3: severe)" in events
    assert "not recorded" in events and "Seen, treat" in events
    medications = text.split("Medications", 1)[1].split("Ketamine", 1)[0]
    assert "08:12 Ondansetron 4 mg IV" in medications
    assert "for: Nausea (Grade 1: mild) standing order" in medications
    assert "for: excursion 08:20 185/95" in medications
    assert f"ordered by {t.doctor.full_name} 08:21" in medications
    assert "Midazolam 2 mg IV not given" in medications
    ketamine = text.split("Ketamine Product", 1)[1].split("REMS patient monitoring", 1)[0]
    assert "LOT-A1 2027-06-30" in ketamine
    assert f"witnessed by {t.second_nurse.full_name} 08:42" in ketamine
    assert "awaiting a witness" in ketamine
    assert "Balance: Balanced: drawn 5.00 mL, given 4.00 mL, wasted 1.00 mL (40 mg)" in ketamine
    trend = text.split("Trend", 1)[1].split("Before dosing", 1)[0]
    assert "Adverse event" in trend and "Medication given" in trend
    assert "Ondansetron 4 mg IV" in trend


def test_nothing_recorded_says_so(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    sid = factories.session(database, config, nurse)
    text = _text(discharge_pdf(database=database, config=config, actor=nurse, session_id=sid))
    assert "Adverse events None. Medications None." in text
    assert "Ketamine Balance: No ketamine recorded" in text
    assert "Given and happened" not in text


def test_the_rems_answer_prints_once_the_summary_has_it() -> None:
    assert rems_serious_row(SimpleNamespace()) == []  # type: ignore[arg-type]
    yes: Any = SimpleNamespace(serious_adverse_event=True)
    no: Any = SimpleNamespace(serious_adverse_event=False)
    assert rems_serious_row(yes) == [("Serious adverse event occurred", "Yes")]
    assert rems_serious_row(no) == [("Serious adverse event occurred", "No")]


def test_the_chart_labels_its_marks_above_the_vitals(database: Database, config: Config) -> None:
    t = rows.treated_session(database, config)
    with database.session_scope() as db:
        record = found_record(db, t.session_id)
    drawing = record_chart(record)
    labels = {s.text: s.y for s in drawing.contents if isinstance(s, String)}
    readings_top = labels["mmHg · /min"]  # written just above the vitals' frame
    for words in ("Nausea (Grade 1: mild)", "Ondansetron 4 mg IV", "Labetalol 10 mg IV"):
        assert labels[words] > readings_top, words
