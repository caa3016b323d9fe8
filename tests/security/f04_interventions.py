"""Finding 4's table, continued for issue 13: the keyed writes of what was given and what
happened (adverse events and outcomes, medication orders and doses, the ketamine record).
Imported into WRITES by test_f04_same_key_other_values."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from monitor.config import Config
from monitor.db.engine import Database
from monitor.services.adverse_events import record_adverse_event, record_outcome
from tests import factories
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
