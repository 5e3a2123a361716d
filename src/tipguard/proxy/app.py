"""The guard proxy: an OpenAI-compatible endpoint that screens chats on their way to a model.

Point an OpenAI client's ``base_url`` at ``http://<proxy>/v1`` instead of the model server.
``POST /v1/chat/completions`` is screened (the prompt before it is forwarded, the reply before
or while it is relayed); every other ``/v1/*`` path is passed through as it is. Headers,
``Authorization`` included, go to the upstream unchanged and are never logged; neither is any
prompt or reply text.

Decisions: ``allow`` forwards; ``flag`` forwards and says so in ``X-Tipguard-Decision: flag``
and ``X-Tipguard-Categories`` (the chat itself stays untouched, so a client that knows nothing
of tipguard works as before while the operator can log or review it); ``block`` answers with
a policy refusal in the user's language, ``finish_reason: "content_filter"`` and a
``tipguard`` field, without calling the model. A blocked reply is replaced the same way.

Errors have OpenAI's shape: 400 for a malformed request, 413 for an oversized body, 502 when
the upstream cannot be reached or fails (5xx, unreadable answer), 504 when it times out. An
upstream 4xx (a bad key, an unknown model) is the client's own business and is passed back.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import uuid
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tipguard.errors import InputError, InputTooLargeError
from tipguard.proxy.config import ProxyConfig
from tipguard.proxy.screening import GuardLike, Screener, Screening
from tipguard.proxy.stream import StreamRelay
from tipguard.proxy.wire import ChatRequest, completion, error_body, parse_chat_request, refusal_stream, sse

log = logging.getLogger("tipguard.proxy")

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
    }
)
"""Request headers that describe this hop, not the request (httpx sets its own)."""
DROP_FROM_UPSTREAM = HOP_BY_HOP | {"content-encoding", "date", "server"}
"""Response headers that the proxy's own server rewrites (httpx has already decoded the body)."""
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _error(
    status: int, message: str, kind: str, code: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(error_body(message, kind, code), status_code=status, headers=headers)


def _forward_headers(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}


def _back_headers(upstream: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in upstream.headers.items() if k.lower() not in DROP_FROM_UPSTREAM}


def _upstream_failed(exc: httpx.HTTPError) -> Response:
    """502/504 for an upstream that could not be reached or did not answer in time."""
    if isinstance(exc, httpx.TimeoutException):
        return _error(504, "the model server did not answer in time", "upstream_error", "upstream_timeout")
    return _error(
        502,
        f"the model server could not be reached ({type(exc).__name__})",
        "upstream_error",
        "upstream_unreachable",
    )


def _upstream_status(status: int) -> Response:
    return _error(502, f"the model server failed (HTTP {status})", "upstream_error", "upstream_failed")


class GuardProxy:
    """The request handlers, with the upstream client and the screener they share."""

    def __init__(self, config: ProxyConfig, guard: GuardLike | None = None) -> None:
        self.config = config
        self._guard = guard
        self._screener: Screener | None = None
        self._client: httpx.AsyncClient | None = None

    # -- life cycle -------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """Load the guard (off the loop) and open the upstream client; close both at the end."""
        guard = self._guard
        if guard is None:
            guard = await _load_guard()
        self._screener = Screener(
            guard, block_on_flag=self.config.block_on_flag, workers=self.config.guard_workers
        )
        timeout = httpx.Timeout(self.config.timeout)
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
        self._client = httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False)
        try:
            yield
        finally:
            await self._client.aclose()
            self._screener.close()

    @property
    def screener(self) -> Screener:
        if self._screener is None:
            raise RuntimeError("the proxy is not started (use it as an ASGI app with lifespan)")
        return self._screener

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the proxy is not started (use it as an ASGI app with lifespan)")
        return self._client

    def _url(self, path: str, query: str) -> str:
        url = f"{self.config.upstream_base}/{path.lstrip('/')}"
        return f"{url}?{query}" if query else url

    async def _body(self, request: Request) -> bytes | Response:
        body = bytearray()
        async for piece in request.stream():
            body.extend(piece)
            if len(body) > self.config.max_body_bytes:
                return _error(
                    413,
                    f"the request body is over {self.config.max_body_bytes} bytes",
                    "invalid_request_error",
                    "request_too_large",
                )
        return bytes(body)

    # -- handlers ---------------------------------------------------------------------------

    async def health(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def passthrough(self, request: Request) -> Response:
        """Any other ``/v1/*`` call (``/v1/models``, embeddings…), forwarded unscreened."""
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        try:
            upstream = await self.client.request(
                request.method,
                self._url(request.path_params["path"], request.url.query),
                headers=_forward_headers(request),
                content=body,
            )
        except httpx.HTTPError as exc:
            return _upstream_failed(exc)
        if upstream.status_code >= 500:
            return _upstream_status(upstream.status_code)
        return Response(upstream.content, upstream.status_code, headers=_back_headers(upstream))

    async def chat(self, request: Request) -> Response:
        """``POST /v1/chat/completions``: screen, forward or refuse, screen the reply."""
        item_id = uuid.uuid4().hex[:16]
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        try:
            chat = parse_chat_request(body, screen_system=self.config.screen_system)
            screening = await self.screener.request(chat, item_id)
        except InputTooLargeError:
            return _error(
                400, "the prompt is over the guard's size limit", "invalid_request_error", "prompt_too_large"
            )
        except InputError as exc:
            return _error(400, str(exc), "invalid_request_error", "invalid_request")
        if screening.blocked:
            return self._refuse(chat, screening)
        url = self._url("chat/completions", request.url.query)
        upstream_request = self.client.build_request(
            "POST", url, headers=_forward_headers(request), content=body
        )
        try:
            upstream = await self.client.send(upstream_request, stream=True)
        except httpx.HTTPError as exc:
            return _upstream_failed(exc)
        kind = upstream.headers.get("content-type", "")
        if upstream.status_code == 200 and chat.stream and kind.startswith("text/event-stream"):
            return self._relay(chat, screening, upstream, item_id)
        try:
            content = await upstream.aread()
        except httpx.HTTPError as exc:
            return _upstream_failed(exc)
        finally:
            await upstream.aclose()
        if upstream.status_code >= 500:
            return _upstream_status(upstream.status_code)
        if upstream.status_code != 200:
            return Response(content, upstream.status_code, headers=_back_headers(upstream))
        return await self._screen_reply(chat, screening, upstream, content, item_id)

    # -- answers ----------------------------------------------------------------------------

    def _refuse(self, chat: ChatRequest, screening: Screening) -> Response:
        text = screening.refusal()
        if chat.stream:
            parts = refusal_stream(chat.model, text, screening.to_dict())
            return StreamingResponse(
                iter(parts),
                media_type="text/event-stream",
                headers={**screening.headers(), **SSE_HEADERS},
            )
        body = completion(chat.model, text, "content_filter", screening.to_dict())
        return JSONResponse(body, headers=screening.headers())

    async def _screen_reply(
        self, chat: ChatRequest, screening: Screening, upstream: httpx.Response, content: bytes, item_id: str
    ) -> Response:
        """A whole reply: pass it back unchanged, or with each blocked choice replaced."""
        try:
            data = json.loads(content)
            choices = data["choices"]
            if not isinstance(choices, list):
                raise TypeError("choices")
        except (ValueError, KeyError, TypeError):
            return _error(
                502,
                "the model server's answer is not a chat completion",
                "upstream_error",
                "upstream_invalid",
            )
        verdict = screening
        replaced = False
        for choice in choices:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                continue
            text = message.get("content")
            if not isinstance(text, str) or not text.strip():
                continue
            result = await self.screener.response(chat, text, item_id)
            if result.blocked:
                message["content"] = result.refusal()
                choice["finish_reason"] = "content_filter"
                replaced = True
                verdict = result
            elif result.decision == "flag" and verdict.decision == "allow":
                verdict = result
        headers = {**_back_headers(upstream), **verdict.headers()}
        if not replaced:
            return Response(content, 200, headers=headers)
        data["tipguard"] = verdict.to_dict()
        headers.pop("content-type", None)
        return JSONResponse(data, headers=headers)

    def _relay(
        self, chat: ChatRequest, screening: Screening, upstream: httpx.Response, item_id: str
    ) -> Response:
        """A streamed reply, screened as it grows (see :mod:`tipguard.proxy.stream`)."""
        relay = StreamRelay(
            functools.partial(self.screener.response, chat, item_id=item_id),
            screen_every=self.config.screen_every,
            hold_back=self.config.hold_back,
        )

        async def body() -> AsyncIterator[bytes]:
            try:
                async for piece in relay.run(upstream.aiter_lines()):
                    yield piece
            except httpx.HTTPError as exc:
                code = "upstream_timeout" if isinstance(exc, httpx.TimeoutException) else "upstream_failed"
                log.warning("stream id=%s ended by the upstream (%s)", item_id, type(exc).__name__)
                yield sse(error_body("the model server's stream broke off", "upstream_error", code))
            finally:
                await upstream.aclose()

        headers = {**_back_headers(upstream), **screening.headers(), **SSE_HEADERS}
        headers.pop("content-type", None)
        return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


async def _load_guard() -> GuardLike:
    """The packaged guard, loaded and warmed up on a worker thread."""
    import anyio

    from tipguard.guard import Guard

    def load() -> Guard:
        guard = Guard().load()
        guard.check("warm-up")
        return guard

    return await anyio.to_thread.run_sync(load)


def create_app(config: ProxyConfig, guard: GuardLike | None = None) -> Starlette:
    """The proxy as an ASGI app; ``guard`` defaults to the packaged :class:`~tipguard.guard.Guard`."""
    proxy = GuardProxy(config, guard)
    routes = [
        Route("/healthz", proxy.health, methods=["GET"]),
        Route("/v1/chat/completions", proxy.chat, methods=["POST"]),
        Route(
            "/v1/{path:path}",
            proxy.passthrough,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        ),
    ]
    app = Starlette(routes=routes, lifespan=proxy.lifespan)
    app.state.proxy = proxy
    return app
