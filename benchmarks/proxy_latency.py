"""What `tipguard proxy` adds to a chat request, against a local model server that answers at once.

    .venv/bin/python benchmarks/proxy_latency.py [--n 500] [--seed 2026]

Writes ``reports/proxy-latency.md`` and ``.json``. The upstream (a tiny Starlette app) and the
proxy (the real app with the packaged guard) each run in their own process under uvicorn on
loopback; this process sends N non-streaming chat requests one at a time, each prompt once
directly to the upstream and once through the proxy (alternating which goes first), after a
warm-up. Prompts are benign (a blocked prompt never reaches the upstream, so it would measure a
refusal, not the added cost): the project's benign guard prompts and everyday messages of every
language, drawn with a fixed seed (``corpora/guard``, ``corpora/general``; any split: this
measures speed, not quality). Through the proxy a request costs a prompt check, the upstream
round trip, and a check of the reply; the guard's own time per check is measured separately,
in this process, on the same prompts.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import socket
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, stamp, write_report

REPLY = "Nairobi is the capital of Kenya. It is also the largest city in the country."
TARGET_MS = 15.0
"""Issue 4: the proxy adds at most this much at p50."""


def build_prompts(n: int, seed: int) -> list[tuple[str, str]]:
    """(language, prompt) pairs: benign guard prompts and everyday messages, many languages."""
    rng = random.Random(seed)
    pool: list[tuple[str, str]] = []
    for folder in ("guard", "general"):
        for path in sorted((ROOT / "corpora" / folder).glob("*.jsonl")):
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    if int(row.get("label", 0)) == 0 and row["text"].strip():
                        pool.append((path.stem, row["text"]))
    rng.shuffle(pool)
    return pool[:n]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_upstream(port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "bench",
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 16, "total_tokens": 26},
        }
    ).encode()

    async def chat(request: Request) -> Response:
        await request.body()
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none")


def _serve_proxy(port: int, upstream: str) -> None:
    import uvicorn

    from tipguard.guard import Guard
    from tipguard.proxy import ProxyConfig, create_app

    guard = Guard().load()
    guard.check("warm-up")
    app = create_app(ProxyConfig(upstream), guard)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none")


def _wait(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.post(url, json={"model": "x", "messages": [{"role": "user", "content": "ping"}]}, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _pcts(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(q[49], 2),
        "p90": round(q[89], 2),
        "p99": round(q[98], 2),
        "mean": round(statistics.fmean(ms), 2),
    }


def _row(label: str, s: dict[str, float]) -> str:
    return f"| {label} | {s['p50']} | {s['p90']} | {s['p99']} | {s['mean']} |"


def _post(client: httpx.Client, url: str, prompt: str) -> float:
    body = {"model": "bench", "messages": [{"role": "user", "content": prompt}]}
    started = time.perf_counter()
    r = client.post(url, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code} from {url}")
    return elapsed


def guard_cost(prompts: list[str]) -> dict[str, Any]:
    """The guard alone, in this process: a prompt check, and a check of prompt plus reply."""
    from tipguard.guard import Guard

    guard = Guard().load()
    guard.check("warm-up")
    prompt_ms, reply_ms, decisions = [], [], Counter()
    for p in prompts:
        t = time.perf_counter()
        decisions[guard.check(p).decision] += 1
        prompt_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        guard.check(p, response=REPLY)
        reply_ms.append((time.perf_counter() - t) * 1000)
    return {
        "prompt_check_ms": _pcts(prompt_ms),
        "reply_check_ms": _pcts(reply_ms),
        "decisions": dict(decisions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    sample = build_prompts(args.n + args.warmup, args.seed)
    warm, sample = sample[: args.warmup], sample[args.warmup :]
    prompts = [p for _, p in sample]
    ctx = mp.get_context("spawn")
    up_port, proxy_port = _free_port(), _free_port()
    up = ctx.Process(target=_serve_upstream, args=(up_port,), daemon=True)
    up.start()
    direct_url = f"http://127.0.0.1:{up_port}/v1/chat/completions"
    _wait(direct_url)
    px = ctx.Process(target=_serve_proxy, args=(proxy_port, f"http://127.0.0.1:{up_port}/v1"), daemon=True)
    px.start()
    proxy_url = f"http://127.0.0.1:{proxy_port}/v1/chat/completions"
    try:
        _wait(proxy_url)
        direct, through, blocked = [], [], 0
        with httpx.Client(timeout=60) as client:
            for _, p in warm:
                _post(client, direct_url, p)
                _post(client, proxy_url, p)
            for n, p in enumerate(prompts):
                order = (direct_url, proxy_url) if n % 2 == 0 else (proxy_url, direct_url)
                times = {u: _post(client, u, p) for u in order}
                direct.append(times[direct_url])
                through.append(times[proxy_url])
        # the proxy answers a blocked prompt itself; count them so the reader knows the mix
        with httpx.Client(timeout=60) as client:
            for p in prompts[:50]:
                r = client.post(
                    proxy_url, json={"model": "bench", "messages": [{"role": "user", "content": p}]}
                )
                blocked += r.headers.get("x-tipguard-decision") == "block"
    finally:
        px.terminate()
        up.terminate()
        px.join(10)
        up.join(10)
    guard = guard_cost(prompts)
    d, t = _pcts(direct), _pcts(through)
    diffs = [b - a for a, b in zip(direct, through, strict=True)]
    added = {
        "p50": round(t["p50"] - d["p50"], 2),
        "p99": round(t["p99"] - d["p99"], 2),
        "median_of_paired_differences": round(statistics.median(diffs), 2),
    }
    langs = Counter(lang for lang, _ in sample)
    lengths = [len(p) for p in prompts]
    data = {
        **stamp(),
        "command": "benchmarks/proxy_latency.py " + " ".join(sys.argv[1:]),
        "n": len(prompts),
        "languages": len(langs),
        "prompt_chars": {"median": statistics.median(lengths), "max": max(lengths)},
        "direct_ms": d,
        "proxy_ms": t,
        "added_ms": added,
        "target_added_p50_ms": TARGET_MS,
        "meets_target": added["p50"] <= TARGET_MS,
        "guard": guard,
        "blocked_of_first_50": blocked,
    }
    g = guard
    md = f"""# `tipguard proxy`: added latency

