"""Train the conversation-stage model (``src/tipguard/models/data/stages.npz``), fixed seeds.

    .venv/bin/python training/train_stages.py

Run after ``training/train.py``: the arc model reads the fast tier's per-message risk.

Data: ``corpora/conversations/train.jsonl`` only (the project's own synthetic conversations with
a stage label per message). ``corpora/conversations/test.jsonl`` and pan12 are never read.

1. Per-message stage heads: one logistic head per stage over the fast tier's hashed n-grams.
2. Arc features per conversation from OUT-OF-FOLD stage probabilities (folds by conversation),
   so the conversation model learns from stage scores like the ones it will see on new chats.
3. The conversation model: logistic regression on the arc features; its own out-of-fold
   probabilities fit a Platt step and the reporting threshold (best F1). No test data is used.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from scipy import sparse
from sklearn.linear_model import LogisticRegression
from train import best_f1_threshold, ece, log

from tipguard.models.ngram import FeatureSpec, NgramModel, packaged_model
from tipguard.models.stages import ARC_FEATURES, STAGES, arc_features
from tipguard.normalize.text import normalize

SEED = 2026
N_FOLDS = 5
C_STAGE = 8.0
DATA = ROOT / "corpora" / "conversations" / "train.jsonl"
OUT = ROOT / "src" / "tipguard" / "models" / "data" / "stages.npz"
METRICS = ROOT / "training" / "metrics-stages.json"


def fit_stage_heads(X: Any, y: np.ndarray) -> tuple[Any, np.ndarray]:
    cols, bias = [], []
    for j, _stage in enumerate(STAGES):
        target = (y == j).astype(int)
        clf = LogisticRegression(
            C=C_STAGE,
            solver="liblinear",
            dual=True,
            class_weight="balanced",
            max_iter=5000,
            random_state=SEED,
        )
        clf.fit(X, target)
        coef = clf.coef_.ravel().astype(np.float32)
        coef[np.abs(coef) < 1e-4] = 0.0
        cols.append(sparse.csc_matrix(coef.reshape(-1, 1)))
        bias.append(float(clf.intercept_[0]))
    return sparse.hstack(cols, format="csc"), np.asarray(bias, dtype=np.float32)


def main() -> int:
    convs = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]
    spec = FeatureSpec()
    vec = spec.vectorizer()
    msg_text, msg_stage, msg_conv = [], [], []
    for c, conv in enumerate(convs):
        for m in conv["messages"]:
            msg_text.append(normalize(m["text"]).text[: spec.max_chars])
            msg_stage.append(STAGES.index(m["stage"]))
            msg_conv.append(c)
    X = vec.transform(msg_text)
    y = np.asarray(msg_stage)
    owner = np.asarray(msg_conv)
    labels = np.asarray([int(c["label"]) for c in convs])
    fold = np.asarray([hashlib.sha256(("fold" + c["id"]).encode()).digest()[0] % N_FOLDS for c in convs])
    log(f"{len(convs)} conversations, {len(msg_text)} messages")

    oof = np.zeros((len(msg_text), len(STAGES)), dtype=np.float32)
    for k in range(N_FOLDS):
        test_msgs = fold[owner] == k
        w, b = fit_stage_heads(X[~test_msgs], y[~test_msgs])
        oof[test_msgs] = 1.0 / (1.0 + np.exp(-((X[test_msgs] @ w).toarray() + b)))
    stage_acc = float(np.mean(oof.argmax(axis=1) == y))
    log(f"out-of-fold message stage accuracy {stage_acc:.3f}")

    lure_model = packaged_model("ngram")  # trained on the message corpora, not on conversations
    lure = lure_model.probabilities(msg_text)[:, lure_model.head("risk")]
    F = np.asarray([arc_features(oof[owner == c], lure[owner == c]) for c in range(len(convs))])
    conv_oof = np.zeros(len(convs))
    for k in range(N_FOLDS):
        lr = LogisticRegression(C=1.0, max_iter=5000)
        lr.fit(F[fold != k], labels[fold != k])
        conv_oof[fold == k] = lr.decision_function(F[fold == k])
    platt = LogisticRegression(C=1e6, max_iter=5000).fit(conv_oof.reshape(-1, 1), labels)
    a, b0 = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    p_oof = 1.0 / (1.0 + np.exp(-(a * conv_oof + b0)))
    threshold, f1 = best_f1_threshold(labels, p_oof)
    log(f"conversation out-of-fold F1 {f1:.3f} at {threshold:.3f}; ECE {ece(labels, p_oof):.3f}")

    final = LogisticRegression(C=1.0, max_iter=5000).fit(F, labels)
    weights, bias = fit_stage_heads(X, y)
    languages = sorted({c["language"] for c in convs})
    model = NgramModel(
        spec,
        STAGES,
        weights,
        bias,
        {
            "languages": languages,
            "seed": SEED,
            "trained": hashlib.sha256(DATA.read_bytes()).hexdigest()[:12],
            "arc": {
                "features": list(ARC_FEATURES),
                "coef": [round(float(c), 6) for c in final.coef_[0]],
                "intercept": round(float(final.intercept_[0]), 6),
                "platt": [round(a, 6), round(b0, 6)],
                "threshold": round(float(threshold), 4),
            },
        },
    )
    model.save(OUT)
    METRICS.write_text(
        json.dumps(
            {
                "conversations": len(convs),
                "messages": len(msg_text),
                "oof_message_stage_accuracy": round(stage_acc, 4),
                "oof_conversation_f1": round(f1, 4),
                "oof_conversation_ece": round(ece(labels, p_oof), 4),
                "threshold": round(float(threshold), 4),
                "bytes": OUT.stat().st_size,
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    log(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
