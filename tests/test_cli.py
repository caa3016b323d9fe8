"""The `monitor` command on real databases, through `monitor.cli.main` as a shell runs it:
check-config (good and bad files), create-user, session-pdf and summaries rebuild.
(`seed-demo` has its own file, tests/test_demo.py.)"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import delete, select

from monitor.config import REPO_ROOT, Config
from monitor.db.engine import Database
from monitor.db.models import AuditEvent, InfusionSession, SessionSummary, User
from monitor.demo.script import PATIENTS
from monitor.domain.session_state import SessionState
from monitor.services.people import verify_password
from tests.command_line import fresh_database, run_cli
from tests.conftest import BACKENDS

CONFIG_FILE = REPO_ROOT / "config.yaml"
NEW_PASSWORD = "a-long-enough-phrase"


# ---- check-config ---------------------------------------------------------------------


def check_config(path: Path | str, tmp_path: Path) -> tuple[int, str]:
    return run_cli("sqlite://", tmp_path, "check-config", str(path))


def test_check_config_accepts_the_repositorys_file(config: Config, tmp_path: Path) -> None:
    code, output = check_config(CONFIG_FILE, tmp_path)
    assert code == 0, output
    assert output.strip() == (
        f"config OK: {config.clinic.name}, {len(config.protocols)} protocol(s), "
        f"{len(config.clinic.chairs)} chairs"
    )


def edited(tmp_path: Path, change: Any) -> Path:
    """The repository's config with one change, written to a file of its own."""
    raw = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


BAD_CONFIGS: dict[str, tuple[Any, str]] = {
    # name: (the change, what the message must name)
    "no chairs": (lambda raw: raw["clinic"].__setitem__("chairs", []), "clinic.chairs"),
    "unknown key": (lambda raw: raw["clinic"].__setitem__("colour", "blue"), "clinic.colour"),
    "a word for a number": (
        lambda raw: raw["app"].__setitem__("bedside_refresh_seconds", "often"),
        "app.bedside_refresh_seconds = 'often'",
    ),
    "no clinic": (lambda raw: raw.pop("clinic"), "clinic = missing"),
}


@pytest.mark.parametrize("name", BAD_CONFIGS)
def test_check_config_names_the_bad_key_and_exits_2(name: str, tmp_path: Path) -> None:
    change, named = BAD_CONFIGS[name]
    code, output = check_config(edited(tmp_path, change), tmp_path)
    assert code == 2, output
    assert output.startswith("monitor: invalid config:") and named in output, output
    assert "config OK" not in output


def test_check_config_refuses_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("clinic: [unclosed\n", encoding="utf-8")
    code, output = check_config(path, tmp_path)
    assert code == 2 and "is not valid YAML" in output, output


def test_check_config_refuses_a_missing_file(tmp_path: Path) -> None:
    code, output = check_config(tmp_path / "nowhere.yaml", tmp_path)
    assert code == 2 and "cannot read config file" in output, output


# ---- create-user ----------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def create_user(url: str, tmp_path: Path, *argv: str) -> tuple[int, str]:
    return run_cli(url, tmp_path, "create-user", *argv, MONITOR_NEW_USER_PASSWORD=NEW_PASSWORD)


def test_create_user_adds_a_user_who_can_sign_in(fresh: str, tmp_path: Path) -> None:
    code, output = create_user(
        fresh, tmp_path, "ana", "--role", "nurse", "--full-name", "Ana Costa, RN"
    )
    assert (code, output.strip()) == (0, "created nurse ana (Ana Costa, RN)")
    database = Database.from_url(fresh)
    try:
        actor = verify_password(database=database, username="ana", password=NEW_PASSWORD)
        assert actor is not None and (actor.role.value, actor.full_name) == (
            "nurse",
            "Ana Costa, RN",
        )
        with database.session_scope() as db:
            user = db.scalars(select(User).where(User.username == "ana")).one()
            assert (
                user.password_hash.startswith("$argon2") and NEW_PASSWORD not in user.password_hash
            )
            actions = list(db.scalars(select(AuditEvent.action)))
        assert len(actions) == 1, actions  # the new user, audited
    finally:
        database.dispose()


def test_create_user_refuses_the_same_username_twice(fresh: str, tmp_path: Path) -> None:
    assert create_user(fresh, tmp_path, "ana", "--role", "nurse", "--full-name", "Ana")[0] == 0
    code, output = create_user(fresh, tmp_path, "ana", "--role", "physician", "--full-name", "Ana")
    assert code == 1 and "already exists" in output, output


@pytest.mark.parametrize(
    ("argv", "password", "says"),
    [
        (("Ana Costa", "--role", "nurse", "--full-name", "Ana"), NEW_PASSWORD, "lowercase"),
        (("ana", "--role", "nurse", "--full-name", "Ana"), "short", "password"),
        (("ana", "--role", "nurse", "--full-name", "  "), NEW_PASSWORD, "printed name"),
    ],
    ids=["username", "password", "full name"],
)
def test_create_user_refuses_what_the_rules_refuse(
    fresh: str, tmp_path: Path, argv: tuple[str, ...], password: str, says: str
) -> None:
    code, output = run_cli(
        fresh, tmp_path, "create-user", *argv, MONITOR_NEW_USER_PASSWORD=password
    )
    assert code == 1 and says in output.lower(), output
    database = Database.from_url(fresh)
    try:
        with database.session_scope() as db:
            assert db.scalars(select(User)).first() is None
    finally:
        database.dispose()


