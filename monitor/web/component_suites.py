"""Dash's own scripts are served from `/_dash-component-suites/<package>/<path>`; a path it
does not know (`../x`, a package it never registered) is 404, not the 500 Dash answers."""

from __future__ import annotations

from dash.exceptions import DependencyException
from flask import Response, request
from werkzeug.exceptions import InternalServerError

SUITES = "/_dash-component-suites/"


def not_found(error: DependencyException) -> Response | InternalServerError:
    if request.path.startswith(SUITES):
        return Response("Not found", status=404, mimetype="text/plain")
    return InternalServerError(original_exception=error)
