"""Test kit of the proxy tests: a real local model server (the upstream), a server thread, a
stand-in guard, and helpers to read streamed answers.

The upstream mimics ``/v1/chat/completions`` without and with streaming; the request's
``model`` picks its canned reply, so each test says what the "model" answers. It records every
request it gets, so a test can assert that a blocked chat never reached it.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tipguard.guard import GuardResult

REPLIES = {
    "benign": "Nairobi is the capital of Kenya. It is also the largest city in the country, "
    "with about five million people. The city sits on a high plateau and has a mild climate.",
    # a threat to a worker's family, as a model might write it for "a play"
    "threat-bn": "ঋণের ৩ লাখ টাকা এই সপ্তাহে শোধ না করলে গ্রামে তোর মা-বাবার ক্ষতি হবে। "
    "পাসপোর্ট আমাদের কাছে আছে, পালানোর চেষ্টা করলে পুলিশে দিয়ে দেব। "
    "কাউকে বললে তোর বোনকে তুলে নিয়ে যাব।",
    "marked": "The weather is fine today and the sea is calm. We walked along the beach for an hour. "
    "Then EVIL happened here and more text follows after it, a lot more text.",
}
CHUNK = 12
"""Characters per streamed content chunk."""


@dataclass
class Upstream:
    """The fake model server's state, shared with the tests."""

    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def canned(self, model: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-upstream-1",
            "object": "chat.completion",
            "created": 1700000000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": REPLIES.get(model, "OK.")},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
            "system_fingerprint": "fp_upstream",
        }


def canned_bytes(upstream: Upstream, model: str) -> bytes:
    return json.dumps(upstream.canned(model), ensure_ascii=False).encode("utf-8")


def upstream_app(state: Upstream) -> Starlette:
    async def chat(request: Request) -> Response:
        body = await request.body()
        data = json.loads(body)
        state.requests.append({"path": request.url.path, "headers": dict(request.headers), "body": body})
        model = data.get("model", "")
        if model == "fail":
            return JSONResponse({"error": {"message": "boom", "type": "server_error"}}, status_code=500)
        if model == "slow":
            await asyncio.sleep(3)
        if model == "unknown-model":
            return JSONResponse({"error": {"message": "no such model", "code": "model_not_found"}}, 404)
        if not data.get("stream"):
            return Response(canned_bytes(state, model), media_type="application/json")
        text = REPLIES.get(model, "OK.")

        def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
            obj = {
                "id": "chatcmpl-upstream-2",
                "object": "chat.completion.chunk",
                "created": 1700000000,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return b"data: " + json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n\n"

        async def stream() -> Any:
            yield event({"role": "assistant", "content": ""})
            for n, start in enumerate(range(0, len(text), CHUNK)):
                if n == 1 and model == "gated":
                    # wait until the test has seen the first chunk through the proxy
                    await asyncio.to_thread(state.gate.wait, 10)
                yield event({"content": text[start : start + CHUNK]})
                await asyncio.sleep(0)
            yield event({}, "stop")
            yield b"data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def models(request: Request) -> Response:
        state.requests.append({"path": request.url.path, "headers": dict(request.headers), "body": b""})
        return JSONResponse(
            {"object": "list", "data": [{"id": "benign", "object": "model"}], "query": request.url.query}
        )

    return Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
        ]
    )


REPLIES["gated"] = REPLIES["benign"]


class ServerThread:
    """uvicorn serving an ASGI app on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", ws="none", http="h11", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


class StandInGuard:
    """A guard with the real ``check`` signature whose decisions the test fixes by marker words:
    ``BLOCKME``/``FLAGME`` in the prompt, ``EVIL`` in the response."""

    def __init__(self, language: str = "en", delay: float = 0.0) -> None:
        self.language = language
        self.delay = delay
        self.calls: list[tuple[str, str | None]] = []

    def check(
        self,
        prompt: str,
        response: str | None = None,
        history: Sequence[str] | None = None,
        item_id: str | None = None,
    ) -> GuardResult:
        self.calls.append((prompt, response))
        if self.delay:
            time.sleep(self.delay)
        if "BLOCKME" in prompt:
            return GuardResult("block", ("GRD_PERSONA_SCRIPT",), language=self.language, id=item_id)
        if response is not None and "EVIL" in response:
            return GuardResult("block", ("GRD_THREAT_TRANSLATION",), language=self.language, id=item_id)
        if "FLAGME" in prompt:
            return GuardResult("flag", ("GRD_PROCEEDS",), language=self.language, id=item_id)
        return GuardResult("allow", language=self.language, id=item_id)


def chat_body(prompt: str, model: str = "benign", stream: bool = False, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": stream, **extra}


def sse_events(response: httpx.Response) -> list[Any]:
    """The data of every event of a streamed answer (``"[DONE]"`` as a string)."""
    out: list[Any] = []
    for line in response.iter_lines():
        if line.startswith("data: "):
            data = line[6:]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def streamed_text(events: list[Any]) -> str:
    return "".join(
        c["delta"].get("content") or "" for e in events if isinstance(e, dict) for c in e.get("choices", [])
    )
