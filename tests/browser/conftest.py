"""Real-browser fixtures: the app served from a thread, driven by headless Chromium.

Chromium is Debian's (`/usr/bin/chromium`, or MONITOR_CHROMIUM); Playwright's own browser
download is never used. Every page fails its test on any console error, so a missing asset
or a CDN address cannot slip in. A failing test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from monitor.app import create_app
from monitor.config import REPO_ROOT, Config, Settings
from monitor.db.engine import Database

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
LANDSCAPE = {"width": 1024, "height": 768}
PORTRAIT = {"width": 768, "height": 1024}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.failed:
        page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a screenshot is a courtesy, never a second failure
                pass
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (installs Debian's "
            "chromium) or set MONITOR_CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
def serve(tmp_path: Path, sqlite_template: Path) -> Iterator[Callable[[Config], Server]]:
    """Start the app on a fresh migrated SQLite file with the given config."""
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
    for server in servers:
        server.stop()


@pytest.fixture
def server(serve: Callable[[Config], Server], config: Config) -> Server:
    return serve(config)


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, console_errors: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    yield page
    context.close()
    assert console_errors == [], f"browser console errors: {console_errors}"
