"""The discharge PDF prints what was given and what happened: the adverse events with
their outcomes, the medications with indication and order, the ketamine table with lot,
expiry and witnessed waste, the balance; the chart marks and names them; the REMS table
answers the serious-adverse-event question once the summary carries it."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from reportlab.graphics.shapes import Drawing, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.queries.snapshot import MEDICATION, MarkerRow
from monitor.reports import chart_marks
from monitor.reports.chart_marks import Box
from monitor.reports.interventions_pdf import (
    KETAMINE_WIDTHS,
    LOT_MOST,
    ketamine_widths,
    rems_serious_row,
)
from monitor.reports.record_chart import record_chart
from monitor.services.session_record import discharge_pdf, found_record
from tests import factories
from tests import intervention_rows as rows
from tests.factories import T0
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
    assert "Ordered, not given Ordered Medication Order 08:30 Midazolam 2 mg IV" in medications
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


def test_the_chart_numbers_its_marks_above_the_vitals_and_lists_them_below(
    database: Database, config: Config
) -> None:
    t = rows.treated_session(database, config)
    with database.session_scope() as db:
        record = found_record(db, t.session_id)
    drawing = record_chart(record, zone=config.clinic.zone)
    labels = {s.text: s.y for s in drawing.contents if isinstance(s, String)}
    readings_top = labels["mmHg · /min"]  # written just above the vitals' frame
    minutes_axis = min(y for text, y in labels.items() if text.endswith(" min"))
    listed = [text for text in labels if text[:1].isdigit() and not text.endswith(" min")]
    assert any("Nausea (Grade 1: mild) 08:10" in text for text in listed), listed
    for words in ("Nausea (Grade 1: mild)", "Ondansetron 4 mg IV", "Labetalol 10 mg IV"):
        number, line = next((t.split()[0], t) for t in listed if words in t)
        assert labels[line] < minutes_axis, words  # listed under the chart
        assert labels[number] > readings_top, words  # numbered above the readings


def _text_boxes(drawing: Drawing, texts: set[str]) -> list[tuple[str, Box]]:
    boxes = []
    for s in drawing.contents:
        if isinstance(s, String) and s.text in texts:
            width = stringWidth(s.text, s.fontName, s.fontSize)
            x0 = {"start": s.x, "middle": s.x - width / 2, "end": s.x - width}[s.textAnchor]
            top = s.y + s.fontSize * 0.72
            boxes.append((s.text, Box(x0, s.y - s.fontSize * 0.21, x0 + width, top)))
    return boxes


def test_six_marks_within_five_minutes_print_no_label_on_another(
    database: Database, config: Config
) -> None:
    """A crowded few minutes (three events, three doses): every printed label of a mark
    stands clear of every other, and every mark is still drawn at its own moment."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse, now=T0)
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=60))
    events = [("Nausea", "nausea"), ("Headache", "headache"), ("Dizziness", "dizziness")]
    for i, (label, kind) in enumerate(events):
        ae = rows.adverse_event(
            database, nurse, sid, T0 + timedelta(minutes=10 + 2 * i), kind=kind, kind_label=label
        )
        rows.given(database, nurse, sid, T0 + timedelta(minutes=11 + i), event_id=ae)
    with database.session_scope() as db:
        record = found_record(db, sid)
    assert len(record.snapshot.markers) == 6
    drawing = record_chart(record, zone=config.clinic.zone)
    words = {m.words for m in record.snapshot.markers}
    marks = {
        s.text
        for s in drawing.contents
        if isinstance(s, String)
        if any(w in s.text for w in words) or s.text.isdigit()
    }
    boxes = _text_boxes(drawing, marks)
    assert len(boxes) >= 6
    for i, (a, first) in enumerate(boxes):
        for b, second in boxes[i + 1 :]:
            assert not first.overlaps(second), (a, b)


def test_the_lane_stacks_crowded_marks_in_rows_and_keeps_each_at_its_moment(
    config: Config,
) -> None:
    def mark(i: int, minute: float) -> MarkerRow:
        return MarkerRow(
            MEDICATION, i, T0 + timedelta(minutes=minute), "Ondansetron", None, None, 4, "mg", "iv"
        )

    crowd = [mark(i, 10 + i * 0.8) for i in range(6)] + [mark(9, 10), mark(10, 40)]

    def x_of(at: datetime) -> float:
        return (at - T0).total_seconds() / 60 * 7.0  # 7 pt a minute

    lane = chart_marks.lane_layout(crowd, x_of, lane_y=100)
    assert [p.number for p in lane] == list(range(1, 9))
    assert all(p.x == x_of(p.marker.at) for p in lane)  # never moved off its time
    listed = chart_marks.list_layout(crowd, config.clinic.zone, left=0, right=200, top=0)
    for placed in (lane, listed):
        for i, p in enumerate(placed):
            for q in placed[i + 1 :]:
                assert not p.box.overlaps(q.box), (p.text, q.text)
    assert chart_marks.lane_rows(lane, 100) >= 2  # stacked, not run together
    assert max(p.box.x1 for p in listed) <= 200  # the list wraps inside the chart


def test_a_lot_prints_whole_in_the_ketamine_table(database: Database, config: Config) -> None:
    """A lot split across two lines ("KT-2503-0 / 42") reads as two numbers: the lot
    column is as wide as the session's longest lot needs."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    for lot in ("KT-2503-042", "LOT-2025/11-A0042"):
        rows.draw(database, nurse, sid, T0 - timedelta(minutes=3), lot=lot)
    text = _text(discharge_pdf(database=database, config=config, actor=nurse, session_id=sid))
    ketamine = text.split("Ketamine Product", 1)[1]
    assert "KT-2503-042 2027-06-30" in ketamine, ketamine
    assert "LOT-2025/11-A0042 2027-06-30" in ketamine, ketamine


def test_the_lot_column_grows_from_the_witnessed_waste_column_up_to_a_cap() -> None:
    base = ketamine_widths([])
    assert base == list(KETAMINE_WIDTHS)
    wide = ketamine_widths(["LOT-2025/11-A0042"])
    assert wide[1] > base[1] and wide[-1] < base[-1]
    assert wide[:1] + wide[2:-1] == base[:1] + base[2:-1]  # the others as they were
    assert sum(wide) == pytest.approx(sum(base))  # the table keeps the page's width
    assert ketamine_widths(["W" * 40])[1] == LOT_MOST


def test_an_order_not_given_is_listed_apart_after_the_doses_in_time_order(
    database: Database, config: Config
) -> None:
    """An order not given printed after doses given later ("08:30 Midazolam … not given"
    below an 08:35 dose) read as the last thing done; it is an open order, so it gets a
    list of its own under the doses, which stay in the order they were given."""
    t = rows.treated_session(database, config)
    rows.given(database, t.nurse, t.session_id, T0 + timedelta(minutes=35), event_id=t.nausea)
    text = _text(
        discharge_pdf(database=database, config=config, actor=t.doctor, session_id=t.session_id)
    )
    medications = text.split("Medications", 1)[1].split("Ketamine", 1)[0]
    doses, _, orders = medications.partition("Ordered, not given")
    assert [doses.index(f"{at} Ondansetron") for at in ("08:12", "08:35")] == sorted(
        doses.index(f"{at} Ondansetron") for at in ("08:12", "08:35")
    )
    assert doses.index("08:22 Labetalol") < doses.index("08:35 Ondansetron")
    assert "Midazolam" not in doses and "not given" not in doses
    assert f"08:30 Midazolam 2 mg IV ordered by {t.doctor.full_name} 08:30" in orders, orders
    assert "(reason: Agitated)" in orders
