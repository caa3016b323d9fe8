"""The discharge record as a PDF (reportlab): everything measured, done, signed and corrected,
with the Spravato REMS monitoring form's fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from monitor.db.queries import FullRecord
from monitor.domain.rems import RemsSummary
from monitor.domain.schedule import InfusionTimes, Pause, stops_early
from monitor.domain.vocabulary import (
    AcknowledgementAction,
    ExitKind,
    InfusionEvent,
    Priority,
    SessionState,
    SignatureMeaning,
    label_of,
)
from monitor.reports import interventions_pdf
from monitor.reports.before_dose_rows import clearance_rows, flag_rows, questionnaire_rows
from monitor.reports.record_chart import record_chart

STYLES = getSampleStyleSheet()
SMALL = ParagraphStyle("small", parent=STYLES["BodyText"], fontSize=8, leading=10)
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
MARGIN = 15 * mm
# Room above the frame for the running header (patient, MRN, session) on every page.
TOP_MARGIN = 22 * mm
# Session moves that no pump event shows: how the session ended, one line per final state.
EXIT_WORDS: dict[SessionState, str] = {
    SessionState.STOPPED_EARLY: "Session ended early",
    SessionState.DISCHARGED: SessionState.DISCHARGED.label,
}


def _t(moment: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt) if moment else "—"


def _yes(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: "—"}[value]


# Control characters (tab, line feed and carriage return aside: they are spaces to reportlab)
# and lone surrogates, which no PDF text can carry: each prints as U+FFFD instead.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A cell's text is laid out in paragraphs of at most this many characters, cut at a space
# where there is one: reportlab re-wraps a whole paragraph at each page it splits, so one
# paragraph of 100,000 characters takes seconds; several short ones grow linearly.
CHUNK = 2000


def _printable(text: object) -> str:
    return _UNPRINTABLE.sub("\ufffd", str(text))


def _escaped(text: object) -> str:
    """Text made safe to place inside reportlab paragraph markup."""
    return escape(_printable(text))


def _p(text: object, style: ParagraphStyle = SMALL) -> Paragraph:
    """Text as a Paragraph, escaped: whatever was typed ("Smith <Jr", a note with &, an
    `<img src=...>`) prints as typed and is never read as reportlab markup."""
    return Paragraph(_escaped(text), style)


def _chunks(text: str) -> list[str]:
    """The text in pieces of at most CHUNK characters, each cut at its last space if any."""
    pieces: list[str] = []
    while len(text) > CHUNK:
        cut = text.rfind(" ", CHUNK // 2, CHUNK + 1)
        cut = CHUNK if cut == -1 else cut
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


def _cell(text: object) -> Paragraph | list[Paragraph]:
    """A table cell: one paragraph, or for a text longer than CHUNK several, one after the
    other (so a cell of any length splits across pages in linear time)."""
    value = str(text)
    if len(value) <= CHUNK:
        return _p(value)
    return [_p(piece) for piece in _chunks(value)]


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
    cells = [[_cell(c) for c in row] for row in rows]
    # splitInRow: a row with a very long text continues on the next page instead of
    # overflowing the frame (reportlab's LayoutError).
    table = Table(cells, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(GRID)
    return table


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dose_rows(record: FullRecord) -> list[tuple[str, str]]:
    """The dose section's rows: planned against given (stored when the pump stopped), and how
    the session ended when it was not by discharge."""
    h = record.snapshot.header
    planned_ml = h.planned_ml
    planned_rate = planned_ml / (h.infusion_minutes / 60)
    given = h.dose_given
    return [
        ("", "Value"),
        (
            "Planned dose",
            f"{h.dose_mg:g} mg ({planned_ml:.1f} mL): {h.dose_mg_per_kg:g} mg/kg × "
            f"{h.weight_kg:g} kg, {h.concentration_mg_per_ml:g} mg/mL",
        ),
        ("Planned rate", f"{planned_rate:.1f} mL/h over {h.infusion_minutes:g} min"),
        ("Dose given", _sentence(given)),
        *(
            [("Ended by", f"{ExitKind(h.exit_kind).label} (physician-signed exit)")]
            if h.exit_kind
            else []
        ),
    ]


def _events(record: FullRecord, zone: ZoneInfo) -> Any:
    """Every pump event with its reason (a rate change as old → new), and how the session
    ended (early, with why)."""
    rows: list[tuple[datetime, str, str, str]] = []
    rate: float | None = None
    for e in record.snapshot.events:
        word, detail = label_of(InfusionEvent, e.kind), ""
        if e.kind == InfusionEvent.START:
            detail = _rate(e.rate_ml_per_h)
        elif e.kind == InfusionEvent.RATE_CHANGE:
            detail = f"{_rate(rate)} → {_rate(e.rate_ml_per_h)}"
        elif e.kind == InfusionEvent.STOP and _stopped_early(record, e.occurred_at):
            word = "Infusion stopped early"
        rate = e.rate_ml_per_h if e.rate_ml_per_h is not None else rate
        rows.append((e.occurred_at, word, detail, e.reason or ""))
    for a in record.audit:
        state = str((a.new or {}).get("state", ""))
        if a.action == "session.state_changed" and state in EXIT_WORDS:
            rows.append((a.at, EXIT_WORDS[SessionState(state)], f"by {a.by}", a.reason or ""))
    if not rows:
        return Paragraph("None.", SMALL)
    rows.sort(key=lambda row: row[0])
    table: list[Sequence[Any]] = [("Time", "Event", "Rate / by", "Reason")]
    table += [(_t(at, zone, "%H:%M"), word, detail, why) for at, word, detail, why in rows]
    return _table(table, [16 * mm, 38 * mm, 40 * mm, 86 * mm])


def _stopped_early(record: FullRecord, stop_at: datetime) -> bool:
    """Whether the pump stopped before the planned dose had run (the rule that made the nurse
    give a reason), its pauses counted."""
    pauses: list[Pause] = []
    for e in record.snapshot.events:
        if e.kind == InfusionEvent.PAUSE and e.occurred_at < stop_at:
            pauses.append(Pause(e.occurred_at, None))
        elif e.kind == InfusionEvent.RESUME and pauses and pauses[-1].resumed_at is None:
            pauses[-1] = Pause(pauses[-1].paused_at, e.occurred_at)
    h = record.snapshot.header
    times = InfusionTimes(h.infusion_started_at, None, tuple(pauses))
    return stops_early(times, h.infusion_minutes, stop_at)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:g} mL/h"


def render(
    record: FullRecord,
    rems: RemsSummary,
    *,
    clinic: str,
    zone: ZoneInfo,
    generated_at: datetime,
    spo2_range: tuple[float, float] = (80.0, 100.0),
) -> bytes:
    """The PDF's bytes: every page carries the patient's name, MRN and "page n of m"."""
    h = record.snapshot.header
    story: list[Any] = []
    title, heading, body = STYLES["Title"], STYLES["Heading2"], STYLES["BodyText"]
    story += [
        _p(f"{clinic}: ketamine infusion session record", title),
        Paragraph(
            f"<b>{escape(_printable(h.patient_name))}</b> · "
            + _escaped(
                f"MRN {h.mrn} · born {h.birth_date:%Y-%m-%d} · record {h.id}{_of(h.session_of)}"
                f" · {h.chair} · state: {h.state.replace('_', ' ')}"
            ),
            body,
        ),
        _p(
            f"{h.protocol_name} · weight {h.weight_kg:g} kg · planned dose {h.dose_mg:g} mg "
            f"({h.dose_mg_per_kg:g} mg/kg) · {h.concentration_mg_per_ml:g} mg/mL",
            body,
        ),
        _p(
            f"Opened {_t(h.opened_at, zone)} · infusion started "
            f"{_t(h.infusion_started_at, zone)} · stopped {_t(h.infusion_stopped_at, zone)}"
            f" · ended {_t(h.ended_at, zone)} (times {zone.key})",
            body,
        ),
        KeepTogether([Paragraph("Trend", heading), record_chart(record, spo2_range, zone=zone)]),
        Paragraph("Before dosing", heading),
        *_before_dose(record, zone),
        Paragraph("Dose", heading),
        _table(_dose_rows(record), [70 * mm, 110 * mm]),
        Paragraph("Infusion events", heading),
        _events(record, zone),
        # issue 13: adverse events, medications and the ketamine table
        *interventions_pdf.sections(record, zone, table=_table, text=_p, heading=heading),
        Paragraph("REMS patient monitoring", heading),
        _table(
            [
                ("Field", "Value"),
                ("BP before dosing", rems.bp_before_dosing or "—"),
                ("BP at about 40 minutes", rems.bp_at_40 or "—"),
                ("BP before completion", rems.bp_before_completion or "—"),
                ("Total monitoring minutes", _num(rems.total_monitoring_minutes)),
                ("Minutes until ready to leave", _num(rems.minutes_until_ready)),
                ("Vitals acceptable before dosing", _yes(rems.vitals_acceptable_before_dosing)),
                (
                    "Vitals acceptable before completion",
                    _yes(rems.vitals_acceptable_before_completion),
                ),
                ("Sedation occurred", _yes(rems.sedation)),
                ("Dissociation occurred", _yes(rems.dissociation)),
                ("Respiratory depression occurred", _yes(rems.respiratory_depression)),
                *interventions_pdf.rems_serious_row(rems),
            ],
            [70 * mm, 110 * mm],
        ),
        Paragraph("Vital signs", heading),
        _vitals(record, zone),
        Paragraph("Excursions and acknowledgements", heading),
        _excursions(record, zone),
        Paragraph("Ratings", heading),
        _ratings(record, zone),
        Paragraph("Discharge criteria", heading),
        _criteria(record),
        Paragraph("Signatures", heading),
        _signatures(record, zone),
        Paragraph("Addenda", heading),
        _addenda(record, zone),
        Spacer(1, 4 * mm),
        _p(
            f"Generated {_t(generated_at, zone, '%Y-%m-%d %H:%M:%S')} from the "
            "append-only record; corrections appear only as addenda."
        ),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=MARGIN,
        title=f"Session {h.id} record",
        author=_printable(clinic),
    )
    running = _printable(
        f"{h.patient_name} · MRN {h.mrn} · born {h.birth_date:%Y-%m-%d} · record {h.id}"
        + _of(h.session_of)
    )
    heading_clinic = _printable(clinic)

    def on_page(canvas: Canvas, _: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(MARGIN, A4[1] - 12 * mm, _fit(canvas, running, A4[0] * 0.6))
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(
            A4[0] - MARGIN, A4[1] - 12 * mm, _fit(canvas, heading_clinic, A4[0] * 0.3)
        )
        canvas.setStrokeColor(colors.grey)
        canvas.line(MARGIN, A4[1] - 14 * mm, A4[0] - MARGIN, A4[1] - 14 * mm)
        canvas.restoreState()

    document.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _of(session_of: str | None) -> str:
    """ " · Session 3 of 6" after the record's number, when it has a place in a course (the
    record's number is the system's; k of N is the patient's course)."""
    return f" · {session_of}" if session_of else ""


