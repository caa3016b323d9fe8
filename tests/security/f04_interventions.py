"""Finding 4's table, continued for issue 13: the keyed writes of what was given and what
happened (adverse events and outcomes, medication orders and doses, the ketamine record).
Imported into WRITES by test_f04_same_key_other_values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent
from monitor.services.adverse_events import record_adverse_event, record_outcome
from monitor.services.ketamine import record_draw, record_waste
from monitor.services.ketamine_record import resolve_discrepancy
from monitor.services.medications import give_medication, order_medication
from tests import factories, ketamine_data
from tests.factories import T0

Context = dict[str, Any]
AT_10 = T0 + timedelta(minutes=10)
AT_20 = T0 + timedelta(minutes=20)


def _other_chair(config: Config) -> str:
    return config.clinic.chairs[1]


def nurses_and_infusing(database: Database, config: Config) -> Context:
    a, b = factories.user(database), factories.user(database)
    return {
        "config": config,
        "a": a,
        "b": b,
        "sid": factories.infusing(database, config, a),
        "other": factories.session(database, config, a, chair=_other_chair(config)),
    }


def _event(c: Context) -> dict[str, Any]:
    return {
        "actor": c["a"],
        "session_id": c["sid"],
        "kind": "nausea",
        "severity": "mild",
        "serious": False,
        "onset_at": AT_10,
        "action_taken": "Sips of water",
        "note": None,
        "excursion_id": None,
        "now": AT_10 + timedelta(minutes=1),
    }


def nurses_and_event(database: Database, config: Config) -> Context:
    context = nurses_and_infusing(database, config)
    context["event"] = record_adverse_event(
        database=database, config=config, idempotency_key=factories.key(), **_event(context)
    ).adverse_event_id
    other = record_adverse_event(
        database=database,
        config=config,
        idempotency_key=factories.key(),
        **(_event(context) | {"kind": "headache"}),
    )
    return context | {"other_event": other.adverse_event_id}


def adverse_event_writes(keyed_write: Any) -> tuple[Any, ...]:
    """The rows of the table, built with its KeyedWrite (passed in: no import cycle)."""
    return (
        keyed_write(
            "adverse event",
            record_adverse_event,
            nurses_and_infusing,
            _event,
            lambda c: {
                "kind": {"kind": "vomiting"},
                "severity": {"severity": "moderate"},
                "serious": {"serious": True},
                "onset_at": {"onset_at": AT_10 - timedelta(minutes=1)},
                "action_taken": {"action_taken": "Cool cloth"},
                "note": {"note": "Felt sick"},
                "session_id": {"session_id": c["other"]},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {
                "spaces": {"action_taken": "  Sips of water "},
                "a minute later": {"now": AT_10 + timedelta(minutes=2)},
            },
        ),
        keyed_write(
            "adverse event outcome",
            record_outcome,
            nurses_and_event,
            lambda c: {
                "actor": c["a"],
                "adverse_event_id": c["event"],
                "outcome": "resolved",
                "resolved_at": AT_20,
                "note": "Settled",
                "now": AT_20 + timedelta(minutes=1),
            },
            lambda c: {
                "outcome": {"outcome": "resolving"},
                "resolved_at": {"resolved_at": AT_20 - timedelta(minutes=1)},
                "note": {"note": "Better"},
                "event": {"adverse_event_id": c["other_event"]},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {
                "spaces": {"note": " Settled  "},
                "a minute later": {"now": AT_20 + timedelta(minutes=2)},
            },
        ),
    )


def nurses_and_draws(database: Database, config: Config) -> Context:
    """An infusing session with two draws (two lots), and another session."""
    context = nurses_and_infusing(database, config)
    a, sid = context["a"], context["sid"]
    first = ketamine_data.draw(database, config, a, sid, volume=1.0, lot="LOT-A", at=AT_10)
    second = ketamine_data.draw(database, config, a, sid, volume=1.0, lot="LOT-B", at=AT_10)
    return context | {"draw": first.draw_id, "other_draw": second.draw_id}


def physicians_and_discrepancies(database: Database, config: Config) -> Context:
    """Two stopped sessions, each with a draw never wasted: two open discrepancies."""
    nurse = factories.user(database)
    sids = []
    for chair in config.clinic.chairs[:2]:
        sid = factories.infusing(database, config, nurse, chair=chair)
        ketamine_data.draw(database, config, nurse, sid, volume=2.0, at=T0 + timedelta(minutes=1))
        factories.event(
            database,
            nurse,
            sid,
            SessionEvent.STOP_INFUSION,
            T0 + timedelta(minutes=10),
            reason="test stops early",
        )
        sids.append(sid)
    return {
        "config": config,
        "a": factories.user(database, Role.PHYSICIAN),
        "b": factories.user(database, Role.PHYSICIAN),
        "sid": sids[0],
        "other": sids[1],
    }


def ketamine_writes(keyed_write: Any) -> tuple[Any, ...]:
    return (
        keyed_write(
            "ketamine draw",
            record_draw,
            nurses_and_infusing,
            lambda c: {
                "actor": c["a"],
                "session_id": c["sid"],
                "product": "ketamine_50",
                "lot": "LOT-A",
                "expiry": ketamine_data.EXPIRY,
                "volume_ml": 1.2,
                "drawn_at": AT_10,
                "now": AT_10,
            },
            lambda c: {
                "product": {"product": "ketamine_100"},
                "lot": {"lot": "LOT-Z"},
                "expiry": {"expiry": ketamine_data.EXPIRY + timedelta(days=1)},
                "volume": {"volume_ml": 1.3},
                "drawn_at": {"drawn_at": AT_10 - timedelta(minutes=1)},
                "session_id": {"session_id": c["other"]},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {
                "spaces": {"lot": " LOT-A "},
                "a minute later": {"now": AT_10 + timedelta(minutes=1)},
            },
        ),
        keyed_write(
            "ketamine waste",
            record_waste,
            nurses_and_draws,
            lambda c: {
                "actor": c["a"],
                "session_id": c["sid"],
                "draw_id": c["draw"],
                "volume_ml": 0.2,
                "wasted_at": AT_20,
                "now": AT_20,
            },
            lambda c: {
                "draw": {"draw_id": c["other_draw"]},
                "volume": {"volume_ml": 0.3},
                "wasted_at": {"wasted_at": AT_20 - timedelta(minutes=1)},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {"a minute later": {"now": AT_20 + timedelta(minutes=1)}},
        ),
        keyed_write(
            "ketamine discrepancy resolution",
            resolve_discrepancy,
            physicians_and_discrepancies,
            lambda c: {
                "actor": c["a"],
                "session_id": c["sid"],
                "reason": "Syringe dropped; counted with pharmacy",
                "now": T0 + timedelta(hours=1),
            },
            lambda c: {
                "reason": {"reason": "Vial cracked on opening"},
                "session_id": {"session_id": c["other"]},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {
                "spaces": {"reason": " Syringe dropped; counted with pharmacy  "},
                "a minute later": {"now": T0 + timedelta(hours=1, minutes=1)},
            },
        ),
    )


def nurses_and_two_events(database: Database, config: Config) -> Context:
    """nurses_and_event, with a physician and two physician's orders of midazolam."""
    context = nurses_and_event(database, config)
    physician = factories.user(database, Role.PHYSICIAN)
    orders = [
        order_medication(
            database=database,
            config=config,
            actor=physician,
            session_id=context["sid"],
            drug="midazolam",
            dose=dose,
            route="iv",
            reason=None,
            password=factories.PASSWORD,
            idempotency_key=factories.key(),
            now=AT_10 + timedelta(minutes=2),
        ).order_id
        for dose in (1, 2)
    ]
    return context | {"physician": physician, "orders": orders}


