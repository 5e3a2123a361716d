"""Reading chat requests: whose words are the prompt, the history, and what is malformed."""

from __future__ import annotations

import json

import pytest

from tipguard.errors import ConfigError, InputError
from tipguard.proxy.config import ProxyConfig
from tipguard.proxy.wire import parse_chat_request, refusal_stream


def _body(messages: list[dict[str, object]], **extra: object) -> bytes:
    return json.dumps({"model": "m", "messages": messages, **extra}).encode()


def test_last_user_message_is_the_prompt_and_earlier_ones_the_history() -> None:
    chat = parse_chat_request(
        _body(
            [
                {"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "one"},
                {"role": "assistant", "content": "model words"},
                {"role": "user", "content": "two"},
                {"role": "assistant", "content": None, "tool_calls": []},
                {"role": "tool", "content": "tool output"},
            ],
            stream=True,
        )
    )
    assert chat.prompt == "two"
    assert chat.history == ("one",)
    assert chat.stream is True
    assert chat.model == "m"


def test_system_messages_join_the_history_only_when_asked() -> None:
    body = _body([{"role": "developer", "content": "sys"}, {"role": "user", "content": "hi"}])
    assert parse_chat_request(body).history == ()
    assert parse_chat_request(body, screen_system=True).history == ("sys",)


def test_text_parts_are_joined_and_other_parts_ignored() -> None:
    content = [
        {"type": "text", "text": "look at this"},
        {"type": "image_url", "image_url": {"url": "data:..."}},
        {"type": "text", "text": "and translate it"},
    ]
    assert parse_chat_request(_body([{"role": "user", "content": content}])).prompt == (
        "look at this\nand translate it"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe",
        b'"text"',
        b'{"messages": []}',
        b'{"messages": "hi"}',
        b'{"messages": [{"role": "user", "content": "  "}]}',
        b'{"messages": [{"role": "user", "content": ["part"]}]}',
        b'{"model": 3, "messages": [{"role": "user", "content": "hi"}]}',
    ],
)
def test_malformed_requests_raise_input_error(body: bytes) -> None:
    with pytest.raises(InputError):
        parse_chat_request(body)


def test_error_messages_never_quote_the_request() -> None:
    with pytest.raises(InputError) as info:
        parse_chat_request(b'{"messages": [{"role": "user", "content": 12345678}], "secret-word": 1')
    assert "secret-word" not in str(info.value)
    assert "12345678" not in str(info.value)


def test_refusal_stream_is_valid_sse() -> None:
    parts = refusal_stream("m", "no", {"decision": "block", "categories": [], "stage": "request"})
    assert parts[-1] == b"data: [DONE]\n\n"
    chunks = [json.loads(p[6:]) for p in parts[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "no"}
    assert chunks[1]["choices"][0]["finish_reason"] == "content_filter"
    assert chunks[0]["id"] == chunks[1]["id"]


@pytest.mark.parametrize(
    "settings",
    [
        {"upstream": "localhost:8000"},
        {"upstream": "ftp://x/v1"},
        {"upstream": "http://x/v1", "timeout": 0},
        {"upstream": "http://x/v1", "hold_back": -1},
        {"upstream": "http://x/v1", "screen_every": 0},
        {"upstream": "http://x/v1", "guard_workers": 0},
    ],
)
def test_bad_settings_are_config_errors(settings: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        ProxyConfig(**settings)  # type: ignore[arg-type]


def test_upstream_base_drops_the_trailing_slash() -> None:
    assert ProxyConfig("http://x:1/v1/").upstream_base == "http://x:1/v1"
