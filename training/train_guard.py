"""Train the guard's two prompt models, from the repository, with fixed seeds.

    .venv/bin/python training/train_guard.py      # about 10 minutes on 2 cores, embeddings cached

Two stages, because one cheap model is not accurate enough and one accurate model is not cheap:

1. ``src/tipguard/models/data/guard.npz``: hashed character n-grams, logistic heads ``harmful``
   and one per ``GRD_*`` category, scored on the worst piece of the prompt
   (``tipguard.guard.segments``). It costs about a millisecond and only decides which prompts
   the second stage must read: its ``route`` floor is set so that 99% of the validation harmful
   prompts reach stage 2.
2. ``src/tipguard/models/data/guard-heads.npz``: five one-hidden-layer MLPs (folded into one)
   over multilingual-e5 embeddings of the prompt (and of the conversation so far), with the
   same heads. It makes the decision: ``block`` is the lowest score at which at most 2% of the
   benign validation prompts (and of xstest's safe validation prompts) are blocked, ``flag`` the
   lowest at which at most 4% are flagged or blocked.

Rows: the project's own guard corpora (``corpora/guard/``, ``guard-more/``, ``guard-direct/``; a split
request is trained both as the whole conversation and as its last turn), plus ordinary text from
``corpora/general`` and ``corpora/interpersonal`` as negatives; canonical train split for
fitting, validation split for every choice. The held-out benchmark under ``eval/guard/`` and the
public LLM-safety sets are never read here, except xstest's ``validation`` split, which only
places thresholds (data README: evaluation-only sets may choose thresholds on validation).
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
from embeddings import Embeddings
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from tipguard.eval.datasets import Split, canonical_split, load
from tipguard.eval.guard_sets import TURN
from tipguard.guard.scoring import CATEGORIES, conversation_texts, prompt_score
from tipguard.models.heads import MlpHeads
from tipguard.models.ngram import FeatureSpec, NgramModel
from tipguard.normalize.text import normalize

DATA = ROOT / "src" / "tipguard" / "models" / "data"
OUT = DATA / "guard.npz"
OUT_HEADS = DATA / "guard-heads.npz"
METRICS = ROOT / "training" / "metrics-guard.json"
CORPORA = ("guard", "guard-more", "guard-direct")
HEADS = ("harmful", *CATEGORIES)
SPEC = FeatureSpec(n_features=2**18)
"""Fewer hash buckets than the analyzer's n-gram model: this stage only routes, and the file
stays small."""
C_GRID = (4.0, 16.0, 64.0)
ALPHA_GRID = (1e-2, 1e-1)
HIDDEN = 256
ENSEMBLE = 5
ROUTE_RECALL = 0.99
ORDINARY_PER_LANGUAGE = 60
BLOCK_FPR = 0.02
FLAG_FPR = 0.04

Row = tuple[list[str], int, str]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def guard_rows(split: Split) -> list[Row]:
    """(turns, label, category) of the guard corpora rows in ``split``."""
    out = []
    for sub in CORPORA:
        for path in sorted((ROOT / "corpora" / sub).glob("*.jsonl")):
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


def training_texts(rows: list[Row]) -> tuple[list[str], list[int], list[str]]:
    texts, labels, cats = [], [], []
    for turns, label, cat in rows:
        variants = ["\n".join(turns)] + ([turns[-1]] if len(turns) > 1 else [])
        for v in variants:
            texts.append(v)
            labels.append(label)
            cats.append(cat)
    return texts, labels, cats


def targets(labels: list[int], cats: list[str]) -> np.ndarray:
    """The multi-label target matrix: ``harmful`` and the row's own category."""
    y = np.zeros((len(labels), len(HEADS)), dtype=np.int64)
    for i, (label, cat) in enumerate(zip(labels, cats, strict=True)):
        if label:
            y[i, 0] = 1
            if cat in CATEGORIES:
                y[i, HEADS.index(cat)] = 1
    return y


def fit_ngram(X: object, y: np.ndarray, cats: list[str], c: float) -> tuple[object, np.ndarray]:
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
        coef[np.abs(coef) < 1e-3] = 0.0
        cols.append(sparse.csc_matrix(coef.reshape(-1, 1)))
        bias.append(float(clf.intercept_[0]))
    return sparse.hstack(cols, format="csc"), np.asarray(bias, dtype=np.float32)


def fit_mlp(E: np.ndarray, Y: np.ndarray, alpha: float) -> MlpHeads:
    """The stage-2 heads: ``ENSEMBLE`` MLPs from different seeds, folded into one.

    One MLP drew sharp, arbitrary edges between near-paraphrases ("how to blackmail my ex" 0.99,
    "how to blackmail someone anonymously?" 0.001); averaging the logits of several smooths
    them, and the average is itself one wider MLP (hidden layers side by side, output weights
    divided by their number), so the guard runs it as one. Harmful rows are repeated so both
    classes weigh about the same.
    """
    harmful = np.flatnonzero(Y[:, 0] == 1)
    repeat = max(1, round((len(Y) - len(harmful)) / max(len(harmful), 1)))
    idx = np.concatenate([np.arange(len(Y)), np.repeat(harmful, repeat - 1)])
    w1, b1, w2, b2 = [], [], [], []
    for k in range(ENSEMBLE):
        clf = MLPClassifier((HIDDEN,), alpha=alpha, max_iter=200, random_state=SEED + k)
        clf.fit(E[idx], Y[idx])
        w1.append(clf.coefs_[0])
        b1.append(clf.intercepts_[0])
        w2.append(clf.coefs_[1] / ENSEMBLE)
        b2.append(clf.intercepts_[1] / ENSEMBLE)
    return MlpHeads(
        HEADS,
        np.hstack(w1).astype(np.float32),
        np.concatenate(b1).astype(np.float32),
        np.vstack(w2).astype(np.float32),
        np.sum(b2, axis=0).astype(np.float32),
        {},
    )