def physicians_and_infusing(database: Database, config: Config) -> Context:
    context = nurses_and_infusing(database, config)
    return context | {
        "a": factories.user(database, Role.PHYSICIAN),
        "b": factories.user(database, Role.PHYSICIAN),
    }


def medication_writes(keyed_write: Any) -> tuple[Any, ...]:
    return (
        keyed_write(
            "medication order",
            order_medication,
            physicians_and_infusing,
            lambda c: {
                "actor": c["a"],
                "session_id": c["sid"],
                "drug": "midazolam",
                "dose": 2,
                "route": "iv",
                "reason": "Emergence reaction",
                "password": factories.PASSWORD,
                "now": AT_10,
            },
            lambda c: {
                "drug": {"drug": "labetalol", "dose": 5},
                "dose": {"dose": 1},
                "reason": {"reason": "Anxious"},
                "session_id": {"session_id": c["other"]},
                "actor": {"actor": c["b"]},
            },
            lambda _c: {
                "spaces": {"reason": " Emergence reaction "},
                "a minute later": {"now": AT_10 + timedelta(minutes=1)},
            },
        ),
        keyed_write(
            "medication given",
            give_medication,
            nurses_and_two_events,
            lambda c: {
                "actor": c["a"],
                "session_id": c["sid"],
                "drug": "ondansetron",
                "dose": 4,
                "route": "iv",
                "given_at": AT_10 + timedelta(minutes=3),
                "adverse_event_id": c["event"],
                "excursion_id": None,
                "order_id": None,
                "now": AT_10 + timedelta(minutes=3),
            },
            lambda c: {
                "route": {"route": "odt"},
                "given_at": {"given_at": AT_10 + timedelta(minutes=2)},
                "indication": {"adverse_event_id": c["other_event"]},
                "order": {
                    "drug": "midazolam",
                    "dose": 1,
                    "order_id": c["orders"][0],
                },
                "actor": {"actor": c["b"]},
            },
            lambda _c: {"a minute later": {"now": AT_10 + timedelta(minutes=4)}},
        ),
    )
