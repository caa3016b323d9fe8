"""Real-browser fixtures: the app served from a thread, driven by headless Chromium.

Chromium is Debian's (`/usr/bin/chromium`, or MONITOR_CHROMIUM); Playwright's own browser
download is never used. Every page fails its test on any console error, so a missing asset
or a CDN address cannot slip in. A failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from monitor.app import create_app
from monitor.config import REPO_ROOT, Config, Settings
from monitor.db.engine import Database
from tests.browser.accessibility import check_both_themes

CHROMIUM = os.environ.get("MONITOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
# One patience for actions and assertions: a busy machine (eight test runs on two cores) must
# not turn a slow render into a failure.
expect.set_options(timeout=15_000)
LANDSCAPE: ViewportSize = {"width": 1024, "height": 768}
PORTRAIT: ViewportSize = {"width": 768, "height": 1024}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "axe_skip(reason): do not run the automatic axe check at teardown (say why; rarely)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed:
        page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            # A screenshot is a courtesy, never a second failure.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (installs Debian's "
            "chromium) or set MONITOR_CHROMIUM"
        )
    # Chromium puts its singleton socket in its TMPDIR, and a Unix socket path must stay
    # under 108 bytes: give it a short folder of its own, whatever the checkout's path.
    chromium_tmp = tempfile.mkdtemp(prefix="chromium-", dir="/tmp")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                env={**os.environ, "TMPDIR": chromium_tmp},
            )
            yield browser
            browser.close()
    finally:
        shutil.rmtree(chromium_tmp, ignore_errors=True)


class Server:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.database = Database.from_url(settings.database_url)
        app = create_app(settings)
        self._server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self.database.dispose()


@pytest.fixture
def serve(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Callable[[Config], Server]]:
    """Start the app on a fresh migrated SQLite file with the given config. Pages (the
    `contexts` fixture) are closed before this stops the servers; any context still open
    then, from a fixture that does not go through `contexts`, is closed here first."""
    servers: list[Server] = []

    def start(config: Config) -> Server:
        path = tmp_path / f"browser{len(servers)}.db"
        shutil.copy(sqlite_template, path)
        settings = Settings(
            config=config, database_url=f"sqlite:///{path}", instance_path=tmp_path / "instance"
        )
        servers.append(Server(settings))
        return servers[-1]

    yield start
    if "browser" in request.fixturenames:
        close_quietly(request.getfixturevalue("browser"))
    for server in servers:
        server.stop()


@pytest.fixture
def server(serve: Callable[[Config], Server], config: Config) -> Server:
    return serve(config)


@pytest.fixture
def console_errors() -> list[str]:
    return []


def axe_skip_reason(item: pytest.Item) -> str | None:
    """The reason of an `@pytest.mark.axe_skip("reason")`; a marker without one is an error."""
    marker = item.get_closest_marker("axe_skip")
    if marker is None:
        return None
    reason = marker.args[0] if marker.args else marker.kwargs.get("reason")
    if not reason or not str(reason).strip():
        pytest.fail("@pytest.mark.axe_skip needs a reason", pytrace=False)
    return str(reason)


class Contexts:
    """Every browser context of a test, closed before the test's servers stop.

    Before closing, each page that shows the app is checked with axe-core in both themes
    (unless the test failed already or is marked `axe_skip`), then sent to about:blank so that
    no poll is in flight when its context closes. Contexts a test opened some other way
    (`browser.new_context()` in a fixture) are found in `browser.contexts` and closed the same
    way, so a server never stops under a live page.
    """

    def __init__(self, browser: Browser, console_errors: list[str]) -> None:
        self.browser = browser
        self.console_errors = console_errors

    def new(self, viewport: ViewportSize | None = None, **options: Any) -> BrowserContext:
        """A new context whose pages fail the test on any console error."""
        context = self.browser.new_context(viewport=viewport or LANDSCAPE, **options)
        context.set_default_timeout(10_000)
        context.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        context.on("weberror", lambda e: self.console_errors.append(str(e.error)))
        return context

    def close_all(self, check_accessibility: bool) -> list[str]:
        """Close every open context; the accessibility problems found on their pages."""
        problems: list[str] = []
        try:
            for context in list(self.browser.contexts):
                for page in context.pages:
                    if check_accessibility and page.url.startswith("http"):
                        for name, lines in check_both_themes(page).items():
                            problems += [f"[{name}] {page.url} {line}" for line in lines]
                    page.goto("about:blank")
                context.close()
        finally:
            close_quietly(self.browser)  # whatever went wrong above, none is left open
        return problems


def close_quietly(browser: Browser) -> None:
    """Stop every page's polling (about:blank) and close its context."""
    for context in list(browser.contexts):
        for page in context.pages:
            with contextlib.suppress(Exception):  # closing anyway
                page.goto("about:blank")
        context.close()


@pytest.fixture
def contexts(
    request: pytest.FixtureRequest,
    browser: Browser,
    console_errors: list[str],
    serve: Callable[[Config], Server],
) -> Iterator[Contexts]:
    """Requests `serve`, so it is torn down (contexts closed) before any server stops."""
    registry = Contexts(browser, console_errors)
    yield registry
    report = getattr(request.node, "rep_call", None)
    passed = report is not None and report.passed
    check = passed and axe_skip_reason(request.node) is None
    problems = registry.close_all(check_accessibility=check)
    assert console_errors == [], f"browser console errors: {console_errors}"
    assert not problems, (
        f"accessibility: {len(problems)} serious/critical axe violations on the pages "
        "this test left open\n" + "\n".join(problems)
    )


@pytest.fixture
def new_context(contexts: Contexts) -> Callable[..., BrowserContext]:
    """`new_context(viewport=PORTRAIT)`: another person's browser in the same test, tracked
    like `page`'s (console errors fail the test; axe runs on its pages at teardown; closed
    before the server stops)."""
    return contexts.new


@pytest.fixture
def page(contexts: Contexts) -> Page:
    return contexts.new(has_touch=True).new_page()
