"""The conversation-arc detector: whole conversations, spans on messages, linear cost."""

from __future__ import annotations

import itertools
import time

import numpy as np

from tipguard import Analyzer
from tipguard.items import Conversation, ConversationMessage
from tipguard.models.stages import ARC_FEATURES, STAGES, arc_features, windows

DANGEROUS = [
    "hi dear, saw your post in the jobs group, still looking for work?",
    "yes i am",
    "my friend's salon in Dubai needs girls, salary 2000 dollars, room and food free",
    "no experience needed, you are pretty, you will learn fast",
    "add me on whatsapp, i don't come here much",
    "send a copy of your passport and two photos, one full body",
    "the boss pays the ticket and visa, later he takes it from your salary",
    "don't tell your family the details, say it is a shop job",
    "ok",
]
ORDINARY = [
    "hey are we still on for dinner saturday?",
    "yes! 7pm at the thai place",
    "great, should i book a table?",
    "already did, see you there",
    "ok",
]


def conv(texts: list[str]) -> Conversation:
    return Conversation(tuple(ConversationMessage(t) for t in texts))


def test_a_dangerous_arc_is_found_and_an_ordinary_chat_is_not() -> None:
    analyzer = Analyzer()
    bad, good = analyzer.analyze_batch([conv(DANGEROUS), conv(ORDINARY)])
    arc = [f for f in bad.findings if f.indicator == "REC_GROOMING_ARC"]
    assert arc and arc[0].score >= 0.5
    assert all(s.message is not None and 0 <= s.message < len(DANGEROUS) for s in arc[0].spans)
    assert bad.risk >= arc[0].score
    assert not [f for f in good.findings if f.indicator == "REC_GROOMING_ARC"]


def test_messages_do_not_get_an_arc() -> None:
    verdict = Analyzer().analyze(" ".join(DANGEROUS[:3]))
    assert not [f for f in verdict.findings if f.indicator == "REC_GROOMING_ARC"]
    assert not verdict.failures  # a profile's conversation-only detector is not a failure


def test_arc_features_are_linear_and_bounded() -> None:
    rng = np.random.default_rng(1)
    probs = rng.random((10_000, len(STAGES)))
    start = time.perf_counter()
    x = arc_features(probs, rng.random(10_000))
    assert time.perf_counter() - start < 2.0
    assert len(x) == len(ARC_FEATURES) and all(np.isfinite(x))
    assert arc_features(np.zeros((0, len(STAGES))), np.zeros(0)) == [0.0] * len(ARC_FEATURES)


def test_a_long_conversation_is_fine() -> None:
    long = conv([*(ORDINARY * 400), *DANGEROUS])  # 2,009 messages
    start = time.perf_counter()
    verdict = Analyzer().analyze(long)
    assert time.perf_counter() - start < 30
    assert verdict.error is None


def test_unsegmented_chat_is_windowed() -> None:
    text = " ".join(DANGEROUS)
    spans = windows(text)
    assert len(spans) > 1 and spans[0][0] == 0 and spans[-1][1] == len(text)
    assert " ".join(text[s:e] for s, e in spans).split() == text.split()
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    verdict = Analyzer().analyze(conv([text]))
    for f in verdict.findings:
        for s in f.spans:
            assert 0 <= s.start <= s.end <= len(text)
