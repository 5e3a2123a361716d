"""Bad input gets a clear per-item error or "unknown", never a crash or a lost item."""

from __future__ import annotations

import logging
import os
import random

import pytest

from tipguard import Analyzer, Message


def test_empty_and_blank_texts(analyzer: Analyzer) -> None:
    verdicts = analyzer.analyze_batch(["", "   \n\t", "ok"])
    assert [v.error.code if v.error else None for v in verdicts] == ["empty_input", "empty_input", None]


def test_five_megabyte_line_is_refused_with_its_limit(analyzer: Analyzer) -> None:
    v = analyzer.analyze("x" * 5_000_000)
    assert v.error is not None and v.error.code == "input_too_large"
    assert "200000" in v.error.message


def test_huge_text_is_analysed_when_the_limit_allows() -> None:
    a = Analyzer(max_chars=6_000_000).load()
    text = ("hello there " * 400_000) + "we keep your passport"
    v = a.analyze(text)
    assert v.error is None


def test_binary_garbage_and_control_characters(analyzer: Analyzer) -> None:
    rng = random.Random(7)
    garbage = "".join(chr(rng.randrange(0, 0x10FFFF)) for _ in range(5000))
    garbage = "".join(c for c in garbage if not 0xD800 <= ord(c) <= 0xDFFF)
    controls = "".join(chr(c) for c in range(32)) * 10
    verdicts = analyzer.analyze_batch([garbage, controls, os.urandom(64).decode("latin-1")])
    assert len(verdicts) == 3
    assert all(v.error is None or v.error.code == "empty_input" for v in verdicts)


@pytest.mark.parametrize("text", ["12345 67890", "!!! ??? ...", "🙂🙂🙂", "ꦲꦏ꧀ꦱꦫ", "ᚠᚢᚦᚨᚱᚲ"])
def test_unknown_languages_are_reported_as_unknown(analyzer: Analyzer, text: str) -> None:
    v = analyzer.analyze(text)
    assert v.error is None
    assert v.language == "unknown"


def test_lone_surrogates_do_not_crash(analyzer: Analyzer) -> None:
    v = analyzer.analyze("abc\udcff def")
    assert v.error is None


def test_no_input_text_in_logs(analyzer: Analyzer, caplog: pytest.LogCaptureFixture) -> None:
    secret = "SECRET-VICTIM-NAME-4711"
    with caplog.at_level(logging.DEBUG, logger="tipguard"):
        analyzer.analyze_batch(
            [Message(secret, id="i1"), Message("", id="i2"), Message(secret * 100_000, id="i3")]
        )
    assert secret not in caplog.text