def _before_dose(record: FullRecord, zone: ZoneInfo) -> list[Any]:
    """The questionnaires, safety flags and pre-dose clearances, a table each (if any)."""
    widths = [28 * mm, 110 * mm, 42 * mm]
    tables = [
        _table(rows, widths)
        for rows in (
            questionnaire_rows(record, zone),
            flag_rows(record, zone),
            clearance_rows(record, zone),
        )
        if len(rows) > 1
    ]
    return tables or [Paragraph("No questionnaire, clearance or safety flag recorded.", SMALL)]


def _fit(canvas: Canvas, text: str, width: float) -> str:
    """The text cut (with an ellipsis) to fit the width in the canvas's current font."""
    if canvas.stringWidth(text) <= width:
        return text
    text = text[: int(width)]  # no sign is narrower than a point: cut the rest at once
    while text and canvas.stringWidth(text + "…") > width:
        text = text[:-1]
    return text + "…"


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds each page until the end, so every footer can say "page n of m"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.setFont("Helvetica", 7)
            self.drawRightString(A4[0] - MARGIN, 8 * mm, f"page {number} of {total}")
            super().showPage()
        super().save()


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _vitals(record: FullRecord, zone: ZoneInfo) -> Table:
    rows: list[Sequence[Any]] = [("Time", "Phase", "BP", "HR", "SpO2", "RR", "MOAA/S", "Addenda")]
    for r in record.snapshot.readings:
        # Original → corrected beside the reading; who, when and why in the Addenda section
        # (repeating every reason here made one row as long as all its addenda together).
        corrections = record.addenda_for(r.id)
        notes = "; ".join(
            f"{a.field} {a.original_value} → {_clip(a.corrected_value)}" for a in corrections
        ) + (" (see Addenda)" if corrections else "")
        rows.append(
            (
                _t(r.taken_at, zone, "%H:%M"),
                r.phase,
                f"{r.systolic}/{r.diastolic}",
                r.heart_rate,
                r.spo2,
                r.resp_rate,
                "—" if r.moaas is None else r.moaas,
                notes,
            )
        )
    return _table(rows, [14 * mm, 18 * mm, 18 * mm, 12 * mm, 12 * mm, 10 * mm, 16 * mm, 80 * mm])


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _excursions(record: FullRecord, zone: ZoneInfo) -> Any:
    if not record.snapshot.excursions:
        return Paragraph("None.", SMALL)
    rows: list[Sequence[Any]] = [("Time", "Priority", "Excursion", "Acknowledgement")]
    for x in record.snapshot.excursions:
        ack = record.acknowledgements.get(x.id)
        status = "Unacknowledged"
        if ack:
            action = AcknowledgementAction(ack.action).in_a_sentence
            status = f"{ack.by}, {_t(ack.at, zone, '%H:%M')}: {action}" + (
                f" — {ack.note}" if ack.note else ""
            )
        at, priority = _t(x.detected_at, zone, "%H:%M"), Priority(x.priority).label
        rows.append((at, priority, x.message, status))
    return _table(rows, [14 * mm, 18 * mm, 80 * mm, 68 * mm])


