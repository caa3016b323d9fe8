"""The PDF's "Before dosing" tables (issue 12) as rows of text: the questionnaires with
their totals, the safety flags with their acknowledgement, the pre-dose clearances. The
words are the record page's (monitor/domain/before_dose_words.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from monitor.db.queries import FullRecord
from monitor.domain.before_dose_words import (
    acknowledgement_words,
    clearance_words,
    flag_words,
    questionnaire_words,
)

Rows = list[Sequence[str]]


def _t(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def questionnaire_rows(record: FullRecord, zone: ZoneInfo) -> Rows:
    rows: Rows = [("Time", "Questionnaire", "Entered by")]
    for q in record.before_dose.questionnaires:
        words = questionnaire_words(q.questionnaire, q.total, q.items, q.respondent)
        rows.append((_t(q.taken_at, zone), words, q.entered_by))
    return rows


def flag_rows(record: FullRecord, zone: ZoneInfo) -> Rows:
    rows: Rows = [("Raised", "Safety flag", "Acknowledgement")]
    for f in record.before_dose.safety_flags:
        ack = acknowledgement_words(f.acknowledged_by, f.note)
        if f.acknowledged_at:
            ack = f"{ack} ({_t(f.acknowledged_at, zone)})"
        rows.append((_t(f.raised_at, zone), flag_words(f.kind, f.message), ack))
    return rows


def clearance_rows(record: FullRecord, zone: ZoneInfo) -> Rows:
    rows: Rows = [("Time", "Clearance", "Physician")]
    for c in record.before_dose.clearances:
        rows.append((_t(c.cleared_at, zone), clearance_words(c.concern, c.reason), c.cleared_by))
    return rows
