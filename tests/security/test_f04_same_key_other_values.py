"""Finding 4: a submission key names one request. The same key sent again with the same
values (after the normalisation the write applies: stripped text, parsed numbers, a later
clock) replays the first answer and stores nothing; the same key with any value changed is
refused with a Conflict, stores nothing, and leaves the first values as they were.

One table covers every keyed write; `test_every_keyed_write_is_in_the_table` fails when a
service function taking an `idempotency_key` is missing from it, so a new write cannot skip
the check."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import monitor.services
from monitor.config import Config
from monitor.db.base import Base
from monitor.db.engine import Database
from monitor.db.models import Addendum, Excursion, Reading
from monitor.domain.permissions import Role
from monitor.domain.session_state import SessionEvent, SessionState
from monitor.services.acknowledgements import acknowledge_excursions
from monitor.services.addenda import add_addendum
from monitor.services.consent import record_consent, withdraw_consent
from monitor.services.courses import start_course
from monitor.services.early_end import END_EARLY_KEY, end_session_early
from monitor.services.errors import Conflict, InvalidEntry
from monitor.services.patient_mode import start_patient_mode, submit_patient_questionnaire
from monitor.services.patients import edit_patient, register_patient
from monitor.services.pre_dose import clear_pre_dose
from monitor.services.pump import record_infusion_event
from monitor.services.questionnaires import record_questionnaire
from monitor.services.ratings import record_rating
from monitor.services.readings import record_entered_reading, record_reading
from monitor.services.recovery_assessment import record_assessment
from monitor.services.screening import decide_screening, record_screening
from monitor.services.session_lifecycle import open_session
from monitor.services.sign_in_sessions import Open, open_sign_in, resume
from tests import factories
from tests.factories import PASSWORD, T0
from tests.security import f04_interventions
from tests.services.test_recovery import CADSS_LOW, READY, recovered

Context = dict[str, Any]
Values = dict[str, Any]


@dataclass(frozen=True)
class KeyedWrite:
    """One keyed write: how to set it up, the values of its first request, each value
    changed in turn (refused), and requests that are the same after normalisation (replayed).
    `actor` and `config` travel with the values; the key is added by the test."""

    name: str
    function: Callable[..., Any]
    setup: Callable[[Database, Config], Context]
    first: Callable[[Context], Values]
    changed: Callable[[Context], Mapping[str, Values]]
    same: Callable[[Context], Mapping[str, Values]]


def _other_chair(config: Config) -> str:
    return config.clinic.chairs[1]


# --- setups: each gives the people and records its write needs --------------------------


REGISTRATION: Values = {
    "mrn": "MRN-4001",
    "family_name": "Okafor",
    "given_name": "Ada",
    "birth_date": "1980-04-02",
    "sex": "female",
    "weight_kg": "72.5",
    "allergies": "Penicillin",
    "escort_name": None,
    "escort_phone": "+44 20 7946 0958",
}


def _front_desk(database: Database, config: Config) -> Context:
    return {"config": config, "a": factories.user(database), "b": factories.user(database)}


def _front_desk_and_patients(database: Database, config: Config) -> Context:
    context = _front_desk(database, config)
    pid = register_patient(
        database=database, idempotency_key=factories.key(), **_values(context, REGISTRATION)
    ).patient_id
    other = register_patient(
        database=database,
        idempotency_key=factories.key(),
        **_values(context, REGISTRATION | {"mrn": "MRN-4003"}),
    ).patient_id
    return context | {"pid": pid, "other": other}


def _values(context: Context, values: Values) -> Values:
    return {"config": context["config"], "actor": context["a"], "now": T0, **values}


def _nurses_and_infusing(database: Database, config: Config) -> Context:
    a, b = factories.user(database), factories.user(database)
    return {
        "config": config,
        "a": a,
        "b": b,
        "sid": factories.infusing(database, config, a),
        "other": factories.session(database, config, a, chair=_other_chair(config)),
    }


def _nurses_and_recovered(database: Database, config: Config) -> Context:
    a, b = factories.user(database), factories.user(database)
    sid = recovered(database, config, a)
    with database.session_scope() as db:
        readings = {r.systolic: r.id for r in db.scalars(select(Reading))}
    return {
        "config": config,
        "a": a,
        "b": b,
        "sid": sid,
        "reading": readings[165],
        "other_reading": readings[126],
        "other": factories.session(database, config, a, chair=_other_chair(config)),
    }


def _nurses_and_planned(database: Database, config: Config) -> Context:
    a, b = factories.user(database), factories.user(database)
    return {
        "config": config,
        "a": a,
        "b": b,
        "sid": factories.session(database, config, a),
        "other": factories.session(database, config, a, chair=_other_chair(config)),
    }


def _physicians_and_excursions(database: Database, config: Config) -> Context:
    nurse = factories.user(database)
    a = factories.user(database, Role.PHYSICIAN)
    b = factories.user(database, Role.PHYSICIAN)
    sid = factories.infusing(database, config, nurse)
    factories.reading(
        database, config, nurse, sid, T0 + timedelta(minutes=10), systolic=185, diastolic=95
    )
    with database.session_scope() as db:
        ids = list(db.scalars(select(Excursion.id).order_by(Excursion.id)))
    assert len(ids) >= 2, "the setup needs two excursions of one session"
    return {"config": config, "a": a, "b": b, "ids": ids}


def _nurses_patients_two_protocols(database: Database, config: Config) -> Context:
    default = config.default_protocol
    other = default.model_copy(update={"id": f"{default.id}-other", "name": "Other"})
    return {
        "config": config.model_copy(update={"protocols": [default, other]}),
        "a": factories.user(database),
        "b": factories.user(database),
        "patient": factories.patient(database, config),
        "other_patient": factories.patient(database, config),
        "protocol": default.id,
        "other_protocol": other.id,
    }


# --- setups of the course's writes (courses, screening, consent) --------------------------


def _course_starters(database: Database, config: Config) -> Context:
    context = _nurses_patients_two_protocols(database, config)
    context["patient"] = factories.patient(database, config, ready=False)
    context["other_patient"] = factories.patient(database, config, ready=False)
    context["physician"] = factories.user(database, Role.PHYSICIAN).id
    context["other_physician"] = factories.user(database, Role.PHYSICIAN).id
    return context


def _two_courses(database: Database, config: Config, *, ready: bool = False) -> Context:
    """Two patients' courses (in screening, or ready), and two nurses."""
    patients = [factories.patient(database, config, ready=False) for _ in range(2)]
    make = factories.ready_course if ready else factories.course
    courses = [make(database, config, pid, now=T0) for pid in patients]
    return {
        "config": config,
        "a": factories.user(database),
        "b": factories.user(database),
        "course": courses[0],
        "other": courses[1],
        "name": factories.typed_name(database, patients[0]),
        "other_name": factories.typed_name(database, patients[1]),
    }


