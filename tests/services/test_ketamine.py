"""The ketamine record's services on real databases: draws, wastes, witnesses and the
physician's resolution — idempotent, audited, refused on a locked record or to a role
that may not, and the balance they add up to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from monitor.config import Config
from monitor.db.engine import Database
from monitor.db.intervention_models import (
    KetamineDraw,
    KetamineWaste,
    KetamineWasteWitness,
)
from monitor.db.models import AuditEvent
from monitor.domain.permissions import Role
from monitor.domain.vocabulary import KetamineBalance as KB
from monitor.services.actors import Actor
from monitor.services.early_end import end_session_early
from monitor.services.errors import (
    Conflict,
    IllegalTransition,
    InvalidEntry,
    PermissionDenied,
)
from monitor.services.ketamine import (
    ResolutionRecorded,
    WasteWitnessed,
    ketamine_record,
    record_draw,
    resolve_discrepancy,
    witness_waste,
)
from monitor.services.ketamine_record import open_ketamine_record
from monitor.services.staff import deactivate_user
from tests import factories as f
from tests import ketamine_data as k

T0 = f.T0


def count(database: Database, model: type) -> int:
    with database.session_scope() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def actions(database: Database) -> list[str]:
    with database.session_scope() as db:
        return list(
            db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("ketamine.%")))
        )


def problem(error: pytest.ExceptionInfo[InvalidEntry]) -> tuple[str, str]:
    first = error.value.problems[0]
    return first.field, first.message


def test_a_witnessed_waste_balances_the_delivered_dose(database: Database, config: Config) -> None:
    nurse, other = f.user(database), f.user(database)
    sid = k.stopped(database, config, nurse)
    given = k.given_ml(database, config, sid)
    drawn = k.draw(database, config, nurse, sid, volume=2.0)
    wasted = k.waste(database, config, nurse, sid, drawn.draw_id, round(2.0 - given, 2))
    assert not wasted.witnessed
    record = ketamine_record(database, config, sid)
    assert record.balance.status is KB.DISCREPANCY  # awaiting its witness
    assert [w.id for w in record.awaiting_witness] == [wasted.waste_id]

    done = witness_waste(
        database=database,
        config=config,
        actor=other,
        waste_id=wasted.waste_id,
        password=f.PASSWORD,
        submission_key=f.key(),
        now=T0 + timedelta(minutes=30),
    )
    assert done.witness_name == other.full_name
    record = ketamine_record(database, config, sid)
    assert record.balance.status is KB.BALANCED
    assert record.wastes[0].witness_name == other.full_name
    assert actions(database) == ["ketamine.drawn", "ketamine.wasted", "ketamine.waste_witnessed"]


def test_a_witness_typed_beside_the_waste_signs_in_the_same_transaction(
    database: Database, config: Config
) -> None:
    nurse, physician = f.user(database), f.user(database, Role.PHYSICIAN)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid)
    wasted = k.waste(database, config, nurse, sid, drawn.draw_id, 1.0, witness=physician)
    assert wasted.witnessed
    with database.session_scope() as db:
        row = db.scalars(select(KetamineWasteWitness)).one()
        assert (row.witness_id, row.wasted_by) == (physician.id, nurse.id)
    assert ketamine_record(database, config, sid).balance.status is KB.PENDING  # still running


def test_a_retried_draw_stores_once_and_other_values_conflict(
    database: Database, config: Config
) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    key = f.key()
    first = k.draw(database, config, nurse, sid, key=key)
    again = k.draw(database, config, nurse, sid, key=key)
    assert (again.draw_id, again.duplicate) == (first.draw_id, True)
    assert count(database, KetamineDraw) == 1
    with pytest.raises(Conflict):
        k.draw(database, config, nurse, sid, key=key, volume=3.0)
    with pytest.raises(Conflict):
        k.draw(database, config, f.user(database), sid, key=key)


def test_a_retried_waste_stores_once(database: Database, config: Config) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid)
    key = f.key()
    k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, key=key)
    assert k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, key=key).duplicate
    assert count(database, KetamineWaste) == 1
    with pytest.raises(Conflict):
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.6, key=key)


def test_a_waste_cannot_exceed_what_is_left(database: Database, config: Config) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid, volume=1.0)
    k.waste(database, config, nurse, sid, drawn.draw_id, 0.6)
    with pytest.raises(InvalidEntry) as error:
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.41)
    assert problem(error)[0] == "volume_ml" and "0.40 mL is left" in problem(error)[1]
    k.waste(database, config, nurse, sid, drawn.draw_id, 0.4)


def test_an_expired_lot_is_refused_at_the_expiry(database: Database, config: Config) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    with pytest.raises(InvalidEntry) as error:
        record_draw(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            product=k.PRODUCT,
            lot="OLD-1",
            expiry=date(2026, 11, 19),  # the day before T0 at the clinic
            volume_ml=1.0,
            drawn_at=T0,
            idempotency_key=f.key(),
            now=T0,
        )
    assert problem(error)[0] == "expiry"
    assert count(database, KetamineDraw) == 0


def test_a_session_draws_one_concentration(database: Database, config: Config) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    k.draw(database, config, nurse, sid, product="ketamine_50")
    k.draw(database, config, nurse, sid, product="ketamine_50", lot="LOT-B")
    with pytest.raises(InvalidEntry) as error:
        k.draw(database, config, nurse, sid, product="ketamine_100")
    assert problem(error) == (
        "product",
        "This session's ketamine is drawn at 50 mg/mL: draw the same concentration, "
        "or the given volume cannot be counted",
    )
    with pytest.raises(InvalidEntry) as error:
        k.draw(database, config, nurse, sid, product="ketamine_999")
    assert problem(error)[0] == "product"


def test_a_locked_record_takes_no_draw_or_waste_but_a_witness_and_a_resolution(
    database: Database, config: Config
) -> None:
    nurse, other = f.user(database), f.user(database)
    physician = f.user(database, Role.PHYSICIAN)
    sid = f.session(database, config, nurse, now=T0 - timedelta(minutes=30))
    drawn = k.draw(database, config, nurse, sid, volume=1.0)
    wasted = k.waste(database, config, nurse, sid, drawn.draw_id, 0.4)
    end_session_early(
        database=database, config=config, actor=nurse, session_id=sid, reason="declined", now=T0
    )
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        k.draw(database, config, nurse, sid, at=T0 + timedelta(minutes=1))
    with pytest.raises(IllegalTransition, match="Add an addendum"):
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.1, at=T0 + timedelta(minutes=1))
    witness_waste(
        database=database,
        config=config,
        actor=other,
        waste_id=wasted.waste_id,
        password=f.PASSWORD,
        submission_key=f.key(),
        now=T0 + timedelta(minutes=2),
    )
    record = ketamine_record(database, config, sid)
    assert record.locked and record.balance.given_ml == 0.0  # ended before the start
    assert (record.balance.status, record.balance.imbalance_ml) == (KB.DISCREPANCY, 0.6)
    resolved = resolve_discrepancy(
        database=database,
        config=config,
        actor=physician,
        session_id=sid,
        reason="Vial returned to the safe unopened",
        idempotency_key=f.key(),
        now=T0 + timedelta(minutes=3),
    )
    assert resolved.imbalance_ml == 0.6
    assert ketamine_record(database, config, sid).balance.status is KB.RESOLVED
    assert actions(database)[-1] == "ketamine.discrepancy_resolved"


def test_a_resolution_is_a_physicians_only_for_an_open_discrepancy(
    database: Database, config: Config
) -> None:
    nurse, physician = f.user(database), f.user(database, Role.PHYSICIAN)
    sid = k.stopped(database, config, nurse)
    drawn = k.draw(database, config, nurse, sid, volume=2.0)

    def resolve(
        actor: Actor, reason: str = "Drop lost priming the line", key: str = ""
    ) -> ResolutionRecorded:
        return resolve_discrepancy(
            database=database,
            config=config,
            actor=actor,
            session_id=sid,
            reason=reason,
            idempotency_key=key or f.key(),
            now=T0 + timedelta(hours=1),
        )

    with pytest.raises(PermissionDenied):
        resolve(nurse)
    with pytest.raises(InvalidEntry) as error:
        resolve(physician, reason="lost")
    assert problem(error)[0] == "reason"
    key = f.key()
    first = resolve(physician, key=key)
    assert resolve(physician, key=key) == ResolutionRecorded(
        first.resolution_id, first.imbalance_ml, duplicate=True
    )
    with pytest.raises(Conflict):
        resolve(physician, reason="another reason altogether", key=key)
    with pytest.raises(IllegalTransition, match="no open discrepancy"):
        resolve(physician)  # already resolved
    # A new waste changes the imbalance: the discrepancy is open again.
    k.waste(database, config, nurse, sid, drawn.draw_id, 0.1, witness=physician)
    assert ketamine_record(database, config, sid).balance.status is KB.DISCREPANCY


def test_roles_that_may_not_record_or_witness(database: Database, config: Config) -> None:
    nurse, auditor = f.user(database), f.user(database, Role.AUDITOR)
    sid = f.infusing(database, config, nurse, now=T0)
    with pytest.raises(PermissionDenied):
        k.draw(database, config, auditor, sid)
    drawn = k.draw(database, config, nurse, sid)
    wasted = k.waste(database, config, nurse, sid, drawn.draw_id, 0.5)
    with pytest.raises(PermissionDenied):
        witness_waste(
            database=database,
            config=config,
            actor=auditor,
            waste_id=wasted.waste_id,
            password=f.PASSWORD,
            submission_key=f.key(),
        )
    with pytest.raises(InvalidEntry) as error:
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, witness=auditor)
    assert problem(error)[0] == "witness_username" and "auditor" in problem(error)[1]


def test_the_wasting_nurse_cannot_witness_herself(database: Database, config: Config) -> None:
    nurse = f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid)
    with pytest.raises(InvalidEntry) as error:
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, witness=nurse)
    assert problem(error)[0] == "witness_username"
    wasted = k.waste(database, config, nurse, sid, drawn.draw_id, 0.5)
    with pytest.raises(InvalidEntry) as error:
        witness_waste(
            database=database,
            config=config,
            actor=nurse,
            waste_id=wasted.waste_id,
            password=f.PASSWORD,
            submission_key=f.key(),
        )
    assert "cannot witness their own waste" in problem(error)[1]
    # And the database itself refuses it, whoever writes the row.
    with pytest.raises(IntegrityError), database.session_scope() as db:
        db.add(
            KetamineWasteWitness(
                waste_id=wasted.waste_id,
                session_id=sid,
                wasted_by=nurse.id,
                witness_id=nurse.id,
                printed_name=nurse.full_name,
                witnessed_at=T0,
                submission_key=f.key(),
            )
        )


def test_a_wrong_witness_password_is_refused_then_throttled(
    database: Database, config: Config
) -> None:
    nurse, other = f.user(database), f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid)
    for _ in range(config.security.login_max_failures):
        with pytest.raises(InvalidEntry) as error:
            k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, witness=other, password="no")
        assert problem(error) == (
            "witness_password",
            "Witness username or password not recognised: nothing was stored",
        )
    with pytest.raises(InvalidEntry) as error:
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, witness=other)
    assert problem(error)[0] == "witness_password" and "locked" in problem(error)[1]
    assert count(database, KetamineWaste) == 0
    with database.session_scope() as db:
        failed = db.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("auth.signing%"))
        ).all()
    assert failed.count("auth.signing_failed") == config.security.login_max_failures
    assert "auth.signing_locked_out" in failed


def test_an_inactive_witness_is_refused(database: Database, config: Config) -> None:
    nurse, other, admin = f.user(database), f.user(database), f.user(database, Role.ADMIN)
    deactivate_user(database=database, actor=admin, user_id=other.id)
    sid = f.infusing(database, config, nurse, now=T0)
    drawn = k.draw(database, config, nurse, sid)
    with pytest.raises(InvalidEntry) as error:
        k.waste(database, config, nurse, sid, drawn.draw_id, 0.5, witness=other)
    assert problem(error) == ("witness_username", "This account is not active: ask another witness")


def test_a_waste_witnessed_twice_conflicts(database: Database, config: Config) -> None:
    nurse, other, third = f.user(database), f.user(database), f.user(database)
    sid = f.infusing(database, config, nurse, now=T0)
    wasted = k.waste(
        database, config, nurse, sid, k.draw(database, config, nurse, sid).draw_id, 1.0
    )
    key = f.key()

    def witness(actor: Actor, submission: str) -> WasteWitnessed:
        return witness_waste(
            database=database,
            config=config,
            actor=actor,
            waste_id=wasted.waste_id,
            password=f.PASSWORD,
            submission_key=submission,
        )

    assert not witness(other, key).duplicate
    assert witness(other, key).duplicate  # the same submission again
    with pytest.raises(Conflict, match=other.full_name):
        witness(third, f.key())
    assert count(database, KetamineWasteWitness) == 1


def test_the_record_page_opening_is_logged_for_the_auditor(
    database: Database, config: Config
) -> None:
    nurse, auditor, admin = (
        f.user(database),
        f.user(database, Role.AUDITOR),
        f.user(database, Role.ADMIN),
    )
    sid = f.infusing(database, config, nurse, now=T0)
    record = open_ketamine_record(database=database, config=config, actor=auditor, session_id=sid)
    assert record.balance.status is KB.NOT_RECORDED
    with database.session_scope() as db:
        assert db.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == (
            "record.viewed"
        )
    with pytest.raises(PermissionDenied):
        open_ketamine_record(database=database, config=config, actor=admin, session_id=sid)
