"""The plain baseline every learned tier is compared with: character n-gram TF-IDF + logistic regression.

It is trained from the repository on the project's training corpus (``corpora/train``), using
only rows whose canonical split is ``train``; its decision threshold is the one that maximises
F1 on the rows whose canonical split is ``validation``. Nothing of a test split or of an
evaluation-only set touches it. Deterministic (fixed seed, deterministic solver). Needs
scikit-learn (``pip install 'tipguard[train]'``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tipguard.eval.datasets import canonical_split

SEED = 2026


@dataclass(frozen=True)
class Baseline:
    """A fitted baseline and its validation-chosen threshold."""

    pipeline: Any
    threshold: float
    trained_on: int
    validated_on: int

    def predict_proba(self, texts: Sequence[str]) -> list[float]:
        """Probability of the positive class for each text."""
        if not texts:
            return []
        return [float(p) for p in self.pipeline.predict_proba(list(texts))[:, 1]]

    def flags(self, texts: Sequence[str]) -> list[bool]:
        """Decisions at the validation-chosen threshold."""
        return [p >= self.threshold for p in self.predict_proba(texts)]


def corpus_rows(directory: Path) -> list[tuple[str, int]]:
    """(text, label) of every row of every ``*.jsonl`` file in ``directory``."""
    rows = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                rows.append((obj["text"], int(obj["label"])))
    return rows


def _best_threshold(labels: Sequence[int], probs: Sequence[float]) -> float:
    y = np.asarray(labels)
    p = np.asarray(probs)
    best, best_f1 = 0.5, -1.0
    for t in np.unique(p):
        flag = p >= t
        tp = int(np.sum(flag & (y == 1)))
        fp = int(np.sum(flag & (y == 0)))
        fn = int(np.sum(~flag & (y == 1)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    below = p[p < best]
    # halfway to the next score down, so new texts just under the best cut are not lost to chance
    return (best + float(below.max())) / 2 if below.size else best


def train_baseline(directory: Path | Sequence[Path]) -> Baseline:
    """Fit on the canonical ``train`` rows of the corpus folder(s); threshold from ``validation``
    rows. Give the same folders the shipped models train on (``corpora/train`` and
    ``corpora/everyday``) so the comparison is like for like."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
    except ImportError:
        raise ImportError("the baseline needs scikit-learn: pip install 'tipguard[train]'") from None
    directories = [directory] if isinstance(directory, Path) else list(directory)
    rows = [row for d in directories for row in corpus_rows(d)]
    train = [(t, y) for t, y in rows if canonical_split(t) == "train"]
    valid = [(t, y) for t, y in rows if canonical_split(t) == "validation"]
    if len({y for _, y in train}) < 2:
        raise ValueError(f"the corpus in {directories} needs positives and negatives in its train split")
    pipeline = make_pipeline(
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 5), min_df=2, sublinear_tf=True, max_features=300_000
        ),
        LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=SEED),
    )
    pipeline.fit([t for t, _ in train], [y for _, y in train])
    threshold = 0.5
    if len({y for _, y in valid}) == 2:
        probs = pipeline.predict_proba([t for t, _ in valid])[:, 1]
        threshold = _best_threshold([y for _, y in valid], probs)
    return Baseline(pipeline, threshold, len(train), len(valid))
