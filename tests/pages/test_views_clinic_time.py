"""What the screens build, checked on real records: clinic time in the addendum picker, the
age on the clinic's date, the chair picker's states in words and marks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from monitor.config import Config
from monitor.db.engine import Database
from monitor.domain.permissions import Role
from monitor.domain.schedule import DueState, DueStatus
from monitor.services.bedside import ChairStatus
from monitor.services.session_record import session_record
from monitor.ui.bedside.chairs import chair_picker
from monitor.ui.bedside.open_form import _age
from monitor.ui.session_view import addendum_form
from tests import factories
from tests.factories import T0


def texts(component: Any) -> list[str]:
    """Every string in a Dash component tree."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [t for c in component for t in texts(c)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


def find(component: Any, component_id: str) -> Any:
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def test_addendum_picker_lists_readings_in_clinic_time(database: Database, config: Config) -> None:
    nurse = factories.user(database, Role.NURSE)
    sid = factories.infusing(database, config, nurse)  # baseline at T0 - 5 min = 14:55 UTC
    factories.reading(database, config, nurse, sid, T0 + timedelta(minutes=28))  # 15:28 UTC
    record = session_record(database=database, actor=nurse, session_id=sid)
    picker = find(addendum_form(record, config.clinic.zone), "session-add-reading")
    labels = [o["label"] for o in picker.options]
    assert labels == ["07:55 · 120/80 · HR 72", "08:28 · 120/80 · HR 72"]  # Denver, MST
    assert not any("UTC" in label for label in labels)


def test_age_turns_over_on_the_clinic_date_not_the_servers() -> None:
    born = date(1980, 11, 25)
    zone = factories.CONFIG.clinic.zone  # America/Denver
    late_evening = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)  # 25 Nov in UTC, 24 Nov 23:30 MST
    assert _age(born, zone, late_evening) == 45
    midnight = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 25 Nov 00:00 MST: the birthday
    assert _age(born, zone, midnight) == 46


def status(chair: str, **kw: Any) -> ChairStatus:
    values: dict[str, Any] = dict(
        chair=chair,
        session_id=1,
        state="infusing",
        patient_initials="AB",
        mrn="T-1",
        protocol_id="iv-ketamine",
        due=DueStatus(DueState.UPCOMING, T0, "infusion", 120.0),
        unacknowledged_high=0,
        awaiting_cosignature=False,
    )
    values.update(kw)
    return ChairStatus(**values)


def test_chair_picker_names_each_state_in_words_and_marks(config: Config) -> None:
    c = config.clinic.chairs
    active = {
        c[0]: status(
            c[0], state="recovery", due=DueStatus(DueState.OVERDUE, T0, "recovery", -400.0)
        ),
        c[1]: status(c[1], unacknowledged_high=2),
        c[2]: status(c[2], state="recovery", awaiting_cosignature=True),
        c[3]: status(c[3]),
    }
    picker = chair_picker(c, active)
    shown = {
        chair: " ".join(texts(find(picker, f"bed-chair-{chair.replace(' ', '%20')}")))
        for chair in c
    }
    assert "READING OVERDUE by 6 min" in shown[c[0]] and "Recovery" in shown[c[0]]
    assert "*** HIGH unacknowledged (2)" in shown[c[1]]
    assert "awaiting co-signature" in shown[c[2]]
    for quiet in (c[3], c[4]):
        assert "OVERDUE" not in shown[quiet] and "HIGH" not in shown[quiet]
        assert "co-signature" not in shown[quiet]
    assert "Free" in shown[c[4]]