def _screenings_to_decide(database: Database, config: Config) -> Context:
    context = _two_courses(database, config)
    nurse, _ = factories.course_staff(database)
    for which in ("course", "other"):
        context[f"{which}_screening"] = record_screening(
            database=database, config=config, actor=nurse, course_id=context[which],
            answers=_answers(config, "yes"), idempotency_key=factories.key(), now=T0,
        ).screening_id  # fmt: skip
    context["a"] = factories.user(database, Role.PHYSICIAN)
    context["b"] = factories.user(database, Role.PHYSICIAN)
    return context


def _answers(config: Config, first: str = "no", note: str = "") -> dict[str, tuple[str, str]]:
    answers = factories.all_no(config)
    code = config.screening.checklist[0].code
    answers[code] = (first, note or ("Seen in 2019 clinic letter" if first != "no" else ""))
    return answers


# --- the values of each write ----------------------------------------------------------

AT_10 = T0 + timedelta(minutes=10)
VITALS = factories.vitals(systolic=142)
ENTERED = {
    "systolic": "142",
    "diastolic": "80",
    "heart_rate": "72",
    "spo2": "98",
    "resp_rate": "14",
    "temperature": "",
    "moaas": "5",
}
NOTE = "Patient reported mild nausea at 30 min, settled without treatment"


def _vitals_changed() -> dict[str, Values]:
    other: dict[str, Any] = {
        "systolic": 143,
        "diastolic": 81,
        "heart_rate": 73,
        "spo2": 97,
        "resp_rate": 15,
        "temperature": 36.8,
        "moaas": 4,
    }
    return {
        f"vitals.{field}": {"vitals": dataclasses.replace(VITALS, **{field: value})}
        for field, value in other.items()
    }


