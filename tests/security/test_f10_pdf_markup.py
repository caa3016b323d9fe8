"""Finding 10: no text a person typed (or an administrator configured) is read as reportlab
markup. A record where every text field holds hostile markup renders (200), prints each text
as typed, and opens no file: an `<img src=...>` naming a real image is neither opened nor
embedded."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from monitor.app import create_app
from monitor.config import Config, Settings
from monitor.db.engine import Database
from monitor.db.models import Excursion, Reading
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.actors import Actor
from monitor.services.addenda import add_addendum
from monitor.services.early_end import end_session_early
from monitor.services.exits import sign_exit
from monitor.services.people import create_patient, create_user
from monitor.services.ratings import record_rating
from monitor.services.recovery_assessment import record_assessment
from monitor.services.session_lifecycle import open_session
from monitor.services.sign_off import approve_discharge, sign_performed
from tests import factories
from tests.factories import PASSWORD, T0
from tests.pages.dash_http import prepare, sign_in
from tests.services.test_recovery import CADSS_HIGH, READY

IMAGE = "p.png"  # relative to the working directory the test moves into


def hostile(label: str) -> str:
    """Markup reportlab would act on, around a label naming the field it was typed into."""
    return f'<img src="{IMAGE}"/>{label} <Jr </b><font size="40">&amp; & <para>'


LONG = (
    f'<img src="{IMAGE}" width="400" height="400"/> <a href="javascript:alert(1)">x</a> <br/> '
    '<onDraw name="x"/> <seq id="s"/> ]]> <!-- <b>bold</b> <font name="Courier">&lt;'
)
OPENED: list[str] = []


def _watch_opens(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and args and str(args[0]).endswith(IMAGE):
        OPENED.append(str(args[0]))


sys.addaudithook(_watch_opens)


@pytest.fixture
def image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real PNG in the working directory, where `<img src="p.png"/>` would find it."""
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(tmp_path / IMAGE)
    monkeypatch.chdir(tmp_path)
    OPENED.clear()
    yield tmp_path / IMAGE


def hostile_config(config: Config) -> Config:
    protocols = [p.model_copy(update={"name": hostile("protocol")}) for p in config.protocols]
    chairs = [hostile(f"ch{n}")[:64] for n in range(len(config.clinic.chairs))]
    clinic = config.clinic.model_copy(update={"name": hostile("clinic"), "chairs": chairs})
    return config.model_copy(update={"clinic": clinic, "protocols": protocols})


def _people(database: Database) -> dict[str, Actor]:
    return {
        role.value: create_user(
            database=database,
            username=f"{role.value}x",
            full_name=hostile(f"{role.value}name"),
            role=role,
            password=PASSWORD,
        )  # fmt: skip
        for role in (Role.NURSE, Role.PHYSICIAN)
    }


def _session(database: Database, config: Config, nurse: Actor, n: int) -> int:
    pid = create_patient(
        database=database, config=config, mrn=f"H-{n}", family_name=hostile(f"family{n}"),
        given_name=hostile(f"given{n}"), birth_date=date(1980, 1, 1), weight_kg=80,
    )  # fmt: skip
    factories.ready_course(database, config, pid)
    return open_session(
        database=database, config=config, actor=nurse, patient_id=pid,
        chair=config.clinic.chairs[n], protocol_id=config.default_protocol.id, weight_kg=80,
        idempotency_key=factories.key(), now=T0 - timedelta(minutes=15),
    ).session_id  # fmt: skip


