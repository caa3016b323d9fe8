"""The auditor's CSV exports of adverse events and rescue medications over a period (issue
13), linked from the measures screen's section on them. Registered by
monitor.pages.audit_measures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Flask, Response, request

from monitor.db.types import utcnow
from monitor.domain.clinic_time import day_end, day_start
from monitor.domain.errors import InvalidEntry, refuse
from monitor.domain.permissions import Action
from monitor.pages import audit_filters
from monitor.runtime import Runtime
from monitor.services import intervention_exports
from monitor.services.actors import Actor
from monitor.web import downloads

EXPORTS = {
    "adverse_events": intervention_exports.adverse_events_csv,
    "medications": intervention_exports.medications_csv,
}
# The longest period one export covers, as the measures screen allows.
MAX_DAYS = 5 * 366


def href(kind: str, first: date, last: date) -> str:
    """The download of `kind` for the clinic days first..last."""
    return f"/audit/export/{kind}.csv?start={first.isoformat()}&end={last.isoformat()}"


def _period() -> tuple[date, date]:
    first, last = audit_filters.days(
        request.args.get("start"), request.args.get("end"), required=True
    )
    if first is None or last is None:  # required: InvalidEntry was raised already
        raise InvalidEntry([])
    if last < first or (last - first).days > MAX_DAYS:
        raise refuse("end", "Choose a period of up to five years: from a date to a later one.")
    return first, last


def _export(kind: str) -> Response:
    """The events or doses of ?start=…&end=… (clinic days) as CSV; a period the form would
    refuse is a 400 in the auditor's words."""

    def lines(rt: Runtime, actor: Actor) -> Iterator[str]:
        first, last = _period()
        zone = rt.config.clinic.zone
        return EXPORTS[kind](
            database=rt.database,
            config=rt.config,
            actor=actor,
            start=day_start(first, zone),
            end=day_end(last, zone),
        )

    def filename(rt: Runtime) -> str:
        stamp = utcnow().astimezone(rt.config.clinic.zone).strftime("%Y%m%dT%H%M%S%z")
        return f"{kind}-{stamp}.csv"  # clinic time

    return downloads.download(Action.REVIEW, lines, filename=filename, mimetype=downloads.CSV)


def register_routes(server: Flask) -> None:
    for kind in EXPORTS:
        server.add_url_rule(
            f"/audit/export/{kind}.csv", f"export_{kind}", lambda kind=kind: _export(kind)
        )
