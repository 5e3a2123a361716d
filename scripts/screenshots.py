"""Screenshots of the review page for the docs: login, queue, review item, case and dashboard.

    python scripts/screenshots.py                   # writes docs/screenshots/*.png
    python scripts/screenshots.py --out /tmp/shots --profile fast

Runs the service on a free loopback port with a throw-away SQLite store, feeds it the shipped
synthetic samples (``tipguard/samples/messages.jsonl``, no real data) through ``/v1/analyze``,
makes a few decisions and a case with AI-use records, and drives Debian's Chromium
(``/usr/bin/chromium``) headless with Playwright. The flagged items are spread over the last
weeks by a direct UPDATE of the demo database so the weekly chart has more than one bar: the
only write that bypasses the ``Store``, and it touches the throw-away database only.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import text

from tipguard import Analyzer
from tipguard.service import ServiceSettings, create_app
from tipguard.store import Actor, AIUseInput, CaseFields, Store

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent


def _samples() -> list[dict[str, Any]]:
    raw = resources.files("tipguard.samples").joinpath("messages.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _seed(base: str, store: Store, ingest: str, skip: set[str]) -> dict[str, int]:
    """Analyse the samples (but those whose language is in ``skip``); returns review ids by sample id."""
    headers = {"Authorization": f"Bearer {ingest}"}
    samples = [s for s in _samples() if s["id"].split("-")[0] not in skip]
    items = [{"id": s["id"], "text": s["text"]} for s in samples if "text" in s]
    body = httpx.post(f"{base}/v1/analyze", json={"items": items}, headers=headers, timeout=120).json()
    queued = iter(body["queued"])
    ids: dict[str, int] = {}
    for verdict in body["verdicts"]:
        if verdict["level"] in ("medium", "high", "critical") and verdict["error"] is None:
            ids[verdict["id"]] = next(queued)
    for s in samples:
        if "messages" in s:
            reply = httpx.post(
                f"{base}/v1/conversations/analyze",
                json={"id": s["id"], "messages": s["messages"]},
                headers=headers,
                timeout=60,
            ).json()
            if reply["queued"]:
                ids[s["id"]] = reply["queued"][0]
    # spread the demo items over five weeks (throw-away database only)
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.engine.begin() as conn:
        for n, review_id in enumerate(sorted(ids.values())):
            when = now - timedelta(days=(n * 3) % 35)
            conn.execute(
                text("UPDATE review_items SET created_at = :at WHERE id = :id"), {"at": when, "id": review_id}
            )
    return ids


def _shoot(page: Page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    print(f"wrote {out / name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--profile", default="standard", help="analyzer profile (default: standard)")
    parser.add_argument(
        "--skip",
        default="th,bn,zh",
        help="sample languages to leave out (default th,bn,zh: a headless box with only DejaVu fonts "
        "draws their scripts as boxes; analysts' desktops have the fonts)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'demo.db'}")
        analyst_key, analyst = store.create_key("maria (analyst)", ["analyst"])
        _, ingest = store.create_key("platform feed", ["ingest"])
        app = create_app(ServiceSettings(guard=False), Analyzer(profile=args.profile), store)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            ids = _seed(base, store, ingest, set(filter(None, args.skip.split(","))))
            me = Actor(analyst_key.name, analyst_key.id, "127.0.0.1")
            if "en-3" in ids:
                store.decide(me, ids["en-3"], "dismiss", reason="private message about a holiday")
            if "es-1" in ids:
                store.decide(me, ids["es-1"], "confirm")
            review_of_interest = ids.get("en-1") or next(iter(ids.values()))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.goto(f"{base}/ui/login")
                page.fill("#key", analyst)
                _shoot(page, args.out, "login")
                page.click("button:has-text('Sign in')")
                page.wait_for_url("**/ui/queue")
                _shoot(page, args.out, "queue")
                page.goto(f"{base}/ui/review/{review_of_interest}")
                _shoot(page, args.out, "review")
                page.select_option("#case_id", "new")
                page.fill("#title", "Scam-compound recruitment, Cambodia route")
                page.click("button:has-text('Escalate')")
                page.wait_for_url("**/ui/cases/*")
                case_id = int(page.url.rsplit("/", 1)[1])
                for other in ("vi-1", "ar-1", "en-4"):
                    if other in ids and ids[other] != review_of_interest:
                        store.decide(me, ids[other], "escalate", case_id=case_id)
                store.update_case(
                    me,
                    case_id,
                    CaseFields(
                        summary="Job adverts for customer-service work abroad; passports kept on arrival.",
                        method_of_recruitment=("OnlineAdvertisement", "JobOfferOrAdvertisement"),
                        methods_of_control=("WithholdsDocuments", "DebtBondage"),
                        type_of_exploitation=("ForcedCriminality",),
                        recruitment_websites_and_apps=("Telegram",),
                        exploitation_country="KH",
                    ),
                )
                store.add_ai_use(
                    me,
                    case_id,
                    AIUseInput(
                        "GeneratedAdvert",
                        "One advert template, lightly reworded, posted by 40 accounts within an hour",
                        "Medium",
                        platform="Telegram",
                        language="en",
                        review_item_id=review_of_interest,
                    ),
                )
                page.goto(f"{base}/ui/cases/{case_id}")
                page.select_option("select[name=capability]", "Automation")
                page.select_option("select[name=confidence]", "Low")
                page.fill("input[name=platform]", "Telegram")
                page.fill("input[name=language]", "en")
                page.fill("#evidence", "Replies arrive within two seconds at any hour")
                page.click("button:has-text('Add record')")
                page.wait_for_url("**/ui/cases/*")
                _shoot(page, args.out, "case")
                page.goto(f"{base}/ui/dashboard")
                _shoot(page, args.out, "dashboard")
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            store.close()


if __name__ == "__main__":
    main()
