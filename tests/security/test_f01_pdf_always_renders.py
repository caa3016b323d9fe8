"""Finding 1: whatever the app accepts, within its limits, the record's PDF renders. Addenda
and signatures are append-only, so one text the PDF cannot lay out would break a record for
good: long texts with and without spaces, many addenda on one reading, many signatures,
unicode, control characters, a session with no readings. The override reason, which had no
limit, is capped at its field."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.models import InfusionSession, Signature
from monitor.db.queries import FullRecord, ReadingRow, SessionSnapshot, SignatureRow
from monitor.domain.override import MAX_OVERRIDE_REASON
from monitor.domain.permissions import Role
from monitor.reports.discharge_pdf import render
from monitor.services.actors import Actor
from monitor.services.addenda import MAX_TEXT, add_addendum
from monitor.services.early_end import end_session_early
from monitor.services.errors import InvalidEntry
from monitor.services.session_record import discharge_pdf
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD, T0
from tests.reports.test_discharge_pdf_complete import REMS, ZONE, header
from tests.services.test_recovery import CADSS_HIGH, READY, assess, recovered


def tokens(prefix: str, length: int) -> str:
    """Words that are each unique and markup-like, to `length` characters: whatever the page
    breaks, every word must be found in the PDF, as many times as it was written."""
    words = (f"{prefix}{n:03d}<&>" for n in range(length))
    return " ".join(words)[:length].rsplit(" ", 1)[0]


SPACED = tokens("w", MAX_TEXT)
UNBROKEN = "§" * MAX_TEXT  # a sign no other text of the record uses
UNICODE = ("患者は落ち着いている 😀👍🏽 المريض مستقر המטופל יציב Ωµß ẞ\u0301 " * 40)[:MAX_TEXT]
# Every C0 control (NUL aside: PostgreSQL text cannot hold it), DEL, C1, separators, BOM.
CONTROL = "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9f\u2028\u2029\ufeff\u200b end"
TEXTS = {
    "1084-spaced": tokens("w", 1084),
    "2000-spaced": SPACED,
    "2000-unbroken": UNBROKEN,
    "2000-unicode": UNICODE,
    "controls": CONTROL,
}


def squeezed(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (a long word wraps wherever it must)."""
    return "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def written(text: str, pdf: bytes, times: int) -> bool:
    """Every word of the text (or every sign of an unbroken one) is in the PDF `times` times."""
    found = squeezed(pdf)
    if text == UNBROKEN:
        return found.count("§") == times * len(UNBROKEN)
    return all(found.count(word) == times for word in text.split())


@pytest.fixture
def people(database: Database) -> dict[str, Actor]:
    return {
        "nurse": factories.user(database, Role.NURSE),
        "doctor": factories.user(database, Role.PHYSICIAN),
    }


def _awaiting_override(database: Database, config: Config, people: dict[str, Actor]) -> int:
    """A session the nurse signed with a criterion unmet: the physician must override."""
    sid = recovered(database, config, people["nurse"], cadss=CADSS_HIGH)
    assess(database, config, people["nurse"], sid)
    sign_performed(
        database=database, config=config, actor=people["nurse"], session_id=sid,
        password=PASSWORD, now=READY,
    )  # fmt: skip
    return sid