def _ratings(record: FullRecord, zone: ZoneInfo) -> Any:
    if not record.snapshot.ratings:
        return Paragraph("None.", SMALL)
    rows: list[Sequence[Any]] = [("Time", "Scale", "Time point", "Total")]
    for r in record.snapshot.ratings:
        point = (
            "unscheduled"
            if r.timepoint_minutes is None
            else ("baseline" if r.timepoint_minutes == 0 else f"{r.timepoint_minutes:g} min")
        )
        rows.append((_t(r.taken_at, zone, "%H:%M"), r.version, point, r.total))
    return _table(rows, [20 * mm, 30 * mm, 30 * mm, 20 * mm])


def _criteria(record: FullRecord) -> Any:
    signed = next(
        (s for s in reversed(record.signatures) if s.meaning == SignatureMeaning.APPROVED), None
    )
    signed = signed or next(iter(reversed(record.signatures)), None)
    if signed is None:
        return Paragraph("Not yet assessed and signed.", SMALL)
    rows: list[Sequence[Any]] = [("Criterion", "Met", "Value")]
    rows += [(c["label"], "Met" if c["met"] else "NOT MET", c["detail"]) for c in signed.criteria]
    return _table(rows, [80 * mm, 18 * mm, 82 * mm])


def _signatures(record: FullRecord, zone: ZoneInfo) -> Any:
    if not record.signatures:
        return Paragraph("None.", SMALL)
    rows: list[Sequence[Any]] = [
        ("Printed name", "Role", "Meaning", "Date and time", "Override reason")
    ]
    rows += [
        (
            s.printed_name,
            s.role,
            s.meaning,
            _t(s.signed_at, zone, "%Y-%m-%d %H:%M:%S"),
            s.override_reason or "",
        )
        for s in record.signatures
    ]
    return _table(rows, [40 * mm, 20 * mm, 20 * mm, 35 * mm, 65 * mm])


def _addenda(record: FullRecord, zone: ZoneInfo) -> Any:
    if not record.addenda:
        return Paragraph("None.", SMALL)
    rows: list[Sequence[Any]] = [("Time", "Author", "Corrects", "Original", "Corrected", "Reason")]
    rows += [
        (
            _t(a.created_at, zone),
            a.author,
            f"reading {a.target_id} {a.field}" if a.target_type == "reading" else "session",
            a.original_value or "—",
            a.corrected_value,
            a.reason,
        )
        for a in record.addenda
    ]
    return _table(rows, [25 * mm, 30 * mm, 30 * mm, 17 * mm, 30 * mm, 48 * mm])


def first_page_png(pdf: bytes, *, scale: float = 1.5) -> bytes:
    """The first page rendered to PNG, so a person can look at it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
        out = BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()
