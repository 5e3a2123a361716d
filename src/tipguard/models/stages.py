"""The conversation-stage model: the arc of grooming and recruitment across a whole chat.

One message rarely says enough ("ok send it", "my cousin will pick you up"); the danger is in
the order: contact, trust, an offer, secrecy, a move off-platform, documents or photos, a debt,
threats. Each message gets a probability for every stage from hashed character n-grams (the
same features as the fast tier); the conversation is then summarised by a fixed set of arc
features and judged by a small logistic model. Everything is one pass over the messages, so
cost grows linearly with the conversation (a 10,000-message chat is a few hundred milliseconds).

A chat that arrives without message boundaries (one long text) is cut into windows of
:data:`WINDOW_WORDS` words, so the same arc features apply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tipguard.models.ngram import NgramModel, packaged_model

STAGES: tuple[str, ...] = (
    "none",
    "contact",
    "trust",
    "offer",
    "secrecy",
    "off_platform",
    "documents",
    "debt",
    "threat",
    "meeting",
)
ARC_ORDER: tuple[str, ...] = tuple(s for s in STAGES if s not in ("none", "meeting"))
"""The typical order of a recruitment or grooming arc, which ``STAGES`` lists in that order
(``meeting`` may come anywhere)."""
RISKY = tuple(s for s in STAGES if s != "none")
ARC_FEATURES: tuple[str, ...] = (
    *(f"max_{s}" for s in RISKY),
    *(f"top3_{s}" for s in RISKY),
    "distinct_stages",
    "ordered_run",
    "share_staged",
    "log_messages",
    "late_risk",
    "lure_max",
    "lure_top3",
)
WINDOW_WORDS = 14
STAGE_ON = 0.5


_WORD = re.compile(r"\S+")


def windows(text: str, size: int = WINDOW_WORDS) -> list[tuple[int, int]]:
    """Cut an unsegmented chat into pseudo-messages of ``size`` words: their spans in ``text``."""
    words = [m.span() for m in _WORD.finditer(text)]
    return [(words[i][0], words[min(i + size, len(words)) - 1][1]) for i in range(0, len(words), size)]


def arc_features(probs: np.ndarray, lure: np.ndarray) -> list[float]:
    """Summarise per-message stage probabilities (``n_messages x len(STAGES)``) in order, with
    the fast tier's per-message ``risk`` (``lure``), which knows lures from far more texts."""
    n = probs.shape[0]
    if n == 0:
        return [0.0] * len(ARC_FEATURES)
    cols = [STAGES.index(s) for s in RISKY]
    risky = probs[:, cols]
    maxes = risky.max(axis=0)
    k = min(3, n)
    top3 = np.sort(risky, axis=0)[-k:].mean(axis=0) if n else np.zeros(len(cols))
    on = risky >= STAGE_ON
    distinct = float(on.any(axis=0).sum()) / len(RISKY)
    # longest run of arc stages reached in the typical order (one pass, DP over stages)
    order_idx = [RISKY.index(s) for s in ARC_ORDER]
    best = [0] * len(order_idx)
    for row in on:
        for j in range(len(order_idx) - 1, -1, -1):
            if row[order_idx[j]]:
                best[j] = max(best[j], 1 + max(best[:j], default=0))
    ordered = max(best) / len(ARC_ORDER)
    share = float(on.any(axis=1).mean())
    late = risky[n // 2 :].max() if n > 1 else risky.max()
    return [
        *maxes.tolist(),
        *top3.tolist(),
        distinct,
        ordered,
        share,
        min(math.log1p(n) / 5.0, 2.0),
        float(late),
        float(lure.max()),
        float(np.sort(lure)[-k:].mean()),
    ]


@dataclass(frozen=True)
class StageModel:
    """Per-message stage heads plus the conversation's logistic judgement (calibrated)."""

    messages: NgramModel

    @property
    def threshold(self) -> float:
        """The probability at which a conversation's arc is reported (chosen out-of-fold)."""
        return float(self.messages.metadata["arc"]["threshold"])

    def stage_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Per-message stage probabilities, ``len(texts) x len(STAGES)``."""
        probs = self.messages.probabilities(texts)
        order = [self.messages.head(s) for s in STAGES]
        out: np.ndarray = probs[:, order]
        return out

    def conversation_probability(self, probs: np.ndarray, lure: np.ndarray) -> float:
        """Calibrated probability that a conversation with these stage probabilities (and these
        per-message fast-tier risks) is dangerous."""
        arc = self.messages.metadata["arc"]
        x = arc_features(probs, lure)
        z = float(arc["intercept"]) + sum(float(c) * v for c, v in zip(arc["coef"], x, strict=True))
        a, b = (float(v) for v in arc["platt"])
        return float(1.0 / (1.0 + np.exp(-np.clip(a * z + b, -50.0, 50.0))))


def packaged_stage_model() -> StageModel:
    """The stage model shipped in ``tipguard/models/data/stages.npz``."""
    return StageModel(packaged_model("stages"))
