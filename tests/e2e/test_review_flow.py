"""End to end in a real browser: sign in, open a flagged item, escalate it, see it on the dashboard.

The app runs under uvicorn on a free loopback port with a temp SQLite store; Debian's Chromium
(``/usr/bin/chromium``) is driven headless by Playwright's sync API. Playwright's own browser
download is never used, so the test is skipped where that Chromium or the ``playwright``
package is missing.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from tipguard import Analyzer
from tipguard.service import ServiceSettings, create_app
from tipguard.store import Actor, Store

CHROMIUM = Path("/usr/bin/chromium")
HARMFUL = "We keep your passport until you repay the ticket. Add me on telegram: @boss_kh"
SHOTS_ENV = "TIPGUARD_E2E_SCREENSHOTS"
"""Set to a folder to keep a screenshot of each step (for debugging a failing run)."""

if not CHROMIUM.exists():
    pytest.skip(f"end-to-end tests need Debian's Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="end-to-end tests need the `playwright` package")


@dataclass
class Live:
    """A running server and its keys."""

    base: str
    store: Store
    analyst: str
    ingest: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live(tmp_path: Path, analyzer: Analyzer) -> Iterator[Live]:
    store = Store(f"sqlite:///{tmp_path / 'e2e.db'}")
    _, analyst = store.create_key("analyst-e2e", ["analyst"])
    _, ingest = store.create_key("feed-e2e", ["ingest"])
    app = create_app(ServiceSettings(guard=False), analyzer, store)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", store, analyst, ingest)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


def test_sign_in_escalate_a_flagged_item_and_see_it_on_the_dashboard(live: Live) -> None:
    response = httpx.post(
        f"{live.base}/v1/analyze",
        json={"text": HARMFUL, "id": "e2e-1"},
        headers={"Authorization": f"Bearer {live.ingest}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    (review_id,) = response.json()["queued"]
    shots = os.environ.get(SHOTS_ENV)

    def shot(page: sync_api.Page, name: str) -> None:
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(10_000)
            page.goto(f"{live.base}/ui/queue")
            assert page.url.endswith("/ui/login")  # no session yet
            page.fill("#key", live.analyst)
            shot(page, "1-login")
            page.click("button[type=submit]:has-text('Sign in')")
            page.wait_for_url(re.compile(r".*/ui/queue$"))
            shot(page, "2-queue")

            page.click(f"td.preview a[href='/ui/review/{review_id}']")
            page.wait_for_url(re.compile(rf".*/ui/review/{review_id}$"))
            marks = page.locator("div.text mark")
            assert marks.count() >= 2
            assert "passport" in " ".join(marks.all_inner_texts())
            title = marks.first.get_attribute("title") or ""
            assert ":" in title and "_" in title  # names the indicator and describes it
            shot(page, "3-review")

            page.select_option("#case_id", "new")
            page.fill("#title", "E2E scam-compound lure")
            page.click("button:has-text('Escalate')")
            page.wait_for_url(re.compile(r".*/ui/cases/\d+$"))
            assert "E2E scam-compound lure" in page.inner_text("h1")
            assert page.locator(f"ul.linked a[href='/ui/review/{review_id}']").count() == 1
            shot(page, "4-case")

            page.click("nav a:has-text('Dashboard')")
            page.wait_for_url(re.compile(r".*/ui/dashboard$"))
            assert page.inner_text("[data-count=escalated]") == "1"
            assert page.inner_text("[data-count=cases]") == "1"
            assert page.inner_text("[data-count=open]") == "0"
            assert page.locator("svg .bar").count() >= 3
            shot(page, "5-dashboard")

            page.click("button:has-text('Sign out')")
            page.wait_for_url(re.compile(r".*/ui/login$"))
        finally:
            browser.close()
    assert live.store.get_review(Actor.system("e2e-check"), review_id).status == "escalated"
