"""Train the guard's prompt model, from the repository, with fixed seeds.

    .venv/bin/python training/train_guard.py

The model (``src/tipguard/models/data/guard.npz``): hashed character n-grams of the normalized
text, logistic heads ``harmful`` (any guard category vs benign) and one per ``GRD_*`` category.
Rows: the project's own guard corpus (``corpora/guard/``; a split request is trained both as the
whole conversation and as its last turn), plus ordinary text from ``corpora/general`` and
``corpora/interpersonal`` as negatives. The held-out benchmark under ``eval/guard/`` and the
public LLM-safety sets are never read here except xstest's ``validation`` split, which only
places the thresholds (data README: evaluation-only sets may choose thresholds on validation).

Thresholds are on the worst piece of a prompt (``tipguard.guard.segments``), exactly as the
guard scores it: ``block`` is the lowest score at which at most 2% of the benign validation
prompts and of xstest's safe validation prompts are blocked, ``flag`` the lowest at which at
most 4% are flagged or blocked.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from data import SEED
from sklearn.linear_model import LogisticRegression

from tipguard.eval.datasets import Split, canonical_split, load
from tipguard.eval.guard_sets import TURN
from tipguard.guard.scoring import CATEGORIES, prompt_score
from tipguard.models.ngram import FeatureSpec, NgramModel
from tipguard.normalize.text import normalize

OUT = ROOT / "src" / "tipguard" / "models" / "data" / "guard.npz"
METRICS = ROOT / "training" / "metrics-guard.json"
HEADS = ("harmful", *CATEGORIES)
C_GRID = (4.0, 16.0, 64.0)
ORDINARY_PER_LANGUAGE = 60
BLOCK_FPR = 0.02
FLAG_FPR = 0.04


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def guard_rows(split: Split) -> list[tuple[list[str], int, str]]:
    """(turns, label, category) of the guard corpus rows in ``split``."""
    out = []
    for path in sorted((ROOT / "corpora" / "guard").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if canonical_split(r["text"]) == split:
                    turns = [t.strip() for t in r["text"].split(TURN) if t.strip()]
                    out.append((turns, int(r["label"]), r.get("category") or ""))
    return out


def ordinary(split: Split) -> list[str]:
    """A fixed sample of ordinary texts per language: negatives that are not prompts at all."""
    texts = []
    for sub in ("general", "interpersonal"):
        for path in sorted((ROOT / "corpora" / sub).glob("*.jsonl")):
            rows = [json.loads(x)["text"] for x in path.read_text("utf-8").splitlines() if x.strip()]
            rows = [t for t in rows if canonical_split(t) == split]
            texts += rows[:ORDINARY_PER_LANGUAGE]
    return texts


def training_texts(rows: list[tuple[list[str], int, str]]) -> tuple[list[str], list[int], list[str]]:
    texts, labels, cats = [], [], []
    for turns, label, cat in rows:
        variants = ["\n".join(turns)] + ([turns[-1]] if len(turns) > 1 else [])
        for v in variants:
            texts.append(v)
            labels.append(label)
            cats.append(cat)
    return texts, labels, cats


def fit(X: object, y: np.ndarray, cats: list[str], c: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy import sparse

    cols, bias = [], []
    for head in HEADS:
        if head == "harmful":
            idx = np.arange(len(y))
            target = y
        else:
            idx = np.flatnonzero((y == 0) | (np.asarray(cats) == head))
            target = (np.asarray(cats)[idx] == head).astype(int)
        clf = LogisticRegression(
            C=c, solver="liblinear", class_weight="balanced", max_iter=5000, random_state=SEED
        )
        clf.fit(X[idx], target)  # type: ignore[index]
        coef = clf.coef_.ravel().astype(np.float32)
        coef[np.abs(coef) < 1e-4] = 0.0
        cols.append(sparse.csc_matrix(coef.reshape(-1, 1)))
        bias.append(float(clf.intercept_[0]))
    return sparse.hstack(cols, format="csc"), np.asarray(bias, dtype=np.float32)


def lowest_threshold(benign_scores: list[np.ndarray], fpr: float) -> float:
    """The lowest score that keeps every benign set at or under ``fpr`` above it."""
    t = 0.0
    for s in benign_scores:
        s = np.sort(s)
        k = int(np.floor(fpr * len(s)))
        t = max(t, float(s[len(s) - k - 1]) + 1e-4 if len(s) > k else 0.0)
    return round(min(t, 0.999), 4)


def main() -> int:
    spec = FeatureSpec()
    vec = spec.vectorizer()
    train = guard_rows("train")
    val = guard_rows("validation")
    texts, labels, cats = training_texts(train)
    extra = ordinary("train")
    texts += extra
    labels += [0] * len(extra)
    cats += [""] * len(extra)
    log(f"guard rows: train {len(train)} ({len(texts)} texts with ordinary negatives), validation {len(val)}")
    X = vec.transform([normalize(t).text for t in texts])
    y = np.asarray(labels)
    xs_val = [r.text for r in load("xstest", "validation") if r.benign]
    val_harm = [r for r in val if r[1] == 1]
    val_benign = [r for r in val if r[1] == 0]

    def worst(model: NgramModel, rows: list[list[str]]) -> np.ndarray:
        return np.asarray([prompt_score(model, turns[-1], tuple(turns[:-1])).score for turns in rows])

    best = None
    for c in C_GRID:
        w, b = fit(X, y, cats, c)
        model = NgramModel(spec, HEADS, w, b, {})
        harm = worst(model, [r[0] for r in val_harm])
        benign = [worst(model, [r[0] for r in val_benign]), worst(model, [[t] for t in xs_val])]
        flag = lowest_threshold(benign, FLAG_FPR)
        recall = float(np.mean(harm >= flag))
        log(f"C={c}: flag threshold {flag}, validation recall at it {recall:.3f}")
        if best is None or recall > best[0]:
            best = (recall, c, w, b, flag, benign, harm)
    if best is None:
        raise SystemExit("no regularisation value was tried")
    recall, c, w, b, flag, benign, harm = best
    block = max(lowest_threshold(benign, BLOCK_FPR), flag)
    trained = hashlib.sha256(
        "\n".join(f"{lab}\t{t}" for t, lab in zip(texts, labels, strict=True)).encode()
    ).hexdigest()[:12]
    languages = sorted(p.stem for p in (ROOT / "corpora" / "guard").glob("*.jsonl"))
    thresholds = {"flag": flag, "block": block}
    model = NgramModel(
        spec,
        HEADS,
        w,
        b,
        {"thresholds": thresholds, "C": c, "trained": trained, "languages": languages, "seed": SEED},
    )
    model.save(OUT)
    metrics = {
        "C": c,
        "thresholds": thresholds,
        "validation": {
            "harmful_prompts": len(val_harm),
            "benign_prompts": len(val_benign),
            "xstest_safe_prompts": len(xs_val),
            "recall_at_flag": round(recall, 4),
            "recall_at_block": round(float(np.mean(harm >= block)), 4),
            "benign_flagged": round(float(np.mean(benign[0] >= flag)), 4),
            "xstest_safe_flagged": round(float(np.mean(benign[1] >= flag)), 4),
        },
        "train_texts": len(texts),
        "bytes": OUT.stat().st_size,
    }
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
    log(f"wrote {OUT.relative_to(ROOT)}: {json.dumps(metrics['validation'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
