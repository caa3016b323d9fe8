"""Sign-in and the server-side permission check every callback and route makes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlparse

from flask import (
    Flask,
    Response,
    abort,
    g,
    has_request_context,
    jsonify,
    redirect,
    request,
    session,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import ValidationError

from monitor import runtime
from monitor.db.types import utcnow
from monitor.domain.permissions import Action, Role, is_allowed
from monitor.services.actors import Actor
from monitor.services.people import SignInRefused, sign_in
from monitor.services.sign_in_sessions import (
    Ended,
    Open,
    note_use,
    open_sign_in,
    resume,
    sign_out,
)

LOGIN_PAGE = "/login"
# Paths anyone may load: the login page and the files every page needs.
PUBLIC_PREFIXES = (
    "/assets/",
    "/_dash-component-suites/",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_favicon.ico",
    "/_reload-hash",
    "/auth/",
    "/healthz",
)
CALLBACK_PATH = "/_dash-update-component"
ME_PATH = "/auth/me"  # who is signed in, for the page's sign-in lock and idle warning
STAY_PATH = "/auth/stay"  # "Stay signed in": a person's tap, so it keeps the sign-in
TOKEN = "sign_in"  # the cookie's only key to a sign-in: its row lives on the server
ACCOUNT_PAGE = "/account/password"  # where a temporary password is changed
PATIENT_MODE_PAGE = "/patient-mode"
ROUTER_OUTPUT = "_pages_content"  # Dash's page router: its input is the page's pathname
# What a confined sign-in (patient mode, a temporary password) may reach besides its one
# page and that page's callbacks: the files every page needs, and who is signed in.
CONFINED_OPEN = ("/_dash-layout", "/_dash-dependencies", "/_favicon.ico", ME_PATH)
CONFINED_PREFIXES = ("/_dash-component-suites/", "/assets/")
HOME_BY_ROLE = {
    Role.NURSE: "/bedside",
    Role.PHYSICIAN: "/board",
    Role.AUDITOR: "/audit/sessions",
    Role.ADMIN: "/",
}


class SignedIn(UserMixin):  # type: ignore[misc]
    """The Flask-Login user: an Actor loaded fresh from the database each request."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def get_id(self) -> str:
        return str(self.actor.id)


def current_actor() -> Actor | None:
    """The signed-in user, or None (also outside a request, as when Dash validates layouts)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        actor: Actor = current_user.actor
        return actor
    return None


def require(action: Action) -> Actor:
    """The signed-in actor if their role allows `action`; otherwise end the request 401/403."""
    actor = current_actor()
    if actor is None:
        abort(401)
    if not is_allowed(actor.role, action):
        abort(403)
    return actor


def current_sign_in_id() -> int | None:
    """The id of this request's open sign-in row (sign_in_sessions.id), or None."""
    if not has_request_context():
        return None
    state = _sign_in_state()
    return state.session_id if isinstance(state, Open) else None


def patient_mode_session() -> int | None:
    """The infusion session whose questionnaire this sign-in is limited to, or None when
    the sign-in is not in patient mode."""
    if not has_request_context():
        return None
    state = _sign_in_state()
    return state.patient_mode_session_id if isinstance(state, Open) else None


def must_change_password() -> bool:
    """Whether this request's sign-in holds a temporary password still to be changed."""
    if not has_request_context():
        return False
    state = _sign_in_state()
    return isinstance(state, Open) and state.must_change_password


def may_view(roles: tuple[str, ...] | None) -> bool:
    """Whether the current user may open a page declared with these roles (None: anyone)."""
    if roles is None:
        return True
    actor = current_actor()
    return actor is not None and actor.role.value in roles


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _sign_in_state() -> Open | Ended:
    """This request's sign-in, looked up once on the server: open, or why not. Looking it up
    reads nothing of the body (the request guards may ask before the body is checked); the
    use is counted later, in `_guard`."""
    if "sign_in_state" not in g:
        token = session.get(TOKEN)
        rt = runtime.current()
        g.sign_in_state = (
            resume(database=rt.database, config=rt.config, token=token)
            if isinstance(token, str) and token
            else Ended.UNKNOWN
        )
    state: Open | Ended = g.sign_in_state
    return state