def discharged(database: Database, config: Config, people: dict[str, Actor]) -> int:
    """Pause, stop, an acknowledged excursion, addenda and an override: each with markup."""
    nurse, doctor = people["nurse"], people["physician"]
    sid = _session(database, config, nurse, 0)
    at = T0.__add__
    factories.reading(database, config, nurse, sid, at(timedelta(minutes=-5)))
    factories.event(database, nurse, sid, SessionEvent.START_INFUSION, T0, config)
    factories.reading(database, config, nurse, sid, at(timedelta(minutes=8)), systolic=185)
    factories.event(
        database, nurse, sid, SessionEvent.PAUSE, at(timedelta(minutes=10)), config,
        reason=hostile("pause") + LONG,
    )  # fmt: skip
    factories.event(database, nurse, sid, SessionEvent.RESUME, at(timedelta(minutes=14)), config)
    factories.event(
        database, nurse, sid, SessionEvent.STOP_INFUSION, at(timedelta(minutes=25)), config,
        reason=hostile("stop"),
    )  # fmt: skip
    with database.session_scope() as db:
        excursions = list(db.scalars(select(Excursion.id).where(Excursion.session_id == sid)))
        reading_id = db.scalars(select(Reading.id).where(Reading.session_id == sid)).first()
    acknowledge_excursions(
        database=database, config=config, actor=doctor, excursion_ids=excursions,
        action="other", idempotency_key=factories.key(), note=hostile("ack") + LONG,
        now=at(timedelta(minutes=26)),
    )  # fmt: skip
    factories.reading(database, config, nurse, sid, at(timedelta(minutes=120)))
    record_rating(
        database=database, config=config, actor=nurse, session_id=sid, answers=CADSS_HIGH,
        idempotency_key=factories.key(), now=at(timedelta(minutes=121)),
    )  # fmt: skip
    record_assessment(
        database=database, config=config, actor=nurse, session_id=sid, activity=2,
        respiration=2, consciousness=2, idempotency_key=factories.key(), now=READY,
        confirmed=config.default_protocol.discharge.checklist,
    )  # fmt: skip
    sign_performed(
        database=database, config=config, actor=nurse, session_id=sid, password=PASSWORD,
        now=READY,
    )  # fmt: skip
    approve_discharge(
        database=database, config=config, actor=doctor, session_id=sid, password=PASSWORD,
        override_reason=hostile("override") + LONG, now=READY,
    )  # fmt: skip
    for target, field, value in ((reading_id, "systolic", "125"), (None, None, hostile("note"))):
        add_addendum(
            database=database, config=config, actor=nurse, session_id=sid,
            reason=hostile(f"why{field}") + LONG, corrected_value=value,
            idempotency_key=factories.key(), reading_id=target, field=field,
            now=READY + timedelta(minutes=5),
        )  # fmt: skip
    return sid


def exited(database: Database, config: Config, people: dict[str, Actor]) -> int:
    """Ended early, then signed out as a transfer: the two reasons the audit trail carries."""
    nurse, doctor = people["nurse"], people["physician"]
    sid = _session(database, config, nurse, 1)
    factories.reading(database, config, nurse, sid, T0 - timedelta(minutes=5))
    factories.event(database, nurse, sid, SessionEvent.START_INFUSION, T0, config)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=sid,
        reason=hostile("early") + LONG, now=T0 + timedelta(minutes=12),
    )  # fmt: skip
    sign_exit(
        database=database, config=config, actor=doctor, session_id=sid, kind="transfer",
        reason=hostile("exit"), password=PASSWORD, now=T0 + timedelta(minutes=30),
    )  # fmt: skip
    return sid


def squeezed(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)


def printed_in_order(words: list[str], text: str) -> bool:
    """Every word as typed, in order, in the squeezed text. A table row that a page break
    splits puts the next page's running header between a cell's lines, and a taller cell
    beside it interleaves its lines when extracted; the words stay literal and in order."""
    at = 0
    for word in words:
        found = text.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


def _pdf(settings: Settings, config: Config, session_id: int) -> bytes:
    app = create_app(replace(settings, config=config))
    client = prepare(app)
    sign_in(client, "physicianx")
    response = client.get(f"/session/{session_id}/record.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return bytes(response.data)


def test_every_text_field_prints_its_markup_as_typed(
    database: Database, config: Config, settings: Settings, image: Path
) -> None:
    evil = hostile_config(config)
    people = _people(database)
    expected = {
        discharged(database, evil, people): [
            "family0", "given0", "ch0", "protocol", "clinic", "nursename", "physicianname",
            "pause", "stop", "ack", "override", "whysystolic", "note", "whyNone",
        ],
        exited(database, evil, people): ["family1", "given1", "ch1", "early", "exit"],
    }  # fmt: skip
    for sid, labels in expected.items():
        pdf = _pdf(settings, evil, sid)
        text = squeezed(pdf)
        for label in labels:
            typed = hostile(label)[:64] if label.startswith("ch") else hostile(label)
            assert printed_in_order(typed.split(), text), label
        if "pause" in labels:
            assert "".join(LONG.split()) in text
        assert b"/Subtype /Image" not in pdf  # the chart is drawn: no image belongs here
    assert OPENED == [], f"reportlab opened {OPENED}"
