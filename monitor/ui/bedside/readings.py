"""What saving at the bedside says: a reading saved with its flags, or the fields to correct;
a pump event recorded; a CADSS rating with its meaning. And the page's values, read as the
services take them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Output, html

from monitor.domain.alarm_display import banners
from monitor.domain.vocabulary import InfusionEvent
from monitor.ui.bedside.words import EVENT_WORDS
from monitor.ui.components import alarm, local_time
from monitor.ui.ids import VITAL_INPUTS, Bedside

if TYPE_CHECKING:
    from monitor.services.ratings import RatingSaved
    from monitor.services.readings import ReadingSaved

# The reading form's fields: the vitals typed in, and the MOAA/S picked.
FIELDS = (*VITAL_INPUTS, "moaas")


def field_state_outputs() -> dict[str, Any]:
    """Where each field's mark and message go, by field."""
    return {
        "invalid": {name: Output(Bedside.vital(name), "invalid") for name in VITAL_INPUTS},
        "moaas_class": Output(Bedside.MOAAS, "className"),
        "feedback": {name: Output(Bedside.feedback(name), "children") for name in FIELDS},
    }


def field_states(problems: Mapping[str, str]) -> dict[str, Any]:
    """Which fields are marked invalid, and the message under each."""
    return {
        "invalid": {name: name in problems for name in VITAL_INPUTS},
        "moaas_class": "btn-group scale-picker" + (" is-invalid" if "moaas" in problems else ""),
        "feedback": {name: problems.get(name, "") for name in FIELDS},
    }


def refused(problems: Mapping[str, str]) -> Any:
    """Not saved: the marked fields say why; problems of no field are listed here."""
    other = [m for f, m in problems.items() if f not in FIELDS]
    return dbc.Alert(
        ["Not saved: correct the marked fields.", *[html.Div(m) for m in other]],
        color="danger",
        id="bed-not-saved",
    )


def saved(result: ReadingSaved, zone: ZoneInfo) -> Any:
    """The reading saved, at its time, with one banner per measure group that fired."""
    when = local_time(result.taken_at, zone)
    head = dbc.Alert(f"Reading saved at {when}.", color="success", id="bed-saved", className="mb-2")
    # One banner per measure group; every rule that fired is still stored and audited.
    flagged = [
        alarm(b.priority, b.lead.message, [(f.priority, f.message) for f in b.below])
        for b in banners(result.flags)
    ]
    return html.Div([head, *flagged], id="bed-saved-result")


def event_done(kind: str) -> Any:
    """What was recorded (from the stored event, so a replay shows what really happened)."""
    return dbc.Alert(EVENT_WORDS[InfusionEvent(kind)], color="info", className="mb-0")


def score(value: Any) -> int | None:
    """A CADSS item as sent by the page: a whole number, or None (the service refuses it)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def rating_saved(result: RatingSaved) -> Any:
    """The CADSS total and whether it means dissociation (above the protocol's cut-off)."""
    meaning = (
        f"dissociation present (above {result.cutoff:g})"
        if result.dissociation_present
        else f"at or below the cut-off {result.cutoff:g}"
    )
    return dbc.Alert(
        f"{result.version} saved: total {result.total}, {meaning}.",
        color="warning" if result.dissociation_present else "success",
        id="bed-cadss-saved",
    )


def parse_rate(text: Any) -> float | None:
    """The new pump rate as typed, or None (the service then says a rate is needed)."""
    try:
        return float(str(text).strip()) if text not in (None, "") else None
    except ValueError:
        return None