def lowest_threshold(benign_scores: list[np.ndarray], fpr: float) -> float:
    """The lowest score that keeps every benign set at or under ``fpr`` above it."""
    t = 0.0
    for s in benign_scores:
        s = np.sort(s)
        k = int(np.floor(fpr * len(s)))
        t = max(t, float(s[len(s) - k - 1]) + 1e-4 if len(s) > k else 0.0)
    return round(min(t, 0.999), 4)


def main() -> int:
    vec = SPEC.vectorizer()
    embed = Embeddings()
    train = guard_rows("train")
    val = guard_rows("validation")
    texts, labels, cats = training_texts(train)
    extra = ordinary("train")
    texts += extra
    labels += [0] * len(extra)
    cats += [""] * len(extra)
    log(f"guard rows: train {len(train)} ({len(texts)} texts with ordinary negatives), validation {len(val)}")
    y = np.asarray(labels)
    val_harm = [r[0] for r in val if r[1] == 1]
    val_benign = [r[0] for r in val if r[1] == 0]
    xs_val = [[r.text] for r in load("xstest", "validation") if r.benign]
    val_ordinary = [[t] for t in ordinary("validation")]

    # stage 1: the router
    X = vec.transform([normalize(t).text for t in texts])

    def worst(model: NgramModel, rows: list[list[str]]) -> np.ndarray:
        return np.asarray([prompt_score(model, turns[-1], tuple(turns[:-1])).score for turns in rows])

    best_router = None
    for c in C_GRID:
        w, b = fit_ngram(X, y, cats, c)
        model = NgramModel(SPEC, HEADS, w, b, {})
        harm = worst(model, val_harm)
        floor = float(np.quantile(harm, 1.0 - ROUTE_RECALL))
        routed = float(np.mean(np.concatenate([worst(model, val_benign), worst(model, xs_val)]) >= floor))
        log(f"router C={c}: floor {floor:.4f} routes {routed:.3f} of benign, {ROUTE_RECALL:.0%} of harmful")
        if best_router is None or routed < best_router[0]:
            best_router = (routed, c, model, floor)
    if best_router is None:
        raise SystemExit("no regularisation value was tried")
    _, c, router, floor = best_router

    # stage 2: the judge
    E = embed(texts)
    Y = targets(labels, cats)

    def judged(heads: MlpHeads, rows: list[list[str]]) -> np.ndarray:
        out = []
        for turns in rows:
            probs = heads.probabilities(embed(conversation_texts(turns[-1], tuple(turns[:-1]))))
            out.append(float(probs[:, 0].max()))
        return np.asarray(out)

    best = None
    for alpha in ALPHA_GRID:
        heads = fit_mlp(E, Y, alpha)
        harm = judged(heads, val_harm)
        benign = [judged(heads, val_benign), judged(heads, xs_val), judged(heads, val_ordinary)]
        flag = lowest_threshold(benign, FLAG_FPR)
        recall = float(np.mean(harm >= flag))
        log(f"judge alpha={alpha}: flag threshold {flag}, validation recall at it {recall:.3f}")
        if best is None or recall > best[0]:
            best = (recall, alpha, heads, flag, benign, harm)
    if best is None:
        raise SystemExit("no regularisation value was tried")
    recall, alpha, heads, flag, benign, harm = best
    block = max(lowest_threshold(benign, BLOCK_FPR), flag)
    routed_harm = worst(router, val_harm) >= floor
    end_recall = float(np.mean(routed_harm & (harm >= flag)))

    trained = hashlib.sha256(
        "\n".join(f"{lab}\t{t}" for t, lab in zip(texts, labels, strict=True)).encode()
    ).hexdigest()[:12]
    languages = sorted({p.stem for sub in CORPORA for p in (ROOT / "corpora" / sub).glob("*.jsonl")})
    common = {"trained": trained, "languages": languages, "seed": SEED}
    route = {"route": round(floor, 4), "C": c, **common}
    NgramModel(SPEC, HEADS, router.weights, router.bias, route).save(OUT)
    thresholds = {"flag": flag, "block": block}
    MlpHeads(
        HEADS,
        heads.hidden_weights,
        heads.hidden_bias,
        heads.weights,
        heads.bias,
        {"thresholds": thresholds, "alpha": alpha, "hidden": HIDDEN, "ensemble": ENSEMBLE, **common},
    ).save(OUT_HEADS)
    metrics = {
        "router": {"C": c, "route_floor": round(floor, 4), "benign_routed": round(best_router[0], 4)},
        "judge": {"alpha": alpha, "thresholds": thresholds},
        "validation": {
            "harmful_prompts": len(val_harm),
            "benign_prompts": len(val_benign),
            "xstest_safe_prompts": len(xs_val),
            "ordinary_texts": len(val_ordinary),
            "judge_recall_at_flag": round(recall, 4),
            "end_to_end_recall_at_flag": round(end_recall, 4),
            "recall_at_block": round(float(np.mean(routed_harm & (harm >= block))), 4),
            "benign_flagged": round(float(np.mean(benign[0] >= flag)), 4),
            "xstest_safe_flagged": round(float(np.mean(benign[1] >= flag)), 4),
            "ordinary_flagged": round(float(np.mean(benign[2] >= flag)), 4),
        },
        "train_texts": len(texts),
        "bytes": {"router": OUT.stat().st_size, "judge": OUT_HEADS.stat().st_size},
    }
    METRICS.write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
    log(f"wrote {OUT.name} and {OUT_HEADS.name}: {json.dumps(metrics['validation'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
