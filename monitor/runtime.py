"""What a request needs from the running app: its settings and database, kept on the Flask app.

Nothing here is per-worker state: every worker builds the same from the same settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from monitor.config import Config, Settings
from monitor.db.engine import Database

EXTENSION = "monitor"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    database: Database

    @property
    def config(self) -> Config:
        return self.settings.config


def attach(server: Flask, runtime: Runtime) -> None:
    server.extensions[EXTENSION] = runtime


def current() -> Runtime:
    """The runtime of the app serving this request."""
    runtime: Runtime = current_app.extensions[EXTENSION]
    return runtime
