"""Guard requests from JSONL: every bad line is reported with a reason, the rest go on."""

from __future__ import annotations

from tipguard.guard.requests import read_requests


def test_good_and_bad_lines() -> None:
    lines = [
        b'{"id": "a", "text": "hello there", "response": "hi", "history": ["earlier"]}',
        b"",
        b"not json",
        b'{"text": ""}',
        b'{"text": "x", "response": 5}',
        b'{"text": "x", "history": "not a list"}',
        b'["a list"]',
        '{"text": "caf\u00e9"}'.encode("latin-1"),
    ]
    out = list(read_requests(lines))
    assert [r.line for r in out] == [1, 3, 4, 5, 6, 7, 8]
    first = out[0]
    assert (first.id, first.prompt, first.response, first.history, first.error) == (
        "a",
        "hello there",
        "hi",
        ("earlier",),
        None,
    )
    codes = [r.error.split(":")[0] for r in out[1:] if r.error]
    assert codes == [
        "invalid_json",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "decode_error",
    ]
    assert all("café" not in (r.error or "") for r in out)  # no input text in reasons