def _entered_changed() -> dict[str, Values]:
    other = {
        "systolic": "143",
        "diastolic": "81",
        "heart_rate": "73",
        "spo2": "97",
        "resp_rate": "15",
        "temperature": "36.8",
        "moaas": "4",
    }
    return {
        f"entered.{field}": {"entered": {**ENTERED, field: value}} for field, value in other.items()
    }


def _cadss_changed() -> dict[str, Values]:
    return {
        f"answers.item{item}": {"answers": {**CADSS_LOW, item: (score + 1) % 5}}
        for item, score in CADSS_LOW.items()
    }


# questionnaires (issue 12): the nurse's entry and the patient's answers in patient mode
PHQ9_ANSWERS = {n: (1 if n in (2, 9) else 0) for n in range(1, 10)}
PCL5_ANSWERS = dict.fromkeys(range(1, 21), 1)


def _phq9_changed() -> dict[str, Values]:
    return {
        f"items.item{n}": {"items": {**PHQ9_ANSWERS, n: (v + 1) % 4}}
        for n, v in PHQ9_ANSWERS.items()
    }


def _phq9_same() -> dict[str, Values]:
    return {
        "a minute later": {"now": T0 + timedelta(minutes=6)},
        "answers as text": {"items": {str(n): str(v) for n, v in PHQ9_ANSWERS.items()}},
        "item keys": {"items": {f"item_{n}": v for n, v in PHQ9_ANSWERS.items()}},
    }


def _in_patient_mode(database: Database, config: Config, actor: Any, session_id: int) -> int:
    token = open_sign_in(
        database=database, config=config, actor=actor, remote_addr=None, user_agent=None, now=T0
    )
    state = resume(database=database, config=config, token=token, now=T0)
    assert isinstance(state, Open)
    start_patient_mode(
        database=database,
        actor=actor,
        sign_in_id=state.session_id,
        session_id=session_id,
        questionnaires=("phq9", "pcl5"),
        now=T0,
    )
    return state.session_id


def _tablets_in_patient_mode(database: Database, config: Config) -> Context:
    context = _nurses_and_planned(database, config)
    context["sign_in"] = _in_patient_mode(database, config, context["a"], context["sid"])
    context["other_sign_in"] = _in_patient_mode(database, config, context["a"], context["other"])
    return context