{data["generated"]}, tipguard {data["tipguard_version"]} ({data["commit"]}), Python {data["python"]},
{data["machine"]}. Command: `.venv/bin/python {data["command"]}`.

{data["n"]} non-streaming chat requests, one at a time on loopback, each sent directly to a local
upstream that answers at once and through the proxy (real packaged guard; the prompt is checked
before forwarding, the reply after). Prompts: benign guard prompts and everyday messages in
{data["languages"]} languages, median {data["prompt_chars"]["median"]} characters (max
{data["prompt_chars"]["max"]}). Upstream, proxy and client are three processes on the same machine.

| ms | p50 | p90 | p99 | mean |
|---|---|---|---|---|
{_row("direct to the upstream", d)}
{_row("through the proxy", t)}

**Added by the proxy: {added["p50"]} ms at p50, {added["p99"]} ms at p99** (median of the paired
differences {added["median_of_paired_differences"]} ms). Target (issue 4): at most {TARGET_MS:g} ms at
p50 — {"met" if data["meets_target"] else "NOT met"}.

The guard alone, in one process, on the same prompts (what most of the added time is):

| ms | p50 | p90 | p99 | mean |
|---|---|---|---|---|
{_row("`guard.check(prompt)`", g["prompt_check_ms"])}
{_row("`guard.check(prompt, response=reply)`", g["reply_check_ms"])}

Guard decisions on these prompts: {g["decisions"]}. A request through the proxy runs both checks,
one after the other, plus one more HTTP hop on loopback; the rest is the proxy's own overhead.
"""
    write_report("proxy-latency", data, md)
    print(md)


if __name__ == "__main__":
    main()
