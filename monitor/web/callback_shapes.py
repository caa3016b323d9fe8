"""A callback request must be shaped as Dash's renderer sends it, for a callback this app
has: its outputs, inputs and state lists as long as the callback declares, each naming the
component and property declared in its place. Anything else is a 400 with a message before
Dash unpacks it (where a missing or short list was an IndexError, a 500)."""

from __future__ import annotations

import json
from typing import Any

from dash import Dash
from flask import Response, current_app, request

from monitor.auth import CALLBACK_PATH


class Malformed(ValueError):
    """What is wrong with the callback request, in words."""


def _is_pattern(component_id: object) -> bool:
    # Dash keeps a pattern-matching id (ALL, MATCH) as its JSON text in the callback map.
    return isinstance(component_id, dict) or (
        isinstance(component_id, str) and component_id.startswith("{")
    )


def _check_dep(sent: object, declared: dict[str, Any], where: str) -> None:
    if _is_pattern(declared["id"]):
        # One dict (MATCH) or a list of them (ALL): one per matching component on the page.
        items = sent if isinstance(sent, list) else [sent]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("property"), str):
                raise Malformed(f"{where} is not a component property")
        return
    if not isinstance(sent, dict) or not isinstance(sent.get("property"), str):
        raise Malformed(f"{where} is not a component property")
    # An output that several callbacks may set (allow_duplicate) carries "@<hash>".
    prop = sent["property"].split("@")[0]
    if sent.get("id") != declared["id"] or prop != declared["property"].split("@")[0]:
        raise Malformed(f"{where} is not {declared['id']}.{declared['property']}")


def _check_list(body: dict[str, Any], name: str, declared: list[dict[str, Any]]) -> None:
    sent = body.get(name, [] if name == "state" and not declared else None)
    if not isinstance(sent, list):
        raise Malformed(f"'{name}' is missing or not a list")
    if len(sent) != len(declared):
        raise Malformed(f"'{name}' has {len(sent)} entries; this callback takes {len(declared)}")
    for index, (item, dep) in enumerate(zip(sent, declared, strict=True)):
        _check_dep(item, dep, f"{name}[{index}]")


def _declared_outputs(callback: dict[str, Any]) -> list[dict[str, Any]]:
    declared = callback["output"]
    outputs = declared if isinstance(declared, list) else [declared]
    return [{"id": o.component_id, "property": o.component_property} for o in outputs]


def _check_outputs(body: dict[str, Any], callback: dict[str, Any]) -> None:
    if callback.get("no_output"):
        return
    declared = _declared_outputs(callback)
    sent = body.get("outputs")
    if isinstance(callback["output"], list):
        if not isinstance(sent, list) or len(sent) != len(declared):
            raise Malformed(f"'outputs' must list this callback's {len(declared)} outputs")
        for index, (item, dep) in enumerate(zip(sent, declared, strict=True)):
            _check_dep(item, dep, f"outputs[{index}]")
    else:
        if sent is None:
            raise Malformed("'outputs' is missing")
        _check_dep(sent, declared[0], "outputs")


def check(body: object, callback_map: dict[str, Any]) -> None:
    """Raise Malformed unless `body` is a request for one of these callbacks, in its shape."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise Malformed("not a callback request")
    callback = callback_map.get(body["output"])
    if callback is None or "callback" not in callback:
        raise Malformed("no such callback")
    _check_outputs(body, callback)
    _check_list(body, "inputs", callback["inputs"])
    _check_list(body, "state", callback["state"])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(p, str) for p in changed):
        raise Malformed("'changedPropIds' is not a list of component properties")
    for prop in changed:
        _check_changed(prop)


def _check_changed(prop: str) -> None:
    """A changed property names a component id and a property. An id starting "{" or "["
    is a pattern-matching id, which must be a JSON object: Dash's `ctx.triggered_id`
    parses it, and would fail with a 500 on anything else."""
    component, dot, _ = prop.rpartition(".")
    if not dot or not component:
        raise Malformed(f"'changedPropIds' holds {prop[:60]!r}, not a component property")
    if component.startswith(("{", "[")):
        try:
            parsed = json.loads(component)
        except ValueError:
            raise Malformed("'changedPropIds' holds a pattern id that is not JSON") from None
        if not isinstance(parsed, dict):
            raise Malformed("'changedPropIds' holds a pattern id that is not an object")


def reject_malformed_callbacks() -> Any:
    """Answer 400 to a callback request Dash could not make sense of (registered after
    Dash's own hooks, so a worker's callbacks are all known by then)."""
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    app: Dash = current_app.extensions["dash_app"]
    try:
        check(request.get_json(silent=True), app.callback_map)
    except Malformed as malformed:
        return Response(
            f"Malformed callback request: {malformed}.", status=400, mimetype="text/plain"
        )
    return None