def test_create_user_knows_only_the_clinics_roles(fresh: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_user(fresh, tmp_path, "ana", "--role", "surgeon", "--full-name", "Ana")
    assert stopped.value.code == 2


# ---- on the demo clinic: session-pdf and summaries rebuild ----------------------------


@dataclass
class Clinic:
    """A database `monitor seed-demo` filled, and its folder."""

    url: str
    folder: Path

    def sessions(self, state: SessionState) -> list[int]:
        database = Database.from_url(self.url)
        try:
            with database.session_scope() as db:
                return list(
                    db.scalars(
                        select(InfusionSession.id)
                        .where(InfusionSession.state == state.value)
                        .order_by(InfusionSession.id)
                    )
                )
        finally:
            database.dispose()


# The demo clinic is seeded once per backend; its tests go to one worker (--dist loadgroup).
ON_THE_CLINIC = pytest.mark.xdist_group("demo-clinic")


@pytest.fixture(scope="module", params=BACKENDS)
def clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Clinic]:
    folder = tmp_path_factory.mktemp("clinic")
    with fresh_database(request.param, folder) as url:
        code, output = run_cli(url, folder / "instance", "seed-demo")
        assert code == 0, output
        yield Clinic(url, folder)
    shutil.rmtree(folder, ignore_errors=True)


@ON_THE_CLINIC
def test_session_pdf_writes_the_record_and_its_first_page(clinic: Clinic, tmp_path: Path) -> None:
    sid = clinic.sessions(SessionState.DISCHARGED)[0]
    pdf, png = tmp_path / "record.pdf", tmp_path / "page.png"
    code, output = run_cli(
        clinic.url,
        tmp_path,
        "session-pdf",
        str(sid),
        "--user",
        "physician",
        "--out",
        str(pdf),
        "--png",
        str(png),
    )
    assert code == 0, output
    assert f"wrote {pdf} ({pdf.stat().st_size:,} bytes)" in output
    assert f"wrote {png} (first page)" in output
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert any(family in text for _, family, *_ in PATIENTS), text[:400]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@ON_THE_CLINIC
def test_session_pdf_needs_an_active_user(clinic: Clinic, tmp_path: Path) -> None:
    sid = clinic.sessions(SessionState.DISCHARGED)[0]
    out = tmp_path / "record.pdf"
    code, output = run_cli(
        clinic.url, tmp_path, "session-pdf", str(sid), "--user", "nobody", "--out", str(out)
    )
    assert (code, output.strip()) == (1, "monitor: no active user 'nobody'")
    assert not out.exists()


SUMMARY_FIELDS = [c.key for c in SessionSummary.__table__.columns if c.key not in ("updated_at",)]


def summaries(url: str) -> dict[int, dict[str, object]]:
    database = Database.from_url(url)
    try:
        with database.session_scope() as db:
            return {
                row.session_id: {name: getattr(row, name) for name in SUMMARY_FIELDS}
                for row in db.scalars(select(SessionSummary))
            }
    finally:
        database.dispose()


@ON_THE_CLINIC
def test_summaries_kept_on_each_write_equal_a_rebuild(clinic: Clinic, tmp_path: Path) -> None:
    """The summaries each write kept up to date are the ones a rebuild from the record gives,
    for every session of the demo (discharged, with an override, in recovery, infusing; the
    seven of today, two earlier ones of the course at session 3 of 6, and the six of the
    completed course); and a rebuild restores them from nothing."""
    kept = summaries(clinic.url)
    assert len(kept) == 15
    code, output = run_cli(clinic.url, tmp_path, "summaries", "rebuild")
    assert (code, output.strip()) == (0, "rebuilt 15 session summaries")
    assert summaries(clinic.url) == kept

    database = Database.from_url(clinic.url)
    try:
        with database.session_scope() as db:
            db.execute(delete(SessionSummary))
    finally:
        database.dispose()
    assert summaries(clinic.url) == {}
    assert run_cli(clinic.url, tmp_path, "summaries", "rebuild")[0] == 0
    assert summaries(clinic.url) == kept


def test_patient_register_from_the_command_line(fresh: str, tmp_path: Path) -> None:
    """issue 12 (patients): `monitor patient register`, audited under the named user, once
    per key; a refusal names the field's problem and exits 1."""
    code, said = create_user(fresh, tmp_path, "desk", "--role", "admin", "--full-name", "Desk")
    assert code == 0, said
    argv = (
        "patient", "register", "--user", "desk", "--mrn", "CLI-1", "--family-name", "Lee",
        "--given-name", "Kim", "--birth-date", "1970-01-31", "--sex", "female",
        "--weight-kg", "58", "--key", "cli-key-0001",
    )  # fmt: skip
    code, said = run_cli(fresh, tmp_path, *argv)
    assert code == 0 and "registered: patient" in said, said
    code, said = run_cli(fresh, tmp_path, *argv)
    assert code == 0 and "already registered" in said, said
    code, said = run_cli(fresh, tmp_path, *argv[:-2], "--birth-date", "2025-02-30")
    assert code == 1 and "not a calendar day" in said, said
    code, said = run_cli(fresh, tmp_path, *(a if a != "desk" else "nobody" for a in argv))
    assert code == 1 and "no active user" in said, said
    database = Database.from_url(fresh)
    with database.session_scope() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "patient"))
        assert list(actions) == ["patient.registered"]
    database.dispose()
