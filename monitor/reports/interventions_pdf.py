"""The discharge PDF's sections of what was given and what happened (issue 13): the adverse
events with their outcomes, the rescue medications with their indications and orders, and
the ketamine table (lot, expiry, drawn, given, wasted, witnessed waste, balance).

Rows only: the PDF module lays them out with its own table (escaped, split across pages),
so this module never imports it back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph

from monitor.db.queries import FullRecord
from monitor.db.queries.interventions import SessionInterventions
from monitor.db.queries.ketamine_record_rows import KETAMINE_COLUMNS
from monitor.domain.rems import RemsSummary

NOT_GIVEN_WORDS = "Ordered, not given"  # as the record says it (ui/record_interventions.py)

Table = Callable[[Sequence[Sequence[Any]], Sequence[float] | None], Any]
Text = Callable[[str], Any]


def _t(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else "—"


def adverse_event_rows(record: FullRecord, zone: ZoneInfo) -> list[Sequence[str]]:
    rows: list[Sequence[str]] = [
        ("Onset", "Event", "Serious", "Action taken", "Outcome", "Resolved", "Entered, seen")
    ]
    for e in record.interventions.adverse_events:
        seen = (
            f"; acknowledged by {e.acknowledged_by} {_t(e.acknowledged_at, zone)}"
            + (f": {e.acknowledgement_note}" if e.acknowledgement_note else "")
            if e.acknowledged_by
            else ""
        )
        linked = e.excursion(zone)
        rows.append(
            (
                _t(e.onset_at, zone),
                e.words
                + (f" — {e.note}" if e.note else "")
                + (f" (with the {linked})" if linked else ""),
                "Yes" if e.serious else "No",
                e.action_taken or "—",
                e.outcome_words + (f" — {e.outcome_note}" if e.outcome_note else ""),
                _t(e.resolved_at, zone),
                f"{e.entered_by}{seen}",
            )
        )
    return rows


def medication_rows(interventions: SessionInterventions, zone: ZoneInfo) -> list[Sequence[str]]:
    rows: list[Sequence[str]] = [("Time", "Medication", "Given by", "Indication", "Order")]
    for a in interventions.administrations:
        order = interventions.order_of(a)
        rows.append(
            (
                _t(a.given_at, zone),
                f"{a.words} ({a.strength})",
                a.given_by,
                a.indication(zone),
                order.order_words(zone) if order else "standing order",
            )
        )
    return rows


def orders_not_given_rows(
    interventions: SessionInterventions, zone: ZoneInfo
) -> list[Sequence[str]]:
    """The orders not (yet) given, in a list of their own under the doses: an open order
    is not a dose, and printed among them it read as the last thing done."""
    rows: list[Sequence[str]] = [("Ordered", "Medication", "Order")]
    for o in interventions.orders_not_given:
        rows.append((_t(o.ordered_at, zone), o.words, o.order_words(zone)))
    return rows


# The ketamine table's columns (180 mm in all); the lot's grows to the session's longest lot
# so a lot never wraps mid-number ("KT-2503-0 / 42"), up to LOT_MOST, the width taken from
# the witnessed-waste column, whose words wrap at spaces.
KETAMINE_WIDTHS = (30 * mm, 18 * mm, 20 * mm, 28 * mm, 16 * mm, 16 * mm, 52 * mm)
LOT_MOST = 46 * mm
CELL_PADDING = 12 + 2  # reportlab's cell padding (6 pt a side) and a little air
CELL_FONT, CELL_SIZE = "Helvetica", 8  # the PDF's table text (discharge_pdf.SMALL)


def ketamine_widths(lots: Sequence[str]) -> list[float]:
    """The ketamine table's column widths for these lots."""
    widths = list(KETAMINE_WIDTHS)
    need = max((stringWidth(lot, CELL_FONT, CELL_SIZE) + CELL_PADDING for lot in lots), default=0)
    lot = min(max(widths[1], need), LOT_MOST)
    widths[-1] -= lot - widths[1]
    widths[1] = lot
    return widths


def rems_serious_row(rems: RemsSummary) -> list[tuple[str, str]]:
    """The REMS form's serious-adverse-event answer, once the summary carries it."""
    answer = getattr(rems, "serious_adverse_event", None)
    if answer is None:
        return []
    return [("Serious adverse event occurred", "Yes" if answer else "No")]


def sections(
    record: FullRecord, zone: ZoneInfo, *, table: Table, text: Text, heading: Any
) -> list[Any]:
    """The three sections, each "None." when nothing was recorded; a heading is kept with
    the start of its section, never left alone at the foot of a page."""
    given = record.interventions
    ketamine = given.ketamine
    events = adverse_event_rows(record, zone)
    medications = medication_rows(given, zone)
    open_orders = orders_not_given_rows(given, zone)
    lines = ketamine.lines(zone)
    balance = [text(f"Balance: {ketamine.balance_words}")]
    balance += [text(f"Resolution: {words}") for words in ketamine.resolution_words(zone)]
    return [
        _section(
            "Adverse events",
            heading,
            table(events, [14 * mm, 40 * mm, 14 * mm, 28 * mm, 28 * mm, 16 * mm, 40 * mm])
            if len(events) > 1
            else text("None."),
        ),
        _section(
            "Medications",
            heading,
            table(medications, [14 * mm, 44 * mm, 30 * mm, 46 * mm, 46 * mm])
            if len(medications) > 1
            else text("None given." if len(open_orders) > 1 else "None."),
        ),
        *(
            [
                KeepTogether(
                    [text(NOT_GIVEN_WORDS), table(open_orders, [18 * mm, 44 * mm, 118 * mm])]
                )
            ]
            if len(open_orders) > 1
            else []
        ),
        _section(
            "Ketamine",
            heading,
            table([KETAMINE_COLUMNS, *lines], ketamine_widths([line[1] for line in lines]))
            if lines
            else balance.pop(0),
        ),
        *balance,
    ]


def _section(title: str, heading: Any, first: Any) -> KeepTogether:
    return KeepTogether([Paragraph(title, heading), first])
