"""The `monitor` command: serve, db upgrade/check, create-user, seed-demo, check-config,
patient register."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from monitor.config import ConfigError, load_config, load_settings
from monitor.db import migrate
from monitor.db.engine import Database
from monitor.domain.audit_chain import Anchor, AnchorFileError, Verdict, parse_anchors
from monitor.domain.errors import DomainError
from monitor.domain.permissions import Role


def cmd_check_config(args: argparse.Namespace) -> int:
    config = load_config(args.path)
    print(
        f"config OK: {config.clinic.name}, {len(config.protocols)} protocol(s), "
        f"{len(config.clinic.chairs)} chairs"
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.database_url.startswith("sqlite:///"):
        path = settings.database_url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def cmd_db_check(_args: argparse.Namespace) -> int:
    migrate.check(load_settings().database_url)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from monitor.services.people import create_user

    password = os.environ.get("MONITOR_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
    settings = load_settings()
    actor = create_user(
        database=Database.from_url(settings.database_url),
        username=args.username,
        full_name=args.full_name,
        role=args.role,
        password=password,
    )
    print(f"created {actor.role.value} {actor.username} ({actor.full_name})")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from monitor.services.password_attempts import unlock

    cleared = unlock(
        database=Database.from_url(load_settings().database_url), username=args.username
    )
    print(f"unlocked {args.username}: {cleared} failures cleared (kept, no longer counted)")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    from monitor.services.passwords import change_password

    password = os.environ.get("MONITOR_NEW_USER_PASSWORD") or getpass.getpass("New password: ")
    settings = load_settings()
    ended = change_password(
        database=Database.from_url(settings.database_url), username=args.username, password=password
    )
    print(f"password set for {args.username}; {ended} open sign-in(s) ended")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from monitor.demo import demo_password, is_empty, seed_demo

    settings = load_settings()
    database = Database.from_url(settings.database_url)
    if not is_empty(database):
        print("database already has users: demo data not added")
        return 0
    users = seed_demo(database, settings.config)
    shown = ", ".join(f"{name} ({role})" for name, role in users.items())
    source = "MONITOR_DEMO_PASSWORD" if os.environ.get("MONITOR_DEMO_PASSWORD") else "default"
    print(f"demo data added. Users: {shown}; password: {demo_password()} ({source})")
    return 0


def cmd_session_pdf(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor.db import repositories
    from monitor.reports.discharge_pdf import first_page_png
    from monitor.services.people import actor_of
    from monitor.services.session_record import discharge_pdf

    settings = load_settings()
    database = Database.from_url(settings.database_url)
    with database.session_scope() as db:
        user = repositories.user_by_username(db, args.user)
        actor = actor_of(user) if user and user.active else None
    if actor is None:
        print(f"monitor: no active user {args.user!r}", file=sys.stderr)
        return 1
    pdf = discharge_pdf(
        database=database, config=settings.config, actor=actor, session_id=args.session_id
    )
    out = Path(args.out or f"session-{args.session_id}-record.pdf")
    out.write_bytes(pdf)
    print(f"wrote {out} ({len(pdf):,} bytes)")
    if args.png:
        Path(args.png).write_bytes(first_page_png(pdf))
        print(f"wrote {args.png} (first page)")
    return 0


def cmd_patient_register(args: argparse.Namespace) -> int:
    import uuid

    from monitor.db import repositories
    from monitor.services.patients import register_patient
    from monitor.services.people import actor_of

    settings = load_settings()
    database = Database.from_url(settings.database_url)
    with database.session_scope() as db:
        user = repositories.user_by_username(db, args.user)
        actor = actor_of(user) if user and user.active else None
    if actor is None:
        print(f"monitor: no active user {args.user!r}", file=sys.stderr)
        return 1
    saved = register_patient(
        database=database,
        config=settings.config,
        actor=actor,
        mrn=args.mrn,
        family_name=args.family_name,
        given_name=args.given_name,
        birth_date=args.birth_date,
        sex=args.sex,
        weight_kg=args.weight_kg,
        allergies=args.allergies,
        escort_name=args.escort_name,
        escort_phone=args.escort_phone,
        idempotency_key=args.key or uuid.uuid4().hex,
    )
    said = "already registered" if saved.duplicate else "registered"
    print(f"{said}: patient {saved.patient_id}, MRN {args.mrn.strip()}")
    return 0


def _audit_broken(verdict: Verdict) -> int:
    """Exit 3, naming where the walk stopped: at a broken event, or after the last one."""
    if verdict.broken_at is None:
        where = ""
    elif verdict.last is not None and verdict.broken_at == verdict.last.id:
        where = f" after event {verdict.broken_at}"
    else:
        where = f" at event {verdict.broken_at}"
    print(f"audit trail BROKEN{where}: {verdict.reason} ({verdict.checked:,} events checked)")
    return 3


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from monitor.services.audit_trail import verify_chain

    anchors: list[Anchor] = []
    if args.anchors:
        try:
            with open(args.anchors, encoding="utf-8") as lines:
                anchors = parse_anchors(lines)
        except (OSError, UnicodeDecodeError) as error:
            print(f"monitor: cannot read anchor file {args.anchors}: {error}", file=sys.stderr)
            return 2
        except AnchorFileError as error:
            print(f"monitor: anchor file {args.anchors}, {error}", file=sys.stderr)
            return 2
    verdict = verify_chain(
        database=Database.from_url(load_settings().database_url), anchors=anchors
    )
    if not verdict.intact:
        return _audit_broken(verdict)
    held = f"; {verdict.anchors_held:,} anchors hold" if args.anchors else ""
    print(
        f"audit trail intact: {verdict.checked:,} events, every link holds up to the "
        f"recorded head{held}"
    )
    return 0


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    from monitor.services.audit_trail import take_anchor

    verdict, anchor = take_anchor(database=Database.from_url(load_settings().database_url))
    if not verdict.intact:
        print("monitor: no anchor taken of a broken trail", file=sys.stderr)
        return _audit_broken(verdict)
    line = anchor.to_line()
    if args.append:
        try:
            with open(args.append, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as error:
            print(f"monitor: cannot append to {args.append}: {error}", file=sys.stderr)
            return 2
    print(line)
    if args.append:
        print(f"anchor appended to {args.append}", file=sys.stderr)
    return 0


def cmd_summaries_rebuild(_args: argparse.Namespace) -> int:
    from monitor.services.summaries import rebuild_all

    settings = load_settings()
    count = rebuild_all(database=Database.from_url(settings.database_url), config=settings.config)
    print(f"rebuilt {count:,} session summaries")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from monitor.db.backup import BackupNotSupported, backup_sqlite

    try:
        size = backup_sqlite(load_settings().database_url, Path(args.destination))
    except (BackupNotSupported, FileExistsError, FileNotFoundError) as error:
        print(f"monitor: {error}", file=sys.stderr)
        return 1
    print(f"backed up to {args.destination} ({size:,} bytes)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from monitor.app import create_app

    app = create_app()
    print(f"serving on http://{args.host}:{args.port}")
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="monitor", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check-config", help="validate a config file and exit")
    p.add_argument("path", nargs="?", help="config file (default: MONITOR_CONFIG or config.yaml)")
    p.set_defaults(func=cmd_check_config)
    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db", required=True)
    p = db.add_parser("upgrade", help="apply migrations")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_db_upgrade)
    db.add_parser("check", help="fail if models and migrations differ").set_defaults(
        func=cmd_db_check
    )
    p = sub.add_parser(
        "create-user", help="add a user (password from MONITOR_NEW_USER_PASSWORD or prompted)"
    )
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--full-name", required=True, help="printed name, as on signatures")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("unlock", help="lift a sign-in lock on a username (audited)")
    p.add_argument("username")
    p.set_defaults(func=cmd_unlock)
    p = sub.add_parser(
        "set-password",
        help="set a user's password (from MONITOR_NEW_USER_PASSWORD or prompted); "
        "ends every open sign-in of that user",
    )
    p.add_argument("username")
    p.set_defaults(func=cmd_set_password)
    sub.add_parser(
        "seed-demo", help="add demo users, patients and sessions to an empty database"
    ).set_defaults(func=cmd_seed_demo)
    p = sub.add_parser(
        "session-pdf", help="write a session's discharge record as PDF (and its first page as PNG)"
    )
    p.add_argument("session_id", type=int)
    p.add_argument("--user", required=True, help="who exports it (recorded in the audit trail)")
    p.add_argument("--out", help="PDF path (default session-ID-record.pdf)")
    p.add_argument("--png", help="also write the first page as a PNG here")
    p.set_defaults(func=cmd_session_pdf)
    patient = sub.add_parser("patient", help="patients").add_subparsers(
        dest="patient", required=True
    )
    p = patient.add_parser("register", help="register a patient (audited under --user)")
    p.add_argument("--user", required=True, help="who registers (recorded in the audit trail)")
    p.add_argument("--mrn", required=True)
    p.add_argument("--family-name", required=True)
    p.add_argument("--given-name", required=True)
    p.add_argument("--birth-date", required=True, help="YYYY-MM-DD")
    p.add_argument("--sex", required=True, help="female, male, other or unknown")
    p.add_argument("--weight-kg", required=True, help="body weight in kg")
    p.add_argument("--allergies")
    p.add_argument("--escort-name")
    p.add_argument("--escort-phone")
    p.add_argument("--key", help="submission key: the same key again registers once")
    p.set_defaults(func=cmd_patient_register)
    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit", required=True
    )
    p = audit.add_parser(
        "verify", help="walk the hash chain to its head; report the first broken link"
    )
    p.add_argument(
        "--anchors", metavar="FILE", help="also check every anchor in FILE (from `audit anchor`)"
    )
    p.set_defaults(func=cmd_audit_verify)
    p = audit.add_parser(
        "anchor", help="verify, then print the head's hash, count, last event id and time"
    )
    p.add_argument("--append", metavar="FILE", help="also append the anchor as a line to FILE")
    p.set_defaults(func=cmd_audit_anchor)
    summaries = sub.add_parser("summaries", help="the derived session summaries").add_subparsers(
        dest="summaries", required=True
    )
    summaries.add_parser(
        "rebuild", help="recompute every session's summary from the record"
    ).set_defaults(func=cmd_summaries_rebuild)
    p = sub.add_parser("backup", help="online backup of the SQLite database to a new file")
    p.add_argument("destination")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("serve", help="serve with the development server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_serve)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result: int = args.func(args)
        return result
    except ConfigError as error:
        print(f"monitor: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"monitor: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