def _load_user(user_id: str) -> SignedIn | None:
    """Flask-Login's loader: the user only while the server-side sign-in is open, so neither
    a replayed cookie nor a "remember me" cookie (never issued) brings anyone back."""
    state = _sign_in_state()
    if isinstance(state, Open) and str(state.actor.id) == user_id:
        return SignedIn(state.actor)
    return None


def _back_to_login(error: str, target: str | None) -> WerkzeugResponse:
    query = {"error": error} | ({"next": target} if target else {})
    return redirect(f"{LOGIN_PAGE}?{urlencode(query)}")


def _login() -> WerkzeugResponse:
    username = (request.form.get("username") or "").strip().lower()
    password = request.form.get("password") or ""
    target = _safe_next(request.form.get("next"))
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return _back_to_login("expired", target)
    if not username or not password:
        return _back_to_login("1", target)
    rt = runtime.current()
    try:
        actor = sign_in(
            database=rt.database,
            config=rt.config,
            username=username,
            password=password,
            remote_addr=request.remote_addr,
        )
    except SignInRefused as refused:
        return _back_to_login("locked" if refused.locked else "1", target)
    previous = session.get(TOKEN)
    if isinstance(previous, str) and previous:  # signed in again on this browser
        sign_out(database=rt.database, token=previous, actor=current_actor(), reason="replaced")
    token = open_sign_in(
        database=rt.database,
        config=rt.config,
        actor=actor,
        remote_addr=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    session.clear()  # nothing from before the sign-in is carried into it
    login_user(SignedIn(actor))
    session[TOKEN] = token
    return redirect(target or HOME_BY_ROLE[actor.role])


def _logout() -> WerkzeugResponse:
    token = session.get(TOKEN)
    if isinstance(token, str) and token:
        sign_out(database=runtime.current().database, token=token, actor=current_actor())
    logout_user()
    session.clear()
    return redirect(LOGIN_PAGE)


def _signed_in_state() -> Response:
    """Who is signed in and how long the sign-in lasts without a tap: the page warns a
    minute before an idle sign-out, locks itself when signed out, and keeps unsent entries
    under the person who typed them. Answered 200 either way (no console error)."""
    rt = runtime.current()
    security = rt.config.security
    limit = security.idle_timeout_minutes * 60
    state: dict[str, Any] = {
        "signed_in": False,
        "idle_seconds": limit,
        "warning_seconds": security.idle_warning_seconds,
        "zone": rt.config.clinic.time_zone,
    }
    actor = current_actor()
    sign_in_state = _sign_in_state()
    if actor is not None and isinstance(sign_in_state, Open):
        idle = (utcnow() - sign_in_state.last_seen_at).total_seconds()
        state |= {
            "signed_in": True,
            "user": actor.username,
            "name": actor.full_name,
            "role": actor.role.value,
            "seconds_left": round(max(limit - idle, 0.0), 1),
        }
    return jsonify(state)  # no-store, as every response with a user's data (monitor.web)


def _is_polling() -> bool:
    """A callback fired by a timer, or the page asking who is signed in, not a person: it
    must not keep a tablet signed in."""
    if request.path == ME_PATH:
        return True
    if request.path != CALLBACK_PATH:
        return False
    body = request.get_json(silent=True)
    changed = body.get("changedPropIds") if isinstance(body, dict) else None
    if not isinstance(changed, list) or not changed:
        return False
    return all(str(p).endswith(".n_intervals") for p in changed)


def _signed_out() -> Any:
    """Forget a sign-in the server has ended (signed out elsewhere, idle, expired, password
    changed); a tablet left idle longer than `security.idle_timeout_minutes` is told so."""
    state = _sign_in_state()
    if isinstance(state, Open) or TOKEN not in session:
        return None
    logout_user()
    session.clear()
    if state is not Ended.IDLE:
        return None  # answered as anyone signed out: the page, or 401 for a callback
    if request.path in (ME_PATH, STAY_PATH):
        return None  # answered as signed out, so the page locks itself
    if request.method == "GET" and request.path != CALLBACK_PATH:
        return redirect(f"{LOGIN_PAGE}?{urlencode({'error': 'idle'})}")
    return Response("Signed out after inactivity", status=401)


def _count_use() -> None:
    """A person's request counts as use of an open sign-in against the idle limit; a
    timer's poll does not. Runs after the request guards have checked the body."""
    state = _sign_in_state()
    if isinstance(state, Open) and not _is_polling():
        g.sign_in_state = note_use(database=runtime.current().database, state=state)


def _callback_target() -> tuple[str, str | None]:
    """A callback request's first output id and, for the page router, the pathname asked
    for ("", None when the body says neither)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return "", None
    first = str(body.get("output") or "").strip(".").split("...")[0]
    output_id = first.rsplit(".", 1)[0]
    pathname = None
    if output_id == ROUTER_OUTPUT:
        for item in body.get("inputs") or []:
            if isinstance(item, dict) and item.get("property") == "pathname":
                pathname = str(item.get("value"))
    return output_id, pathname


def _confined(page: str, prefix: str, open_paths: tuple[str, ...], message: str) -> Any:
    """Keep a sign-in to one page: its own callbacks (ids starting with `prefix`) and the
    router asking for that page pass, as do `open_paths`; another page's GET is sent to
    `page`; anything else is refused 403 with `message`."""
    path = request.path
    if path == page or path in open_paths or path.startswith(CONFINED_PREFIXES):
        return None
    if path == CALLBACK_PATH and request.method == "POST":
        output_id, pathname = _callback_target()
        if output_id.startswith(prefix) or (output_id == ROUTER_OUTPUT and pathname == page):
            return None
    elif request.method == "GET":
        return redirect(page)
    return Response(message, status=403, mimetype="text/plain")


def _confine_sign_in() -> Any:
    """Patient mode keeps the tablet on the questionnaire; a temporary password keeps its
    holder on the page that changes it. None when the request may go on."""
    state = _sign_in_state()
    if not isinstance(state, Open):
        return None
    if state.patient_mode_session_id is not None:
        return _confined(
            PATIENT_MODE_PAGE,
            "pm-",
            # "Stay signed in" is a tap on this tablet: a slow patient keeps the answers.
            (*CONFINED_OPEN, "/auth/logout", STAY_PATH),
            "Patient mode: only the questionnaire is open on this tablet",
        )
    if state.must_change_password:
        return _confined(
            ACCOUNT_PAGE,
            "acct-",
            (
                LOGIN_PAGE,
                "/auth/login",  # someone else signs in on this tablet
                "/_reload-hash",
                "/healthz",
                *CONFINED_OPEN,
                "/auth/logout",
                STAY_PATH,
            ),
            "Change your temporary password first (Account → Password)",
        )
    return None


def _guard() -> Any:
    path = request.path
    ended = _signed_out()
    if ended is not None:
        return ended
    _count_use()
    confined = _confine_sign_in()
    if confined is not None:
        return confined
    if path in (LOGIN_PAGE, CALLBACK_PATH) or path.startswith(PUBLIC_PREFIXES):
        return None  # callbacks check the role themselves, in `require`
    if current_actor() is not None:
        return None
    if request.method == "GET":
        return redirect(f"{LOGIN_PAGE}?{urlencode({'next': request.full_path.rstrip('?')})}")
    return Response("Sign in first", status=401)


def init_auth(server: Flask) -> None:
    """Wire Flask-Login, the login and logout routes, and the sign-in guard."""
    manager = LoginManager()
    manager.init_app(server)
    manager.user_loader(_load_user)
    manager.session_protection = "strong"
    server.add_url_rule("/auth/login", "login", _login, methods=["POST"])
    server.add_url_rule("/auth/logout", "logout", _logout, methods=["POST"])
    server.add_url_rule(ME_PATH, "me", _signed_in_state, methods=["GET"])
    server.add_url_rule(STAY_PATH, "stay", _signed_in_state, methods=["POST"])
    server.before_request(_guard)
