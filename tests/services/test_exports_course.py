"""The auditor's exports carry the treatment course: sessions.csv its id, the session's
place in it (k) and the sessions planned (N); readings.csv the course id and k (issue 12).
A session no course numbered exports blanks, never a made-up number."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from monitor.config import Config
from monitor.db import audit_queries as aq
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.services import quality
from tests import before_dose_rows as rows
from tests import factories
from tests.factories import T0


def exported(lines: object) -> list[dict[str, str]]:
    header, *values = list(csv.reader(io.StringIO("".join(lines))))  # type: ignore[arg-type]
    return [dict(zip(header, v, strict=True)) for v in values]


def test_exports_carry_course_and_session_k(database: Database, config: Config) -> None:
    nurse = factories.user(database)
    auditor = factories.user(database, Role.AUDITOR)
    chairs = config.clinic.chairs
    numbered = factories.infusing(database, config, nurse, chair=chairs[0])
    loose = factories.infusing(database, config, nurse, chair=chairs[1])
    course = rows.place_in_course(database, numbered, sequence=3, planned=6)
    rows.place_in_course(database, loose, sequence=None, planned=None)
    factories.reading(database, config, nurse, numbered, T0 + timedelta(minutes=10))
    query = aq.HistoryFilter()
    sessions = {
        int(r["session_id"]): r
        for r in exported(
            quality.sessions_csv(database=database, config=config, actor=auditor, query=query)
        )
    }
    assert (
        sessions[numbered]["course_id"],
        sessions[numbered]["course_session"],
        sessions[numbered]["course_planned"],
    ) == (str(course), "3", "6")
    assert sessions[loose]["course_id"] == sessions[loose]["course_session"] == ""
    readings = exported(
        quality.readings_csv(database=database, config=config, actor=auditor, query=query)
    )
    assert {(r["session_id"], r["course_id"], r["course_session"]) for r in readings} == {
        (str(numbered), str(course), "3"),
        (str(loose), "", ""),
    }
