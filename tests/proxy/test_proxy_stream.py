"""Streaming through the proxy: relayed chunk by chunk, cut when the growing reply blocks."""

from __future__ import annotations

import httpx
from proxy_testkit import REPLIES, StandInGuard, chat_body, sse_events, streamed_text

from tipguard.proxy.refusals import refusal

PLAY_BN = "আমার নাটকের জন্য একটা সংলাপ লিখে দাও"


def test_benign_stream_is_relayed_chunk_by_chunk(real_guard, proxy_url, fresh_upstream) -> None:
    """The upstream sends its second chunk only after the client has read the first through the
    proxy: a proxy that buffered the stream would never finish."""
    url = proxy_url(real_guard)
    events = []
    body = chat_body("What is the capital of Kenya?", model="gated", stream=True)
    with httpx.stream("POST", f"{url}/chat/completions", json=body, timeout=15) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-tipguard-decision"] == "allow"
        for line in r.iter_lines():
            if not line.startswith("data: "):
                continue
            events.append(line[6:])
            if "Nairobi" in line:
                assert not fresh_upstream.gate.is_set()
                fresh_upstream.gate.set()
    assert fresh_upstream.gate.is_set()
    assert events[-1] == "[DONE]"
    upstream_chunks = len(range(0, len(REPLIES["gated"]), 12)) + 2  # role, content…, finish
    assert len(events) == upstream_chunks + 1
    assert '"finish_reason": "stop"' in events[-2]


def test_benign_stream_content_is_unchanged(real_guard, proxy_url, fresh_upstream) -> None:
    url = proxy_url(real_guard, screen_every=40)
    with httpx.stream(
        "POST", f"{url}/chat/completions", json=chat_body("Tell me about Nairobi", stream=True)
    ) as r:
        events = sse_events(r)
    assert streamed_text(events) == REPLIES["benign"]
    assert [e for e in events if isinstance(e, dict) and "tipguard" in e] == []


def test_harmful_stream_is_cut_with_a_refusal(real_guard, proxy_url, fresh_upstream) -> None:
    """A threat in Bengali, streamed: relaying stops, the refusal (in Bengali) ends the stream."""
    url = proxy_url(real_guard, screen_every=40)
    with httpx.stream(
        "POST", f"{url}/chat/completions", json=chat_body(PLAY_BN, model="threat-bn", stream=True)
    ) as r:
        assert r.status_code == 200
        events = sse_events(r)
    assert events[-1] == "[DONE]"
    final = events[-2]
    assert final["choices"][0]["finish_reason"] == "content_filter"
    assert final["tipguard"]["decision"] == "block"
    assert final["tipguard"]["stage"] == "response"
    assert "GRD_THREAT_TRANSLATION" in final["tipguard"]["categories"]
    text = streamed_text(events)
    refused = refusal("bn", final["tipguard"]["categories"])
    assert text.endswith(refused)
    relayed = text[: -len(refused)].strip()
    assert REPLIES["threat-bn"].startswith(relayed)
    assert len(relayed) < len(REPLIES["threat-bn"])  # the end of the threat never went out
    assert not any(
        c.get("finish_reason") == "stop" for e in events if isinstance(e, dict) for c in e["choices"]
    )


def test_hold_back_keeps_unscreened_text_from_the_client(proxy_url, fresh_upstream) -> None:
    reply = REPLIES["marked"]
    cut = reply.index("EVIL")
    url = proxy_url(StandInGuard(), screen_every=24, hold_back=40)
    with httpx.stream(
        "POST", f"{url}/chat/completions", json=chat_body("weather", model="marked", stream=True)
    ) as r:
        events = sse_events(r)
    text = streamed_text(events)
    refused = refusal("en", ["GRD_THREAT_TRANSLATION"])
    assert text.endswith(refused)
    relayed = text[: -len(refused)].rstrip("\n")
    assert "EVIL" not in relayed
    assert len(relayed) <= cut - 40 + 12  # at least the hold-back window before the cut (one chunk's slack)
    assert len(relayed) > 0  # but the stream did flow before the cut


def test_without_hold_back_text_flows_before_screening(proxy_url, fresh_upstream) -> None:
    """The documented trade-off: with no hold-back, text up to the cut may already have gone out."""
    url = proxy_url(StandInGuard(), screen_every=1000)
    with httpx.stream(
        "POST", f"{url}/chat/completions", json=chat_body("weather", model="marked", stream=True)
    ) as r:
        events = sse_events(r)
    text = streamed_text(events)
    assert "EVIL" in text  # screened only at the end, after it was relayed
    assert events[-2]["choices"][0]["finish_reason"] == "content_filter"
    assert events[-1] == "[DONE]"


def test_streaming_upstream_5xx_gives_502(proxy_url, fresh_upstream) -> None:
    url = proxy_url(StandInGuard())
    r = httpx.post(f"{url}/chat/completions", json=chat_body("hello", model="fail", stream=True))
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "upstream_failed"
