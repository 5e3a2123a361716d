"""The Analyzer: configuration, batches, conversations, threads, failures, bad input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import pytest

from tipguard import (
    Analyzer,
    AnalyzerConfig,
    ConfigError,
    Conversation,
    ConversationMessage,
    Level,
    Message,
    UnknownDetectorError,
)
from tipguard.config import load_config
from tipguard.detectors.base import Detector
from tipguard.io.serialize import verdict_to_dict
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Finding

RISKY = (
    "We keep your passport until you repay the ticket. "
    "If you run away your family will pay. Add me on telegram: @boss_kh"
)


def test_default_profile_is_standard_with_the_calibrated_scorer() -> None:
    analyzer = Analyzer()
    assert analyzer.config.detector_names == ("lexicon", "off_platform", "ngram", "arc")
    assert analyzer.scorer.calibrated and analyzer.analyze("hello").calibrated


def test_fast_profile_keeps_the_interim_rule() -> None:
    analyzer = Analyzer(profile="fast")
    assert analyzer.config.detector_names == ("lexicon", "off_platform")
    assert not analyzer.scorer.calibrated and not analyzer.analyze("hello").calibrated
    assert Analyzer(profile="fast", scorer="calibrated").scorer.calibrated


def test_config_from_env_file_and_kwargs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tipguard.toml"
    path.write_text("[tipguard]\nmax_chars = 1000\nmin_language_confidence = 0.4\n", "utf-8")
    monkeypatch.setenv("TIPGUARD_MAX_CHARS", "2000")
    cfg = load_config(path)
    assert cfg.max_chars == 2000  # environment beats the file
    assert cfg.min_language_confidence == 0.4
    assert load_config(path, max_chars=3000).max_chars == 3000  # keyword beats environment
    monkeypatch.setenv("TIPGUARD_DETECTORS", "lexicon")
    assert Analyzer.from_file(str(path)).config.detector_names == ("lexicon",)


def test_yaml_config_file(tmp_path: Path) -> None:
    path = tmp_path / "tipguard.yaml"
    path.write_text("profile: fast\non_error: raise\n", "utf-8")
    assert Analyzer.from_file(str(path)).config.on_error == "raise"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"profile": "turbo"}, "unknown profile"),
        ({"max_chars": 0}, "max_chars"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_config_is_a_config_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(**kwargs)


def test_unknown_detector_lists_the_registered_ones() -> None:
    with pytest.raises(
        UnknownDetectorError, match="registered: \\['arc', 'encoder', 'lexicon', 'ngram', 'off_platform'\\]"
    ):
        Analyzer(detectors=("lexicon", "nope"))


def test_config_digest_is_stable_and_sensitive() -> None:
    assert AnalyzerConfig().digest() == AnalyzerConfig().digest()
    assert AnalyzerConfig().digest() != AnalyzerConfig(max_chars=10).digest()


def test_batch_keeps_order_and_ids(analyzer: Analyzer) -> None:
    items = [Message("hello", id="a"), "", Message(RISKY, id="c")]
    verdicts = analyzer.analyze_batch(items)
    assert [v.id for v in verdicts] == ["a", "1", "c"]
    assert verdicts[1].error is not None and verdicts[1].error.code == "empty_input"
    assert verdicts[2].level >= Level.HIGH


def test_batch_equals_singles(analyzer: Analyzer) -> None:
    texts = [RISKY, "see you at dinner", "no experience needed, free visa, leave tomorrow"] * 3
    batch = [replace(v, id="") for v in analyzer.analyze_batch(texts)]
    assert batch == [replace(analyzer.analyze(t), id="") for t in texts]


def test_thread_safe(analyzer: Analyzer) -> None:
    texts = [RISKY, "see you at dinner", "pay the deposit first"] * 30
    expected = [analyzer.analyze(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(analyzer.analyze, texts))
    assert got == expected


def test_verdict_serialises_to_the_output_contract(analyzer: Analyzer) -> None:
    row = verdict_to_dict(analyzer.analyze(Message(RISKY, id="x1")))
    assert row["schema_version"] == "1.0"
    assert {"id", "language", "risk", "level", "findings", "error"} <= set(row)
    assert row["id"] == "x1" and 0 <= row["risk"] <= 1
    assert row["level"] in {"none", "low", "medium", "high", "critical"}
    assert row["calibrated"] is False and "not yet calibrated" in row["note"]
    for f in row["findings"]:
        assert {"indicator", "score", "spans", "detector", "reason"} <= set(f)
        for start, end in f["spans"]:
            assert 0 <= start <= end <= len(RISKY)
    json.dumps(row)


def test_conversation_spans_point_into_messages(analyzer: Analyzer) -> None:
    msgs = (
        ConversationMessage("hi, how are you?", "a", datetime(2026, 1, 1, 10)),
        ConversationMessage("we keep your passport until you pay for the ticket", "a"),
        ConversationMessage("add me on telegram: @boss_kh", "a"),
    )
    v = analyzer.analyze(Conversation(msgs, id="c1"))
    assert v.kind == "conversation"
    assert v.findings
    for f in v.findings:
        for s in f.spans:
            assert s.message is not None
            text = msgs[s.message].text
            assert 0 <= s.start <= s.end <= len(text)
    contact = next(f for f in v.findings if f.indicator == "OFF_CONTACT")
    assert contact.spans[0].message == 2


class _Boom(Detector):
    name: ClassVar[str] = "boom"
    version: ClassVar[str] = "0"
    indicators: ClassVar[tuple[str, ...]] = ("REC_FEE",)

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        raise RuntimeError("exploded")


def test_failing_detector_is_recorded_not_raised(analyzer: Analyzer) -> None:
    a = Analyzer(profile="fast").load()
    a.detectors = (*a.detectors, _Boom())
    v = a.analyze(RISKY)
    assert v.findings  # the other detectors still ran
    assert any(f.detector == "boom@0" and "RuntimeError" in f.reason for f in v.failures)
    assert "exploded" not in json.dumps(verdict_to_dict(v))
    strict = Analyzer(profile="fast", on_error="raise").load()
    strict.detectors = (_Boom(),)
    with pytest.raises(RuntimeError):
        strict.analyze("x y z")


def test_iter_verdicts_streams_in_order(analyzer: Analyzer) -> None:
    items = (Message(f"message {n}", id=str(n)) for n in range(600))
    ids = [v.id for v in analyzer.iter_verdicts(items, batch_size=128)]
    assert ids == [str(n) for n in range(600)]
