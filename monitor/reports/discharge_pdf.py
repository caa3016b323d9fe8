"""The discharge record as a PDF (reportlab): everything measured, done, signed and corrected,
with the Spravato REMS monitoring form's fields."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from monitor.db.queries import FullRecord
from monitor.domain.rems import RemsSummary

ACTIONS = {
    "observed": "observed",
    "repeat_reading_ordered": "repeat reading ordered",
    "infusion_paused": "infusion paused",
    "medication_given": "medication given",
    "other": "other",
}
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


def _t(moment: datetime | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt) if moment else "—"


def _yes(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: "—"}[value]


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
    cells = [[Paragraph(escape(str(c)), SMALL) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    return table


def _chart(record: FullRecord) -> Drawing:
    """Systolic, diastolic and heart rate against minutes from the start of dosing."""
    start = record.snapshot.header.infusion_started_at or record.snapshot.header.opened_at
    readings = record.snapshot.readings
    drawing = Drawing(170 * mm, 62 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 12 * mm, 10 * mm, 150 * mm, 45 * mm

    def series(field: str) -> list[tuple[float, float]]:
        return [((r.taken_at - start).total_seconds() / 60, getattr(r, field)) for r in readings]

    plot.data = [series("systolic"), series("diastolic"), series("heart_rate")]
    xs = [x for line in plot.data for x, _ in line] or [0.0, 1.0]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = min(xs), max(max(xs), min(xs) + 1)
    palette = (colors.HexColor("#c92a2a"), colors.HexColor("#e8590c"), colors.HexColor("#1971c2"))
    for index, colour in enumerate(palette):
        plot.lines[index].strokeColor = colour
        plot.lines[index].strokeWidth = 1.2
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.valueMax = 220
    plot.yValueAxis.valueStep = 40
    plot.xValueAxis.labelTextFormat = "%d min"
    drawing.add(plot)
    header = record.snapshot.header
    for moment, label in (
        (header.infusion_started_at, "start"),
        (header.infusion_stopped_at, "stop"),
    ):
        if moment is None or not readings:
            continue
        minutes = (moment - start).total_seconds() / 60
        lo, hi = plot.xValueAxis.valueMin, plot.xValueAxis.valueMax
        if hi is None or lo is None or hi == lo:
            continue
        x = plot.x + (minutes - lo) / (hi - lo) * plot.width
        drawing.add(
            Line(
                x, plot.y, x, plot.y + plot.height, strokeColor=colors.grey, strokeDashArray=[2, 2]
            )
        )
        drawing.add(String(x + 2, plot.y + plot.height - 6, label, fontSize=7))
    legend = LineLegend()
    legend.x, legend.y = 120 * mm, 60 * mm
    legend.fontSize = 7
    legend.colorNamePairs = list(zip(palette, ("Systolic", "Diastolic", "HR"), strict=True))
    drawing.add(legend)
    return drawing


def render(
    record: FullRecord, rems: RemsSummary, *, clinic: str, zone: ZoneInfo, generated_at: datetime
) -> bytes:
    """The PDF's bytes."""
    h = record.snapshot.header
    story: list[Any] = []
    title, heading, body = STYLES["Title"], STYLES["Heading2"], STYLES["BodyText"]
    story += [
        Paragraph(f"{escape(clinic)}: ketamine infusion session record", title),
        Paragraph(
            f"<b>{h.patient_name}</b> · MRN {h.mrn} · born {h.birth_date:%Y-%m-%d} · "
            f"session {h.id} · {h.chair} · state: {h.state.replace('_', ' ')}",
            body,
        ),
        Paragraph(
            f"{h.protocol_name} · weight {h.weight_kg:g} kg · dose {h.dose_mg:g} mg "
            f"({h.dose_mg_per_kg:g} mg/kg) · {h.concentration_mg_per_ml:g} mg/mL at "
            f"{h.rate_ml_per_h:g} mL/h",
            body,
        ),
        Paragraph(
            f"Opened {_t(h.opened_at, zone)} · infusion started "
            f"{_t(h.infusion_started_at, zone)} · stopped {_t(h.infusion_stopped_at, zone)}"
            f" · ended {_t(h.ended_at, zone)} (times {zone.key})",
            body,
        ),
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
            ],
            [70 * mm, 100 * mm],
        ),
        Paragraph("Trend", heading),
        _chart(record),
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
        Paragraph(
            f"Generated {_t(generated_at, zone, '%Y-%m-%d %H:%M:%S')} from the "
            "append-only record; corrections appear only as addenda.",
            SMALL,
        ),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Session {h.id} record",
        author=clinic,
    )
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _footer(canvas: Any, document: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"page {document.page}")
    canvas.restoreState()


def _vitals(record: FullRecord, zone: ZoneInfo) -> Table:
    rows: list[Sequence[Any]] = [("Time", "Phase", "BP", "HR", "SpO2", "RR", "MOAA/S", "Addenda")]
    for r in record.snapshot.readings:
        notes = "; ".join(
            f"{a.field} {a.original_value} → {a.corrected_value} ({a.reason})"
            for a in record.addenda_for(r.id)
        )
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
    return _table(rows, [14 * mm, 18 * mm, 18 * mm, 12 * mm, 12 * mm, 10 * mm, 14 * mm, 82 * mm])


def _excursions(record: FullRecord, zone: ZoneInfo) -> Any:
    if not record.snapshot.excursions:
        return Paragraph("None.", SMALL)
    rows: list[Sequence[Any]] = [("Time", "Priority", "Excursion", "Acknowledgement")]
    for x in record.snapshot.excursions:
        ack = record.acknowledgements.get(x.id)
        status = (
            f"{ack.by}, {_t(ack.at, zone, '%H:%M')}: {ACTIONS[ack.action]}"
            + (f" — {ack.note}" if ack.note else "")
            if ack
            else "Unacknowledged"
        )
        rows.append((_t(x.detected_at, zone, "%H:%M"), x.priority.upper(), x.message, status))
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
    signed = next((s for s in reversed(record.signatures) if s.meaning == "approved"), None)
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