def test_an_override_reason_over_its_cap_is_refused_at_its_field(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    sid = _awaiting_override(database, config, people)
    with pytest.raises(InvalidEntry) as refused:
        approve_discharge(
            database=database, config=config, actor=people["doctor"], session_id=sid,
            password=PASSWORD, override_reason="Calm. " + "x" * MAX_OVERRIDE_REASON, now=READY,
        )  # fmt: skip
    [problem] = refused.value.problems
    assert problem.field == "override" and str(MAX_OVERRIDE_REASON) in problem.message
    with database.session_scope() as db:
        session = db.get(InfusionSession, sid)
        assert session is not None and session.state == "recovery"
        approved = select(func.count()).where(Signature.meaning == "approved")
        assert db.scalar(approved.select_from(Signature)) == 0


@pytest.mark.parametrize("kind", ["2000-spaced", "2000-unbroken", "2000-unicode"])
def test_an_override_reason_at_its_cap_is_signed_and_renders(
    database: Database, config: Config, people: dict[str, Actor], kind: str
) -> None:
    assert MAX_OVERRIDE_REASON == 2000
    sid = _awaiting_override(database, config, people)
    approve_discharge(
        database=database, config=config, actor=people["doctor"], session_id=sid,
        password=PASSWORD, override_reason=TEXTS[kind], now=READY,
    )  # fmt: skip
    pdf = discharge_pdf(database=database, config=config, actor=people["doctor"], session_id=sid)
    if kind != "2000-unicode":  # the PDF's fonts have no CJK, emoji or Arabic glyphs
        assert written(TEXTS[kind], pdf, times=1)


@pytest.mark.parametrize("kind", list(TEXTS))
def test_addenda_and_notes_at_their_caps_render(
    database: Database, config: Config, people: dict[str, Actor], kind: str
) -> None:
    nurse = people["nurse"]
    sid = factories.infusing(database, config, nurse)
    reading = factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=5))
    text = TEXTS[kind]
    for reading_id, field, value in ((reading.reading_id, "systolic", "125"), (None, None, text)):
        add_addendum(
            database=database, config=config, actor=nurse, session_id=sid, reason=text,
            corrected_value=value, idempotency_key=factories.key(), reading_id=reading_id,
            field=field, now=T0 + timedelta(minutes=50),
        )  # fmt: skip
    pdf = discharge_pdf(database=database, config=config, actor=nurse, session_id=sid)
    if kind in ("1084-spaced", "2000-spaced", "2000-unbroken"):
        assert written(text, pdf, times=3)  # the reading's reason, the note and its reason
    assert "end" in squeezed(pdf) if kind == "controls" else page_count(pdf) >= 2


def test_many_long_addenda_on_one_reading_render_each_once(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    """The reading's row shows original → corrected and points to the Addenda section, which
    has one row per addendum: the layout grows with the addenda, not with their square."""
    nurse = people["nurse"]
    sid = factories.infusing(database, config, nurse)
    reading = factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=5))
    reasons = [tokens(f"r{n:02d}w", MAX_TEXT) for n in range(12)]
    for n, reason in enumerate(reasons):
        add_addendum(
            database=database, config=config, actor=nurse, session_id=sid, reason=reason,
            corrected_value=str(121 + n), idempotency_key=factories.key(),
            reading_id=reading.reading_id, field="systolic", now=T0 + timedelta(minutes=50 + n),
        )  # fmt: skip
    pdf = discharge_pdf(database=database, config=config, actor=nurse, session_id=sid)
    assert all(written(reason, pdf, times=1) for reason in reasons)
    assert "systolic120→132" in squeezed(pdf)  # the last correction, beside the reading


def test_a_session_opened_then_ended_renders(
    database: Database, config: Config, people: dict[str, Actor]
) -> None:
    """Fixed by issue 9 ("Polyline must have 2 or more points"); kept as a regression test."""
    nurse = people["nurse"]
    sid = factories.session(database, config, nurse)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=sid,
        reason="Patient left before the baseline", now=T0,
    )  # fmt: skip
    pdf = discharge_pdf(database=database, config=config, actor=nurse, session_id=sid)
    assert "Nareadingsyet" not in squeezed(pdf) and "Noreadingsyet" in squeezed(pdf)


def _record(signatures: int, reason: str, name: str = "Dr Who") -> FullRecord:
    reading = ReadingRow(1, "infusion", T0, 185, 95, 80, 97, 14, None, 5, name)
    snap = SessionSnapshot(header(patient_name=name[:201], chair=name[:64]), (reading,), (), (), ())
    sigs = tuple(
        SignatureRow(
            n,
            name[:200],
            "physician",
            "approved",
            T0,
            [{"label": name, "met": False, "detail": name, "code": "x"}],
            False,
            reason,
        )  # fmt: skip
        for n in range(signatures)
    )
    return FullRecord(snap, {}, (), sigs, ())


@pytest.mark.parametrize(
    ("signatures", "reason", "name"),
    [
        (40, UNBROKEN, "Dr Who"),
        (1, "x" * 102_499, "Dr Who"),  # stored before the cap existed: it must still render
        (1, "word " * 20_000, "N" * 200),
        (3, UNICODE, UNICODE),
        (3, "\x00" + CONTROL + "\udcff\ud800", "\x00Dr\x1b[31m\udcff Who\x07"),
    ],
    ids=["40-signatures", "legacy-102499-override", "100k-words", "unicode", "controls+NUL"],
)
def test_every_accepted_text_renders(signatures: int, reason: str, name: str) -> None:
    pdf = render(_record(signatures, reason, name), REMS, clinic=name, zone=ZONE, generated_at=T0)
    pages = page_count(pdf)
    text = squeezed(pdf)
    assert all(f"page{n}of{pages}" in text for n in range(1, pages + 1))
    assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text)