QUESTIONNAIRE_WRITES = (
    KeyedWrite(
        "questionnaire",
        record_questionnaire,
        _nurses_and_planned,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "questionnaire": "phq9",
            "items": PHQ9_ANSWERS,
            "respondent": "nurse",
            "now": T0 + timedelta(minutes=5),
        },
        lambda c: {
            **_phq9_changed(),
            "questionnaire": {"questionnaire": "pcl5", "items": PCL5_ANSWERS},
            "respondent": {"respondent": "patient"},
            "taken_at": {"taken_at": T0 + timedelta(minutes=4)},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: _phq9_same(),
    ),
    KeyedWrite(
        "patient-mode questionnaire",
        submit_patient_questionnaire,
        _tablets_in_patient_mode,
        lambda c: {
            "actor": c["a"],
            "sign_in_id": c["sign_in"],
            "questionnaire": "phq9",
            "items": PHQ9_ANSWERS,
            "now": T0 + timedelta(minutes=5),
        },
        lambda c: {
            **_phq9_changed(),
            "questionnaire": {"questionnaire": "pcl5", "items": PCL5_ANSWERS},
            "sign_in_id": {"sign_in_id": c["other_sign_in"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: _phq9_same(),
    ),
)


# predose (issue 12): the physician's clearance of a baseline above the limit
def _physicians_and_high_baselines(database: Database, config: Config) -> Context:
    nurse = factories.user(database)
    context: Context = {
        "config": config,
        "a": factories.user(database, Role.PHYSICIAN),
        "b": factories.user(database, Role.PHYSICIAN),
    }
    for which, chair in (("sid", config.clinic.chairs[0]), ("other", _other_chair(config))):
        sid = factories.session(database, config, nurse, chair=chair)
        factories.reading(
            database, config, nurse, sid, T0 + timedelta(minutes=1), systolic=150, diastolic=95
        )
        context[which] = sid
    return context


PRE_DOSE_WRITES = (
    KeyedWrite(
        "pre-dose clearance",
        clear_pre_dose,
        _physicians_and_high_baselines,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "concern": "baseline_bp",
            "reason": "Known hypertension, rechecked",
            "now": T0 + timedelta(minutes=3),
        },
        lambda c: {
            "reason": {"reason": "Asymptomatic, rechecked twice"},
            "concern": {"concern": "self_harm"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"reason": "  Known hypertension, rechecked "},
            "a minute later": {"now": T0 + timedelta(minutes=4)},
        },
    ),
)

WRITES = (
    KeyedWrite(
        "reading",
        record_reading,
        _nurses_and_infusing,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "vitals": VITALS,
            "taken_at": AT_10,
            "source": "manual",
            "now": AT_10,
        },
        lambda c: {
            **_vitals_changed(),
            "taken_at": {"taken_at": AT_10 - timedelta(minutes=1)},
            "source": {"source": "device"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {"a minute later": {"now": AT_10 + timedelta(minutes=1)}},
    ),
    KeyedWrite(
        "entered reading",
        record_entered_reading,
        _nurses_and_infusing,
        lambda c: {"actor": c["a"], "session_id": c["sid"], "entered": ENTERED, "now": AT_10},
        lambda c: {
            **_entered_changed(),
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"entered": {**ENTERED, "systolic": " 142 "}},
            "142.0": {"entered": {**ENTERED, "systolic": "142.0"}},
            "no temperature": {"entered": {**ENTERED, "temperature": None}},
            "a minute later": {"now": AT_10 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "CADSS rating",
        record_rating,
        _nurses_and_infusing,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "answers": CADSS_LOW,
            "now": T0 + timedelta(minutes=41),
        },
        lambda c: {
            **_cadss_changed(),
            "version": {"version": "CADSS-23"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "the protocol's version named": {"version": "CADSS-6"},
            "a minute later": {"now": T0 + timedelta(minutes=42)},
        },
    ),
    KeyedWrite(
        "addendum to a reading",
        add_addendum,
        _nurses_and_recovered,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "reading_id": c["reading"],
            "field": "systolic",
            "corrected_value": "156",
            "reason": "Transposed digits",
        },
        lambda c: {
            "corrected_value": {"corrected_value": "150"},
            "field": {"field": "diastolic"},
            "reading_id": {"reading_id": c["other_reading"]},
            "reason": {"reason": "Misread the monitor"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"corrected_value": " 156 ", "reason": "  Transposed digits "},
            "156.0": {"corrected_value": "156.0"},
            "a minute later": {"now": READY + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "session note",
        add_addendum,
        _nurses_and_planned,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "corrected_value": NOTE,
            "reason": "Late entry",
        },
        lambda c: {
            "corrected_value": {"corrected_value": NOTE.replace("mild", "severe")},
            "reason": {"reason": "Late entry, told by the patient"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {"spaces": {"corrected_value": f"  {NOTE}\n", "reason": " Late entry "}},
    ),
    KeyedWrite(
        "acknowledgement",
        acknowledge_excursions,
        _physicians_and_excursions,
        lambda c: {
            "actor": c["a"],
            "excursion_ids": [c["ids"][0]],
            "action": "observed",
            "note": "BP to be repeated in 5 min",
            "now": AT_10 + timedelta(minutes=1),
        },
        lambda c: {
            "action": {"action": "repeat_reading_ordered"},
            "note": {"note": "Told the patient to rest"},
            "no note": {"note": None},
            "another excursion": {"excursion_ids": [c["ids"][1]]},
            "one excursion more": {"excursion_ids": c["ids"][:2]},
            "actor": {"actor": c["b"]},
        },
        lambda c: {
            "the id twice": {"excursion_ids": [c["ids"][0], c["ids"][0]]},
            "spaces": {"note": "  BP to be repeated in 5 min "},
            "a minute later": {"now": AT_10 + timedelta(minutes=2)},
        },
    ),
    KeyedWrite(
        "open session",
        open_session,
        _nurses_patients_two_protocols,
        lambda c: {
            "actor": c["a"],
            "patient_id": c["patient"],
            "chair": c["config"].clinic.chairs[0],
            "protocol_id": c["protocol"],
            "weight_kg": 80.0,
            "now": T0,
        },
        lambda c: {
            "patient_id": {"patient_id": c["other_patient"]},
            "chair": {"chair": _other_chair(c["config"])},
            "protocol_id": {"protocol_id": c["other_protocol"]},
            "weight_kg": {"weight_kg": 81.0},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "weight typed": {"weight_kg": " 80 "},
            "weight 80.0 typed": {"weight_kg": "80.0"},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "infusion pause",
        record_infusion_event,
        _nurses_and_infusing,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "event": SessionEvent.PAUSE,
            "reason": "Patient asked for a break",
            "now": T0 + timedelta(minutes=5),
        },
        lambda c: {
            "event": {"event": SessionEvent.STOP_INFUSION},
            "reason": {"reason": "Line disconnected"},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"reason": " Patient asked for a break  "},
            "a minute later": {"now": T0 + timedelta(minutes=6)},
        },
    ),
    KeyedWrite(
        "infusion rate change",
        record_infusion_event,
        _nurses_and_infusing,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "event": SessionEvent.RATE_CHANGE,
            "rate_ml_per_h": 30.0,
            "reason": "Physician's order",
            "now": T0 + timedelta(minutes=5),
        },
        lambda c: {
            "rate_ml_per_h": {"rate_ml_per_h": 35.0},
            "reason": {"reason": "Patient felt dizzy"},
            "no reason": {"reason": None},
            "event": {"event": SessionEvent.PAUSE},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "rate as a whole number": {"rate_ml_per_h": 30},
            "a minute later": {"now": T0 + timedelta(minutes=6)},
        },
    ),
    KeyedWrite(
        "recovery assessment",
        record_assessment,
        _nurses_and_recovered,
        lambda c: {
            "actor": c["a"],
            "session_id": c["sid"],
            "activity": 2,
            "respiration": 2,
            "consciousness": 2,
            "confirmed": list(c["config"].default_protocol.discharge.checklist),
            "now": READY,
        },
        lambda c: {
            "activity": {"activity": 1},
            "respiration": {"respiration": 1},
            "consciousness": {"consciousness": 1},
            "confirmed": {"confirmed": list(c["config"].default_protocol.discharge.checklist)[:-1]},
            "session_id": {"session_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda c: {
            "checklist in another order": {
                "confirmed": list(reversed(c["config"].default_protocol.discharge.checklist))
            },
            "a minute later": {"now": READY + timedelta(minutes=1)},
        },
    ),
    # issue 12 (patients): registration and the audited correction of demographics
    KeyedWrite(
        "patient registration",
        register_patient,
        _front_desk,
        lambda c: {"actor": c["a"], "now": T0, **REGISTRATION},
        lambda c: {
            "mrn": {"mrn": "MRN-4002"},
            "family_name": {"family_name": "Other"},
            "birth_date": {"birth_date": "1980-04-03"},
            "sex": {"sex": "male"},
            "weight_kg": {"weight_kg": "73"},
            "allergies": {"allergies": None},
            "escort_phone": {"escort_phone": "+44 20 7946 0000"},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces around the text": {"family_name": "  Okafor ", "mrn": " MRN-4001 "},
            "weight as typed otherwise": {"weight_kg": "72.50"},
            "birth date as a date": {"birth_date": date(1980, 4, 2)},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "patient correction",
        edit_patient,
        _front_desk_and_patients,
        lambda c: {
            "actor": c["a"],
            "patient_id": c["pid"],
            "changes": {"weight": "74", "sex": "female"},
            "reason": "Weighed today",
            "now": T0,
        },
        lambda c: {
            "weight": {"changes": {"weight": "75", "sex": "female"}},
            "another field": {"changes": {"weight": "74", "allergies": "Latex"}},
            "reason": {"reason": "Weighed again"},
            "patient_id": {"patient_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "weight as typed otherwise": {"changes": {"weight": "74.0", "sex": "female"}},
            "spaces around the reason": {"reason": " Weighed today "},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    # --- the course's writes (courses, screening, consent) ---
    KeyedWrite(
        "course start",
        start_course,
        _course_starters,
        lambda c: {
            "actor": c["a"],
            "patient_id": c["patient"],
            "protocol_id": c["protocol"],
            "indication": "ptsd",
            "indication_note": None,
            "planned_sessions": None,
            "start_date": "2026-11-20",
            "physician_id": c["physician"],
            "now": T0,
        },
        lambda c: {
            "patient_id": {"patient_id": c["other_patient"]},
            "protocol_id": {"protocol_id": c["other_protocol"]},
            "indication": {"indication": "treatment_resistant_depression"},
            "indication_note": {"indication_note": "Also chronic pain"},
            "planned_sessions": {"planned_sessions": 8},
            "start_date": {"start_date": "2026-11-21"},
            "physician_id": {"physician_id": c["other_physician"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "the default planned typed": {"planned_sessions": " 6 "},
            "a blank note": {"indication_note": "  "},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "screening",
        record_screening,
        _two_courses,
        lambda c: {
            "actor": c["a"],
            "course_id": c["course"],
            "answers": _answers(c["config"]),
            "now": T0,
        },
        lambda c: {
            "an answer": {"answers": _answers(c["config"], "unknown")},
            "a note": {"answers": _answers(c["config"], "no", "Asked twice")},
            "course_id": {"course_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda c: {
            "spaces and capitals": {"answers": _answers(c["config"], " NO ", "   ")},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "screening decision",
        decide_screening,
        _screenings_to_decide,
        lambda c: {
            "actor": c["a"],
            "screening_id": c["course_screening"],
            "decision": "cleared",
            "reason": "Remote history; stable since",
            "password": PASSWORD,
            "now": T0,
        },
        lambda c: {
            "decision": {"decision": "declined"},
            "reason": {"reason": "Psychiatrist agrees"},
            "screening_id": {"screening_id": c["other_screening"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"reason": "  Remote history; stable since "},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "consent",
        record_consent,
        _two_courses,
        lambda c: {
            "actor": c["a"],
            "course_id": c["course"],
            "consented_on": "2026-11-20",
            "patient_typed_name": c["name"],
            "password": PASSWORD,
            "now": T0,
        },
        lambda c: {
            "consented_on": {"consented_on": "2026-11-19"},
            "patient_typed_name": {"patient_typed_name": c["name"].upper()},
            "course_id": {"course_id": c["other"], "patient_typed_name": c["other_name"]},
            "actor": {"actor": c["b"]},
        },
        lambda c: {
            "spaces": {"patient_typed_name": f"  {c['name'].replace(' ', '   ')} "},
            "a minute later": {"now": T0 + timedelta(minutes=1)},
        },
    ),
    KeyedWrite(
        "consent withdrawal",
        withdraw_consent,
        lambda database, config: _two_courses(database, config, ready=True),
        lambda c: {
            "actor": c["a"],
            "course_id": c["course"],
            "withdrawn_on": "2026-11-20",
            "reason": "Does not want more infusions",
            "now": T0 + timedelta(days=1),
        },
        lambda c: {
            "withdrawn_on": {"withdrawn_on": "2026-11-21"},
            "reason": {"reason": "Moving away"},
            "course_id": {"course_id": c["other"]},
            "actor": {"actor": c["b"]},
        },
        lambda _c: {
            "spaces": {"reason": " Does not want more infusions  "},
            "a minute later": {"now": T0 + timedelta(days=1, minutes=1)},
        },
    ),
    *QUESTIONNAIRE_WRITES,
    *PRE_DOSE_WRITES,
    *f04_interventions.adverse_event_writes(KeyedWrite),
    *f04_interventions.ketamine_writes(KeyedWrite),
    *f04_interventions.medication_writes(KeyedWrite),
)


def _qualified(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__name__}"


def keyed_service_functions() -> set[str]:
    """Every public function of monitor.services that takes an idempotency key."""
    found = set()
    for info in pkgutil.iter_modules(monitor.services.__path__):
        module = importlib.import_module(f"{monitor.services.__name__}.{info.name}")
        for _, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            if "idempotency_key" in inspect.signature(function).parameters:
                found.add(_qualified(function))
    return found


def test_every_keyed_write_is_in_the_table() -> None:
    found = keyed_service_functions()
    assert "monitor.services.readings.record_reading" in found  # the introspection works
    missing = found - {_qualified(w.function) for w in WRITES}
    assert not missing, f"keyed writes without a same-key test: {sorted(missing)}"


# --- running a write ----------------------------------------------------------------------


def _send(write: KeyedWrite, database: Database, context: Context, key: str, **change: Any) -> Any:
    values = {"config": context["config"], **write.first(context), **change}
    return write.function(database=database, idempotency_key=key, **values)


def snapshot(database: Database) -> dict[str, list[str]]:
    """Every row of every table, so 'nothing stored' covers the audit trail, summaries and
    side tables as well as the write's own."""
    rows: dict[str, list[str]] = {}
    with database.session_scope() as db:
        for table in Base.metadata.sorted_tables:
            rows[table.name] = sorted(repr(tuple(r)) for r in db.execute(select(table)))
    return rows


def _replayed(first: Any, again: Any) -> bool:
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        return bool(again == dataclasses.replace(first, duplicate=True))
    return bool(again == first)


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_same_key_same_values_replays(
    database: Database, config: Config, write: KeyedWrite
) -> None:
    context = write.setup(database, config)
    key = factories.key()
    first = _send(write, database, context, key)
    stored = snapshot(database)
    not_replayed = []
    for label, change in {"identical": {}, **write.same(context)}.items():
        again = _send(write, database, context, key, **change)
        if not _replayed(first, again):
            not_replayed.append(f"{label}: {again!r}, first was {first!r}")
        assert snapshot(database) == stored, f"{write.name} {label}: a replay stored something"
    assert not not_replayed, f"{write.name}: a retry of the same request did not replay"


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_same_key_other_values_is_refused(
    database: Database, config: Config, write: KeyedWrite
) -> None:
    context = write.setup(database, config)
    key = factories.key()
    first = _send(write, database, context, key)
    stored = snapshot(database)
    accepted = []
    for label, change in write.changed(context).items():
        try:
            answer = _send(write, database, context, key, **change)
        except Conflict:
            pass
        else:
            accepted.append(f"{label} answered {answer!r}")
        assert snapshot(database) == stored, f"{write.name}, {label} changed: it stored something"
    assert not accepted, f"{write.name}: same key, other values, not refused: {accepted}"
    assert _replayed(first, _send(write, database, context, key)), "the first no longer replays"


def test_addendum_from_the_finding(database: Database, config: Config) -> None:
    """'120' then '150' with one key: the second is refused and 120 stays the correction."""
    nurse = factories.user(database)
    sid = recovered(database, config, nurse)
    with database.session_scope() as db:
        reading_id = db.scalars(select(Reading.id).where(Reading.systolic == 165)).one()
    key = factories.key()

    def correct(value: str) -> Any:
        return add_addendum(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            reading_id=reading_id,
            field="systolic",
            corrected_value=value,
            reason="Transposed digits",
            idempotency_key=key,
        )

    correct("120")
    with pytest.raises(Conflict, match="already saved with other values"):
        correct("150")
    with database.session_scope() as db:
        assert db.scalars(select(Addendum.corrected_value)).all() == ["120"]
        assert db.scalar(select(func.count()).select_from(Addendum)) == 1


def test_a_client_key_cannot_take_the_servers_early_end_key(
    database: Database, config: Config
) -> None:
    """The stop event of an early end is stored under a key the server makes. A pause sent
    with that key is refused, so a later early end is not answered "already done" unended."""
    nurse = factories.user(database)
    sid = factories.infusing(database, config, nurse)
    with pytest.raises(InvalidEntry, match="submission key"):
        record_infusion_event(
            database=database,
            config=config,
            actor=nurse,
            session_id=sid,
            event=SessionEvent.PAUSE,
            reason="Patient asked for a break",
            idempotency_key=END_EARLY_KEY.format(sid),
            now=T0 + timedelta(minutes=5),
        )
    ended = end_session_early(
        database=database,
        config=config,
        actor=nurse,
        session_id=sid,
        reason="Patient asked to stop",
        now=T0 + timedelta(minutes=6),
    )
    assert not ended.duplicate
    assert ended.state == SessionState.RECOVERY
