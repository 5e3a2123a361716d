"""The review page (``/ui``): sign-in, roles, CSRF, highlighting, decisions, cases, dashboard."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from service_testkit import RISKY

from tipguard import Analyzer
from tipguard.service import ServiceSettings, create_app
from tipguard.service.web import charts, highlight
from tipguard.service.web.pages import SESSION_COOKIE
from tipguard.service.web.session import SessionSigner, load_secret
from tipguard.store import Actor, QueueEntry, ReviewRecord, Store

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

SETTINGS = ServiceSettings(rate_limit_per_minute=100_000, rate_limit_burst=100_000, guard=False)
SYSTEM = Actor.system("test")


@dataclass
class Site:
    """An app on a fresh SQLite store with one key per role."""

    client: TestClient
    store: Store
    keys: dict[str, str]

    def login(self, who: str = "analyst", client: TestClient | None = None) -> str:
        """Sign in through the form; returns the CSRF token of the new session."""
        browser = client or self.client
        form = browser.get("/ui/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token, form.text
        done = browser.post(
            "/ui/login", data={"key": self.keys[who], "login_token": token.group(1)}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        return csrf_of(browser.get("/ui/queue").text)

    def enqueue(
        self, text: str, verdict: dict[str, Any], messages: list[dict[str, Any]] | None = None
    ) -> int:
        return self.store.enqueue(SYSTEM, [QueueEntry(verdict, text, messages)])[0]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def verdict(
    findings: list[tuple[str, list[list[int]]]], language: str = "en", level: str = "high"
) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "id": "item-1",
        "kind": "message",
        "language": language,
        "language_confidence": 0.9,
        "risk": 0.8,
        "level": level,
        "calibrated": False,
        "findings": [
            {
                "indicator": code,
                "score": 0.7,
                "spans": spans,
                "detector": "lexicon@1",
                "reason": f"why {code}",
            }
            for code, spans in findings
        ],
        "error": None,
    }


def _build(tmp_path: Path, analyzer: Analyzer) -> Iterator[Site]:
    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    keys = {role: store.create_key(role, [role])[1] for role in ("ingest", "analyst", "admin")}
    revoked, keys["revoked"] = store.create_key("revoked", ["analyst"])
    store.revoke_key(revoked.id)
    with TestClient(create_app(SETTINGS, analyzer, store)) as client:
        yield Site(client, store, keys)
    store.close()


@pytest.fixture
def site(tmp_path: Path, analyzer: Analyzer) -> Iterator[Site]:
    yield from _build(tmp_path, analyzer)


def audit_actions(site: Site) -> list[tuple[str, str, str]]:
    return [(a.action, a.actor, a.outcome) for a in site.store.list_audit(SYSTEM, limit=500)]


# -- sign-in --------------------------------------------------------------------------------


def test_login_with_an_analyst_key_sets_a_signed_httponly_strict_cookie_without_the_key(site: Site) -> None:
    form = site.client.get("/ui/login")
    assert form.status_code == 200 and 'type="password"' in form.text
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token
    response = site.client.post(
        "/ui/login",
        data={"key": site.keys["analyst"], "login_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/ui/queue"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/ui" in cookie
    assert site.keys["analyst"] not in cookie and site.keys["analyst"][:12] not in cookie
    assert site.client.get("/ui/queue").status_code == 200
    assert ("ui.login", "analyst", "ok") in audit_actions(site)


@pytest.mark.parametrize("key", ["tg_" + "x" * 43, "", "not-a-key", "revoked"])
def test_login_with_a_bad_or_revoked_key_is_refused(site: Site, key: str) -> None:
    form = site.client.get("/ui/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token
    response = site.client.post(
        "/ui/login",
        data={"key": site.keys.get(key, key), "login_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert "Unknown or revoked API key" in response.text
    assert not any(c.startswith(SESSION_COOKIE + "=") for c in response.headers.get_list("set-cookie"))
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303


def test_login_form_needs_its_token(site: Site) -> None:
    site.client.get("/ui/login")
    response = site.client.post("/ui/login", data={"key": site.keys["analyst"]}, follow_redirects=False)
    assert response.status_code == 403
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "path", ["/ui/queue", "/ui/review/1", "/ui/cases", "/ui/cases/1", "/ui/dashboard", "/ui/"]
)
def test_pages_without_a_valid_session_go_to_sign_in(site: Site, path: str) -> None:
    response = site.client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] in ("/ui/login", "/ui/queue")
    site.client.cookies.set(SESSION_COOKIE, "1.abc.1700000000.forged", path="/ui")
    forged = site.client.get(path, follow_redirects=False)
    assert forged.status_code == 303


def test_a_tampered_cookie_for_another_key_is_refused(site: Site) -> None:
    site.login()
    value = site.client.cookies.get(SESSION_COOKIE)
    assert value
    key_id, rest = value.split(".", 1)
    site.client.cookies.clear()
    site.client.cookies.set(SESSION_COOKIE, f"{int(key_id) + 1}.{rest}", path="/ui")
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("who", ["ingest", "admin"])
def test_keys_without_the_analyst_role_get_a_403_page(site: Site, who: str) -> None:
    form = site.client.get("/ui/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token
    response = site.client.post(
        "/ui/login", data={"key": site.keys[who], "login_token": token.group(1)}, follow_redirects=False
    )
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "lacks the `analyst` role" in response.text
    assert ("access.denied", who, "denied") in audit_actions(site)
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303


def test_a_session_ends_when_its_key_is_revoked(site: Site) -> None:
    site.login()
    analyst = next(k for k in site.store.list_keys() if k.name == "analyst")
    site.store.revoke_key(analyst.id)
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303


def test_logout_clears_the_session_and_refuses_a_replayed_cookie(site: Site) -> None:
    csrf = site.login()
    cookie = site.client.cookies.get(SESSION_COOKIE)
    response = site.client.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/login"
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303
    assert cookie
    site.client.cookies.set(SESSION_COOKIE, cookie, path="/ui")
    assert site.client.get("/ui/queue", follow_redirects=False).status_code == 303
    assert ("ui.logout", "analyst", "ok") in audit_actions(site)


def test_pages_carry_security_headers_and_stay_out_of_the_openapi_document(site: Site) -> None:
    site.login()
    page = site.client.get("/ui/queue")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    css = site.client.get("/ui/static/tipguard.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text  # no external assets
    assert not [p for p in site.client.get("/openapi.json").json()["paths"] if p.startswith("/ui")]


# -- session unit behaviour -----------------------------------------------------------------


def test_session_signer_expires_and_rejects_tampering() -> None:
    now = [1_000_000.0]
    signer = SessionSigner(b"s" * 32, max_age=60, clock=lambda: now[0])
    cookie, session = signer.issue(7)
    assert signer.verify(cookie) == session
    assert signer.verify(cookie[:-2] + "AA") is None
    assert signer.verify(cookie.replace("7.", "8.", 1)) is None
    other = SessionSigner(b"t" * 32, clock=lambda: now[0])
    assert other.verify(cookie) is None
    token = signer.csrf_token(session.session_id)
    assert signer.check_csrf(session.session_id, token)
    assert not signer.check_csrf("another-session", token) and not signer.check_csrf(session.session_id, None)
    now[0] += 61
    assert signer.verify(cookie) is None


def test_a_short_configured_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        load_secret("short")
    assert load_secret("k" * 40) == b"k" * 40
    assert len(load_secret("")) == 32


# -- highlighting ---------------------------------------------------------------------------


class Marks(HTMLParser):
    """Collects the text of ``div.text`` and its ``<mark>`` elements with their indicators."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.in_mark: str | None = None
        self.text: list[str] = []
        self.marks: list[tuple[str, str]] = []
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and "text" in (a.get("class") or "").split():
            self.depth = 1
            self.text.append("")
        elif self.depth and tag == "mark":
            self.in_mark = a.get("data-indicators") or ""
            self.titles.append(a.get("title") or "")
            self.marks.append((self.in_mark, ""))
        elif self.depth:
            raise AssertionError(f"unexpected <{tag}> inside the text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.in_mark = None
        elif tag == "div" and self.depth:
            self.depth = 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text[-1] += data
            if self.in_mark is not None:
                code, piece = self.marks[-1]
                self.marks[-1] = (code, piece + data)


def parse(html: str) -> Marks:
    parser = Marks()
    parser.feed(html)
    return parser


def test_segments_split_overlapping_spans_without_nesting() -> None:
    text = "Give me your passport now"
    marks = [
        highlight.Mark(0, 21, "A"),
        highlight.Mark(13, 21, "B"),
        highlight.Mark(8, 12, "A"),
        highlight.Mark(30, 40, "C"),
    ]
    got = [(s.text, s.indicators) for s in highlight.segments(text, marks)]
    # the narrowest mark comes first: B (8 chars) before A (21 chars) on "passport"
    assert got == [("Give me your ", ("A",)), ("passport", ("B", "A")), (" now", ())]
    assert "".join(t for t, _ in got) == text


def test_whole_text_marks_are_named_once_instead_of_marking_everything() -> None:
    text = "  Hiring now, free flight  "
    marks = [
        highlight.Mark(0, len(text), "LURE"),
        highlight.Mark(13, 25, "TRAVEL"),
        highlight.Mark(2, 25, "X"),
    ]
    inline, whole = highlight.split_whole(text, marks)
    assert whole == ["LURE", "X"] and inline == [highlight.Mark(13, 25, "TRAVEL")]


def test_conversation_marks_use_message_spans_and_map_joined_offsets() -> None:
    v = verdict([("X", [[4, 8, 1], [0, 2, 0]]), ("Y", [[6, 9]])])
    assert highlight.marks_of(v, message=1, offset=6) == [
        highlight.Mark(4, 8, "X"),
        highlight.Mark(0, 3, "Y"),
    ]
    assert highlight.marks_of(v, message=0) == [highlight.Mark(0, 2, "X"), highlight.Mark(6, 9, "Y")]


def test_review_page_highlights_spans_by_their_offsets_in_the_original_text(site: Site) -> None:
    # Bengali (combining vowel signs), Latin, an emoji outside the BMP, and overlapping spans
    text = "কাজ দেবো 😀 পাসপোর্ট আমাদের কাছে থাকবে, telegram @boss"
    passport = text.index("পাসপোর্ট")
    keep = text.index("থাকবে")
    tele = text.index("telegram")
    review_id = site.enqueue(
        text,
        verdict(
            [
                ("CTL_DOCUMENT_CONFISCATION", [[passport, keep + len("থাকবে")]]),
                ("REC_DOCUMENT_REQUEST", [[passport, passport + len("পাসপোর্ট")]]),
                ("OFF_CONTACT", [[tele, len(text)], [500, 600]]),
            ],
            language="bn",
        ),
    )
    site.login()
    page = site.client.get(f"/ui/review/{review_id}")
    assert page.status_code == 200
    parsed = parse(page.text)
    assert parsed.text == [text]  # every character exactly once, in order
    assert parsed.marks == [
        ("REC_DOCUMENT_REQUEST CTL_DOCUMENT_CONFISCATION", "পাসপোর্ট"),
        ("CTL_DOCUMENT_CONFISCATION", text[passport + len("পাসপোর্ট") : keep + len("থাকবে")]),
        ("OFF_CONTACT", "telegram @boss"),
    ]
    assert parsed.titles[0].startswith("REC_DOCUMENT_REQUEST: ")
    assert "; CTL_DOCUMENT_CONFISCATION: Passport or identity documents" in parsed.titles[0]
    assert 'lang="bn"' in page.text and "why OFF_CONTACT" in page.text
    assert "hl-multi" in page.text


def test_review_page_escapes_untrusted_text(site: Site) -> None:
    text = '<script>alert("x")</script> <img src=x onerror=alert(1)> & "quotes"'
    review_id = site.enqueue(text, verdict([("OFF_CONTACT", [[0, 8]])]))
    site.login()
    page = site.client.get(f"/ui/review/{review_id}")
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert parse(page.text).text == [text]
    queue = site.client.get("/ui/queue")
    assert "<script>" not in queue.text and "&lt;script&gt;" in queue.text


def test_a_whole_text_finding_is_named_above_the_text_not_marked_over_it(site: Site) -> None:
    text = "Hiring now, free flight"
    review_id = site.enqueue(text, verdict([("REC_LURE", [[0, len(text)]]), ("REC_TRAVEL_PAID", [[12, 23]])]))
    site.login()
    page = site.client.get(f"/ui/review/{review_id}").text
    assert parse(page).marks == [("REC_TRAVEL_PAID", "free flight")]
    assert 'data-whole="REC_LURE"' in page


def test_conversation_items_are_shown_message_by_message(site: Site) -> None:
    messages = [
        {"text": "job in Dubai, free flight", "sender": "recruiter", "time": "2024-05-01T10:00:00Z"},
        {"text": "give me your passport", "sender": "recruiter", "time": None},
    ]
    joined = "\n".join(m["text"] for m in messages)
    v = verdict([("REC_TRAVEL_PAID", [[14, 25, 0]]), ("REC_DOCUMENT_REQUEST", [[13, 21, 1]])])
    v["kind"] = "conversation"
    review_id = site.enqueue(joined, v, messages)
    site.login()
    parsed = parse(site.client.get(f"/ui/review/{review_id}").text)
    assert parsed.text == [m["text"] for m in messages]
    assert parsed.marks == [("REC_TRAVEL_PAID", "free flight"), ("REC_DOCUMENT_REQUEST", "passport")]


# -- decisions, CSRF, cases -----------------------------------------------------------------


def test_posts_without_the_sessions_csrf_token_are_rejected(site: Site, tmp_path: Path) -> None:
    review_id = site.enqueue(RISKY, verdict([("OFF_CONTACT", [[0, 4]])]))
    site.login()
    url = f"/ui/review/{review_id}/decision"
    missing = site.client.post(url, data={"decision": "confirm"}, follow_redirects=False)
    assert missing.status_code == 403 and "security token" in missing.text
    other = SessionSigner(b"z" * 32).csrf_token("another-session")
    wrong = site.client.post(url, data={"decision": "confirm", "csrf": other}, follow_redirects=False)
    assert wrong.status_code == 403
    assert site.store.get_review(SYSTEM, review_id).status == "open"
    # a token from another analyst's session does not work in this one
    with TestClient(site.client.app) as second:
        their_token = site.login(client=second)
    stolen = site.client.post(url, data={"decision": "confirm", "csrf": their_token}, follow_redirects=False)
    assert stolen.status_code == 403
    assert site.store.get_review(SYSTEM, review_id).status == "open"


def test_confirm_and_dismiss_change_the_store(site: Site) -> None:
    first = site.enqueue(RISKY, verdict([("OFF_CONTACT", [[0, 4]])]))
    second = site.enqueue("honest job advert", verdict([("REC_HIGH_PAY", [[0, 6]])], level="medium"))
    csrf = site.login()
    confirmed = site.client.post(
        f"/ui/review/{first}/decision", data={"decision": "confirm", "csrf": csrf}, follow_redirects=False
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/ui/review/{first}"
    assert site.store.get_review(SYSTEM, first).status == "confirmed"

    no_reason = site.client.post(
        f"/ui/review/{second}/decision", data={"decision": "dismiss", "reason": "  ", "csrf": csrf}
    )
    assert no_reason.status_code == 422 and "needs a reason" in no_reason.text
    assert site.store.get_review(SYSTEM, second).status == "open"
    dismissed = site.client.post(
        f"/ui/review/{second}/decision",
        data={"decision": "dismiss", "reason": "honest recruitment", "csrf": csrf},
        follow_redirects=False,
    )
    assert dismissed.status_code == 303
    record = site.store.get_review(SYSTEM, second)
    assert (record.status, record.reason, record.decided_by) == ("dismissed", "honest recruitment", "analyst")
    again = site.client.post(
        f"/ui/review/{second}/decision", data={"decision": "confirm", "csrf": csrf}, follow_redirects=False
    )
    assert again.status_code == 409
    page = site.client.get(f"/ui/review/{second}")
    assert "honest recruitment" in page.text and 'name="decision"' not in page.text
    labels = site.store.list_decisions(SYSTEM).items
    assert [(d.review_item_id, d.label) for d in labels] == [(first, True), (second, False)]


def test_escalate_to_a_new_case_then_to_the_same_case(site: Site) -> None:
    first = site.enqueue(RISKY, verdict([("OFF_CONTACT", [[0, 4]])]))
    second = site.enqueue(RISKY + " again", verdict([("OFF_CONTACT", [[0, 4]])]))
    csrf = site.login()
    response = site.client.post(
        f"/ui/review/{first}/decision",
        data={"decision": "escalate", "case_id": "new", "title": "Scam compound <b>lure</b>", "csrf": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    review_page = site.client.get(f"/ui/review/{second}")
    assert f'<option value="{case_id}">Case {case_id}: Scam compound &lt;b&gt;lure&lt;/b&gt;</option>' in (
        review_page.text
    )
    attached = site.client.post(
        f"/ui/review/{second}/decision",
        data={"decision": "escalate", "case_id": str(case_id), "csrf": csrf},
        follow_redirects=False,
    )
    assert attached.headers["location"] == f"/ui/cases/{case_id}"
    case = site.store.get_case(SYSTEM, case_id)
    assert case.title == "Scam compound <b>lure</b>" and set(case.review_item_ids) == {first, second}
    page = site.client.get(f"/ui/cases/{case_id}")
    assert page.status_code == 200
    assert f'href="/ui/review/{first}"' in page.text and f'href="/ui/review/{second}"' in page.text
    assert "cas_Status" in page.text and "vic_TypeOfExploitation" in page.text
    assert "Scam compound &lt;b&gt;lure&lt;/b&gt;" in page.text
    missing = site.client.post(
        f"/ui/review/{first}/decision",
        data={"decision": "escalate", "case_id": "999", "csrf": csrf},
        follow_redirects=False,
    )
    assert missing.status_code in (404, 409)


def test_add_an_ai_use_record_from_the_case_page(site: Site) -> None:
    review_id = site.enqueue(RISKY, verdict([("OFF_CONTACT", [[0, 4]])]))
    csrf = site.login()
    done = site.client.post(
        f"/ui/review/{review_id}/decision",
        data={"decision": "escalate", "case_id": "new", "csrf": csrf},
        follow_redirects=False,
    )
    case_id = int(done.headers["location"].rsplit("/", 1)[1])
    url = f"/ui/cases/{case_id}/ai-use"
    form = {
        "capability": "Translation",
        "confidence": "High",
        "evidence": "Threat in fluent Bengali from an account that writes broken English",
        "platform": "Telegram",
        "language": "bn",
        "review_item_id": str(review_id),
    }
    assert site.client.post(url, data=form, follow_redirects=False).status_code == 403  # no CSRF
    added = site.client.post(url, data={**form, "csrf": csrf}, follow_redirects=False)
    assert added.status_code == 303
    bad = site.client.post(url, data={**form, "capability": "Telepathy", "csrf": csrf})
    assert bad.status_code == 422
    empty = site.client.post(url, data={**form, "evidence": " ", "csrf": csrf})
    assert empty.status_code == 422
    (record,) = site.store.get_case(SYSTEM, case_id).ai_uses
    assert (
        record.capability,
        record.confidence,
        record.platform,
        record.language,
        record.review_item_id,
    ) == (
        "Translation",
        "High",
        "Telegram",
        "bn",
        review_id,
    )
    page = site.client.get(f"/ui/cases/{case_id}")
    assert "Threat in fluent Bengali" in page.text and "aiu_Capability" in page.text
    assert site.client.get("/ui/cases").text.count(f'href="/ui/cases/{case_id}"') >= 1


def test_unknown_items_and_cases_are_404_pages(site: Site) -> None:
    site.login()
    for path in ("/ui/review/424242", "/ui/cases/424242"):
        response = site.client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert site.client.get("/ui/queue?status=bogus").status_code == 400


def test_reads_and_writes_from_the_page_are_audited(site: Site) -> None:
    review_id = site.enqueue(RISKY, verdict([("OFF_CONTACT", [[0, 4]])]))
    csrf = site.login()
    site.client.get(f"/ui/review/{review_id}")
    site.client.post(f"/ui/review/{review_id}/decision", data={"decision": "confirm", "csrf": csrf})
    actions = [(a, who) for a, who, _ in audit_actions(site)]
    for action in ("review.list", "review.read", "review.confirm"):
        assert (action, "analyst") in actions


# -- queue and dashboard --------------------------------------------------------------------


def test_queue_lists_open_items_with_their_facts(site: Site, analyzer: Analyzer) -> None:
    response = site.client.post(
        "/v1/analyze",
        json={"text": RISKY, "id": "m-1"},
        headers={"Authorization": f"Bearer {site.keys['ingest']}"},
    )
    (review_id,) = response.json()["queued"]
    site.login()
    page = site.client.get("/ui/queue").text
    assert f'href="/ui/review/{review_id}"' in page
    assert "CTL_DOCUMENT_CONFISCATION" in page and "We keep your passport" in page
    level = analyzer.analyze_batch([RISKY])[0].level.value
    assert f"level-{level}" in page
    assert f'href="/ui/review/{review_id}"' not in site.client.get("/ui/queue?status=dismissed").text


def test_dashboard_counts_statuses_cases_and_findings(site: Site) -> None:
    ids = [
        site.enqueue(
            "a", verdict([("OFF_CONTACT", [[0, 1]]), ("CTL_DEBT_BONDAGE", [[0, 1]])], language="en")
        ),
        site.enqueue("b", verdict([("OFF_CONTACT", [[0, 1]])], language="bn")),
        site.enqueue("c", verdict([("OFF_CONTACT", [[0, 1]])], language="bn")),
        site.enqueue("d", verdict([("REC_HIGH_PAY", [[0, 1]])], language="th")),
    ]
    csrf = site.login()
    post = site.client.post
    post(f"/ui/review/{ids[0]}/decision", data={"decision": "confirm", "csrf": csrf})
    post(f"/ui/review/{ids[1]}/decision", data={"decision": "dismiss", "reason": "news", "csrf": csrf})
    post(f"/ui/review/{ids[2]}/decision", data={"decision": "escalate", "case_id": "new", "csrf": csrf})
    page = site.client.get("/ui/dashboard")
    assert page.status_code == 200
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page.text))
    assert counts == {"open": "1", "confirmed": "1", "dismissed": "1", "escalated": "1", "cases": "1"}
    bars = dict(re.findall(r"<title>([^<]+): (\d+)</title>", page.text))
    assert bars["OFF_CONTACT"] == "3" and bars["CTL_DEBT_BONDAGE"] == "1" and bars["REC_HIGH_PAY"] == "1"
    assert bars["bn"] == "2" and bars["en"] == "1" and bars["th"] == "1"
    week = charts.iso_week(datetime.now(UTC))
    assert bars[week] == "4"
    assert page.text.count("<svg") == 3 and "<script" not in page.text


def _record(n: int, created: datetime, indicators: tuple[str, ...], language: str) -> ReviewRecord:
    return ReviewRecord(
        id=n,
        item_id=str(n),
        kind="message",
        text="",
        messages=None,
        verdict={},
        level="high",
        risk=0.8,
        language=language,
        indicators=indicators,
        status="open",
        reason=None,
        decided_by=None,
        decided_at=None,
        case_id=None,
        created_at=created,
    )


def test_findings_are_counted_per_indicator_language_and_iso_week_with_empty_weeks() -> None:
    records = [
        _record(1, datetime(2024, 12, 30, tzinfo=UTC), ("A", "B"), "en"),  # ISO 2025-W01
        _record(2, datetime(2025, 1, 5, tzinfo=UTC), ("A",), "bn"),  # still 2025-W01 (Sunday)
        _record(3, datetime(2025, 1, 20, tzinfo=UTC), ("A",), "bn"),  # 2025-W04
    ]
    found = charts.count_findings(records)
    assert found.by_indicator == [("A", 3), ("B", 1)]
    assert found.by_language == [("bn", 2), ("en", 1)]
    assert found.by_week == [("2025-W01", 2), ("2025-W02", 0), ("2025-W03", 0), ("2025-W04", 1)]
    chart = charts.bar_chart("t", found.by_indicator, width=400, label_width=100)
    assert [b.width for b in chart.bars] == [400 - 100 - 48, (400 - 100 - 48) / 3]
    assert charts.bar_chart("empty", []).bars == ()
