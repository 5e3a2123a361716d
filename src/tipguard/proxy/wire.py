"""The OpenAI chat-completions wire format, as far as the proxy needs it.

The proxy reads a request only to find the user's words; it forwards the original bytes, so
fields it does not know (tools, response formats, vendor extensions) reach the model unchanged.
What it writes itself (a refusal, an error) has the shape OpenAI clients already parse, plus a
``tipguard`` field that those clients ignore and other callers can read.

Whose words are screened: the **last user message** is the prompt and the **earlier user
messages** are the history (a request split across turns). Assistant and tool messages are the
model's and the tools' words, not the user's. System (and developer) messages are the
application's instructions: by default they are not screened, because an application's long
system prompt is not a request and would only add false alarms; when the callers of the proxy
set the system message themselves (the proxy is exposed to untrusted clients), set
``screen_system`` and system messages join the history, so a payload hidden there still scores.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tipguard.errors import InputError

SYSTEM_ROLES = frozenset({"system", "developer"})
DONE = b"data: [DONE]\n\n"


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What the guard needs from a chat-completions request."""

    prompt: str
    history: tuple[str, ...]
    stream: bool
    model: str


def _content_text(content: object, where: int) -> str:
    """The text of one message's ``content``: a string, or the text parts of a part list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, dict):
                raise InputError(f"messages[{where}].content parts must be objects")
            text = part.get("text")
            if isinstance(text, str):
                texts.append(text)
        return "\n".join(texts)
    raise InputError(f"messages[{where}].content must be a string, a list of parts or null")


def parse_chat_request(body: bytes, *, screen_system: bool = False) -> ChatRequest:
    """Parse and check a request body; :class:`InputError` (its message quotes no text) if malformed."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the request body is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise InputError("the request body must be a JSON object")
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InputError("'messages' must be a non-empty list")
    stream = data.get("stream", False)
    if not isinstance(stream, bool):
        raise InputError("'stream' must be true or false")
    model = data.get("model", "")
    if not isinstance(model, str):
        raise InputError("'model' must be a string")
    user: list[str] = []
    system: list[str] = []
    for n, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise InputError(f"messages[{n}] must be an object with a 'role'")
        text = _content_text(message.get("content"), n)
        if message["role"] == "user":
            user.append(text)
        elif message["role"] in SYSTEM_ROLES and screen_system:
            system.append(text)
    if not user or not user[-1].strip():
        raise InputError("the request has no user message with text to screen")
    history = tuple(t for t in (*system, *user[:-1]) if t.strip())
    return ChatRequest(user[-1], history, stream, model)


def completion_id() -> str:
    """A fresh id for a completion the proxy writes itself."""
    return f"chatcmpl-tipguard-{uuid.uuid4().hex[:24]}"


def completion(model: str, content: str, finish_reason: str, tipguard: dict[str, Any]) -> dict[str, Any]:
    """A whole ``chat.completion`` object with one assistant message."""
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "tipguard": tipguard,
    }


def chunk(
    ident: str,
    model: str,
    created: int,
    index: int,
    delta: dict[str, Any],
    finish_reason: str | None = None,
    tipguard: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` of a stream."""
    out: dict[str, Any] = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }
    if tipguard is not None:
        out["tipguard"] = tipguard
    return out


def sse(obj: dict[str, Any]) -> bytes:
    """One server-sent event carrying ``obj``."""
    return b"data: " + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n\n"


def refusal_stream(model: str, content: str, tipguard: dict[str, Any]) -> list[bytes]:
    """A whole refusal as a stream: the content, the ``content_filter`` finish, ``[DONE]``."""
    ident, created = completion_id(), int(time.time())
    return [
        sse(chunk(ident, model, created, 0, {"role": "assistant", "content": content})),
        sse(chunk(ident, model, created, 0, {}, "content_filter", tipguard)),
        DONE,
    ]


def error_body(message: str, kind: str, code: str) -> dict[str, Any]:
    """An OpenAI-style error object (``message`` must not quote user text)."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
