"""The app factory: the only module that wires config, database, auth, pages and assets."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dash
from dash import Dash, Input, Output, dcc, html
from dash.exceptions import DependencyException
from flask import Flask, Response
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from monitor import auth, runtime
from monitor.config import REPO_ROOT, Settings, load_settings
from monitor.db.engine import Database
from monitor.pages import PAGES
from monitor.services.errors import PermissionDenied
from monitor.ui import shell
from monitor.ui.ids import Shell
from monitor.web import (
    body_limits,
    callback_shapes,
    component_suites,
    cross_site,
    json_bodies,
    no_store,
    storable_text,
)

ASSETS = REPO_ROOT / "assets"
BOOTSTRAP = "/assets/vendor/bootstrap.min.css"
INDEX = """<!DOCTYPE html>
<html lang="en" data-bs-theme="dark">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


def _secret_key(settings: Settings) -> str:
    """The configured secret; in development, one kept in the instance folder."""
    if settings.config.app.secret_key:
        return settings.config.app.secret_key
    path = Path(settings.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _guarded(module: Any) -> Any:
    def layout(**query: Any) -> Any:
        if auth.may_view(module.ROLES):
            return module.layout(**query)
        if auth.current_actor() is None:
            return dcc.Location(id="guard-redirect", href=auth.LOGIN_PAGE, refresh=True)
        return html.Div("Your role may not open this screen.", className="alert alert-warning")

    return layout


def _guard_requests(server: Flask, max_request_bytes: int) -> None:
    """The request-level defences (monitor.web), registered before the sign-in guard and
    Dash so they run first: a cross-site write is refused before its body is read, a body
    too large before a byte of it is read, malformed JSON before anything parses it."""
    server.before_request(cross_site.refuse_cross_site)
    body_limits.install(server, max_request_bytes)
    server.before_request(json_bodies.refuse_bad_json)
    server.before_request(storable_text.refuse_unstorable_fields)
    server.after_request(no_store.forbid_caching)
    server.register_error_handler(DependencyException, component_suites.not_found)


def create_app(settings: Settings | None = None) -> Dash:
    """Build the Dash app for these settings (default: from the environment and config.yaml)."""
    settings = settings or load_settings()
    config = settings.config
    server = Flask("monitor", instance_path=str(Path(settings.instance_path).resolve()))
    production = config.app.environment == "production"
    server.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    if config.app.trusted_proxies:
        hops = config.app.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    runtime.attach(server, runtime.Runtime(settings, Database.from_url(settings.database_url)))
    _guard_requests(server, config.security.max_request_bytes)  # first: before anything reads
    auth.init_auth(server)
    # A service's own refusal is the final word, however the request reached it.
    server.register_error_handler(
        PermissionDenied, lambda error: Response(str(error), status=403, mimetype="text/plain")
    )
    server.add_url_rule("/healthz", "healthz", lambda: "ok")

    app = Dash(
        "monitor",
        server=server,  # type: ignore[arg-type]
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        assets_ignore=r"bootstrap\.min\.css",
        external_stylesheets=[BOOTSTRAP],
        serve_locally=True,
        title=config.clinic.name,
        suppress_callback_exceptions=True,
        update_title="",
    )
    app.index_string = INDEX
    # after Dash's own hooks, so a worker's callbacks are all known by then
    server.before_request(callback_shapes.reject_malformed_callbacks)
    server.extensions["dash_app"] = app
    for module in PAGES:
        templated = "<" in module.PATH
        dash.register_page(  # type: ignore[no-untyped-call]
            module.__name__,
            path=None if templated else module.PATH,
            path_template=module.PATH if templated else None,
            name=module.NAME,
            title=module.NAME,
            layout=_guarded(module),
            roles=module.ROLES,
            in_nav=module.IN_NAV,
        )
        module.register_callbacks(app)
    app.layout = lambda: shell.frame(config.clinic.name, auth.current_actor())
    app.clientside_callback(  # type: ignore[no-untyped-call]
        """function(n, theme) {
            var next = n ? (theme === 'light' ? 'dark' : 'light') : (theme || 'dark');
            document.documentElement.setAttribute('data-bs-theme', next);
            return next;
        }""",
        Output(Shell.THEME, "data"),
        Input(Shell.THEME_TOGGLE, "n_clicks"),
        dash.State(Shell.THEME, "data"),
    )
    _secure_headers(server, app, production)
    return app


CSP = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",  # plotly and AG Grid add <style> elements
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


def _secure_headers(server: Flask, app: Dash, production: bool) -> None:
    """Security headers on every response (flask-talisman); the CSP allows only this app's
    own scripts: files from this server, and Dash's inline bootstrapping and clientside
    callbacks by their hashes."""
    Talisman(
        server,
        force_https=False,
        strict_transport_security=production,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="same-origin",
        content_security_policy=None,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    def add_policy(response: Any) -> Any:
        # Worked out per response: Dash gathers its inline scripts on its first request,
        # which may come after responses this app sent itself (a sign-in redirect).
        scripts = " ".join(["'self'", *app.csp_hashes()])
        response.headers["Content-Security-Policy"] = "; ".join(
            f"{key} {value}" for key, value in {**CSP, "script-src": scripts}.items()
        )
        return response

    server.after_request(add_policy)
