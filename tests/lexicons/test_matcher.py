"""The lexicon engine on a small lexicon written for these tests."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from tipguard import Analyzer
from tipguard.errors import LexiconError
from tipguard.lexicons.loader import build_index, load_file, load_shared
from tipguard.lexicons.matcher import LexiconIndex, matching_view
from tipguard.normalize import normalize

LEXICON = {
    "language": "en",
    "name": "English (test)",
    "license": "Apache-2.0",
    "sets": {"job": ["cleaner", "waitress"]},
    "rules": [
        {
            "id": "fee",
            "indicator": "REC_FEE",
            "score": 0.6,
            "any": ["pay a fee", "deposit of {num}", "recruit*"],
        },
        {
            "id": "kept",
            "indicator": "CTL_DOCUMENT_CONFISCATION",
            "score": 0.85,
            "all": [["passport*"], ["we keep", "we hold"]],
            "window": 40,
            "unless": ["never"],
        },
        {"id": "move", "indicator": "OFF_PLATFORM_MOVE", "score": 0.3, "all": [["add me on"], ["@platform"]]},
        {"id": "abroad_job", "indicator": "REC_SCAM_COMPOUND", "score": 0.4, "all": [["@job"], ["@abroad"]]},
        {"id": "thai", "indicator": "REC_URGENCY", "score": 0.3, "any": ["ด่วนมาก"]},
        {"id": "agglutinative", "indicator": "REC_DOCUMENT_REQUEST", "score": 0.5, "any": ["*pasipoti"]},
    ],
    "context": [
        {"id": "hotline", "kind": "awareness", "damp": 0.3, "any": ["hotline"]},
        {
            "id": "honest",
            "kind": "honest_recruitment",
            "damp": 0.2,
            "applies_to": ["REC_FEE"],
            "any": ["licensed agency"],
        },
    ],
}


def write_lexicon(tmp_path: Path, data: dict) -> Path:
    shared = load_shared()
    (tmp_path / "_shared.yaml").write_text(
        yaml.safe_dump({"license": shared.license, "sets": shared.sets}, allow_unicode=True), "utf-8"
    )
    (tmp_path / f"{data['language']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


@pytest.fixture
def test_analyzer(tmp_path: Path) -> Analyzer:
    return Analyzer(lexicon_dir=write_lexicon(tmp_path, LEXICON)).load()


def fired(analyzer: Analyzer, text: str) -> dict[str, float]:
    return {f.indicator: f.score for f in analyzer.analyze(text).findings}


def test_any_rule_fires_with_spans_in_the_original(test_analyzer: Analyzer) -> None:
    text = "You must PAY  A   FEE first"
    v = test_analyzer.analyze(text)
    (f,) = [f for f in v.findings if f.indicator == "REC_FEE"]
    assert text[f.spans[0].start : f.spans[0].end] == "PAY  A   FEE"


def test_whole_words_only_unless_wildcard(test_analyzer: Analyzer) -> None:
    assert "REC_FEE" not in fired(test_analyzer, "they prepay a feeder")
    assert "REC_FEE" in fired(test_analyzer, "recruitment open")
    assert "REC_DOCUMENT_REQUEST" in fired(test_analyzer, "tuma nakala ya mpasipoti")


def test_number_placeholder_matches_any_amount(test_analyzer: Analyzer) -> None:
    for amount in ("500", "1,500", "3.000", "１５００"):
        assert "REC_FEE" in fired(test_analyzer, f"a deposit of {amount} is needed")


def test_all_groups_must_be_within_window(test_analyzer: Analyzer) -> None:
    assert "CTL_DOCUMENT_CONFISCATION" in fired(test_analyzer, "we keep your passports")
    far = "we keep " + "x " * 40 + "passport"
    assert "CTL_DOCUMENT_CONFISCATION" not in fired(test_analyzer, far)


def test_unless_voids_the_rule(test_analyzer: Analyzer) -> None:
    assert "CTL_DOCUMENT_CONFISCATION" not in fired(test_analyzer, "we never keep passports, we hold none")


def test_shared_and_local_sets(test_analyzer: Analyzer) -> None:
    assert "OFF_PLATFORM_MOVE" in fired(test_analyzer, "add me on t.e.l.e.g.r.a.m")
    assert "REC_SCAM_COMPOUND" in fired(test_analyzer, "cleaner wanted in Dubai")


def test_dense_scripts_match_without_word_boundaries(test_analyzer: Analyzer) -> None:
    assert "REC_URGENCY" in fired(test_analyzer, "รับสมัครด่วนมากค่ะ")


def test_context_damps_scores_and_is_recorded(test_analyzer: Analyzer) -> None:
    plain = fired(test_analyzer, "pay a fee")["REC_FEE"]
    v = test_analyzer.analyze("licensed agency: you never pay a fee")
    (f,) = [f for f in v.findings if f.indicator == "REC_FEE"]
    assert f.score == pytest.approx(plain * 0.2, abs=1e-3)
    assert any(e.kind == "context" and e.ref == "en:honest" for e in f.evidence)
    # applies_to limits a context to some indicators
    v = test_analyzer.analyze("licensed agency. we keep your passport")
    assert fired(test_analyzer, "we keep your passport")["CTL_DOCUMENT_CONFISCATION"] == pytest.approx(
        next(f.score for f in v.findings if f.indicator == "CTL_DOCUMENT_CONFISCATION")
    )


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"rules": [{"id": "x", "indicator": "NOPE", "score": 0.5, "any": ["a b"]}]},
            "not a lexicon indicator",
        ),
        ({"rules": [{"id": "x", "indicator": "REC_FEE", "score": 1.5, "any": ["a b"]}]}, "score"),
        ({"rules": [{"id": "x", "indicator": "REC_FEE", "score": 0.5}]}, "exactly one of"),
        ({"rules": [{"id": "x", "indicator": "REC_FEE", "score": 0.5, "all": [["a"]]}]}, "two or more"),
        ({"rules": [{"id": "x", "indicator": "REC_FEE", "score": 0.5, "any": ["a"], "colour": 1}]}, "colour"),
        (
            {
                "rules": [
                    {"id": "x", "indicator": "REC_FEE", "score": 0.5, "any": ["a"]},
                    {"id": "x", "indicator": "REC_FEE", "score": 0.5, "any": ["b"]},
                ]
            },
            "duplicate",
        ),
        ({"language": "fr"}, "does not match the file name"),
    ],
)
def test_malformed_files_are_rejected_with_the_reason(tmp_path: Path, patch: dict, message: str) -> None:
    data = {**LEXICON, **patch}
    path = tmp_path / "en.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(LexiconError, match=message):
        load_file(path)


def test_unknown_set_is_an_error(tmp_path: Path) -> None:
    data = {**LEXICON, "rules": [{"id": "x", "indicator": "REC_FEE", "score": 0.5, "any": ["@nope"]}]}
    with pytest.raises(LexiconError, match="unknown term set @nope"):
        build_index(["en"], directory=write_lexicon(tmp_path, data))


def test_matching_view_maps_back(tmp_path: Path) -> None:
    original = "Pagá  el depósito de 1.500 dólares"
    n = normalize(original)
    view, offsets = matching_view(n.text)
    assert "deposito de \ue000 dolares" in view
    from tipguard.normalize.offsets import map_span

    i = view.index("\ue000")
    s, e = map_span(offsets, i, i + 1, len(n.text))
    assert n.text[s:e] == "1.500"


def test_empty_index_finds_nothing() -> None:
    index = LexiconIndex.build([], {})
    assert index.scan("anything at all").matches == ()


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 100_000,
        "pay a " * 20_000,
        "passport " * 12_000,
        ("we keep " * 50 + "x ") * 400,
        "t e l e g r a m " * 6_000,
        "1 " * 50_000,
        "zero one two three " * 5_000,
        "\u200b" * 100_000,
        "é" * 100_000,
        "ศูนย์" * 20_000,
        "@" * 100_000,
        "a.a.a.a.a" * 10_000,
    ],
)
def test_hostile_input_takes_bounded_time_per_kb(analyzer: Analyzer, hostile: str) -> None:
    """Worst case stays within a fixed budget per KB (about 100x the typical cost)."""
    start = time.perf_counter()
    verdict = analyzer.analyze(hostile)
    elapsed = time.perf_counter() - start
    kb = len(hostile.encode()) / 1024
    assert verdict.error is None
    assert elapsed / kb < 0.02, f"{elapsed / kb * 1000:.1f} ms per KB"
