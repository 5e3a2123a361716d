"""Train every shipped model of the default analyzer, from the repository, with fixed seeds.

    .venv/bin/python training/train.py

1. The n-gram tier (``src/tipguard/models/data/ngram.npz``): hashed character n-grams of the
   normalized text; logistic heads ``risk`` (any positive family vs benign), one head per
   family (that family's positives vs benign), and ``threat`` (HateCheck threat cases vs the
   rest). Regularisation chosen on validation; floors chosen on validation.
2. The calibrated scorer (``src/tipguard/scoring/data/scorer.json``): logistic regression over
   finding features, fitted on the training rows with the n-gram scores taken out-of-fold;
   Platt-calibrated and banded on validation rows.
3. ``training/metrics.json``: what the model cards quote (validation numbers only).

Sources and splits: ``training/data.py``. Nothing here reads a test split.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

from data import FAMILIES, SEED, Example, corpus, hatecheck, proxy_benign_validation, thai_benign
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from tipguard import Analyzer
from tipguard.detectors.learned import findings_from_probabilities
from tipguard.models.ngram import FeatureSpec, NgramModel
from tipguard.normalize.text import normalize
from tipguard.results import Finding, Level, Span
from tipguard.scoring.calibrated import ENCODER_FEATURES, FEATURES, CalibratedScorer, features

HEADS = ("risk", *FAMILIES, "threat")
MODEL_OUT = ROOT / "src" / "tipguard" / "models" / "data" / "ngram.npz"
SCORER_OUT = ROOT / "src" / "tipguard" / "scoring" / "data" / "scorer.json"
METRICS_OUT = ROOT / "training" / "metrics.json"
N_FOLDS = 5
JOBS = 2
"""Fits run in parallel on this many processes (the machine this was made on has two cores)."""
HATECHECK_TRAIN = 9000
HATECHECK_RISK_NEGATIVES = 6000
"""Of those, rows that are also negatives for the risk and family heads: ordinary sentences in
11 languages that are not trafficking (hateful or not), so the n-grams learn what generic text
looks like and stay calm on it."""
"""HateCheck rows (a third of them threats) that train the threat head; the rest add little."""
C_GRID = (8.0, 32.0, 128.0)
ENCODER_C_GRID = (0.5, 2.0, 8.0, 32.0)
NGRAM = "ngram@1"
RISK_RECALL = 0.98
"""The ``risk`` floor: the highest score that keeps this share of validation positives."""
ORDINARY_SOURCES = ("corpus-everyday", "corpus-general", "corpus-interpersonal", "thai-sms-scam")
"""Validation rows that stand for ordinary traffic, capped when ``C`` is chosen."""
HARD_SOURCES = ("corpus-train", "corpus-longads")
"""Validation rows like the test corpus (positives and hard look-alikes): ``medium`` is placed for
the best F1 on them."""
PROXY_FPR = 0.008
"""``medium`` keeps every proxy set's everyday benign validation rows under this flag rate."""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def head_rows(rows: list[Example], head: str) -> tuple[np.ndarray, np.ndarray]:
    """Row indices and labels that train one head."""
    idx, y = [], []
    for i, r in enumerate(rows):
        if head == "threat":
            if r.threat >= 0 or r.label == 0:
                idx.append(i)
                y.append(max(r.threat, 0))
        elif head == "risk":
            if r.threat < 0 or r.source.endswith("sample"):
                idx.append(i)
                y.append(r.label)
        elif r.label == 0 and (r.threat < 0 or r.source.endswith("sample")):
            idx.append(i)
            y.append(0)
        elif r.label == 1 and r.family == head:
            idx.append(i)
            y.append(1)
    return np.asarray(idx, dtype=np.int64), np.asarray(y, dtype=np.int64)


def fit_heads(X: Any, rows: list[Example], mask: np.ndarray, c: float) -> tuple[Any, np.ndarray]:
    """One logistic regression per head on the rows where ``mask`` is true."""
    cols, bias = [], []
    for head in HEADS:
        idx, y = head_rows(rows, head)
        keep = mask[idx]
        idx, y = idx[keep], y[keep]
        clf = LogisticRegression(
            C=c,
            solver="liblinear",
            dual=True,
            class_weight="balanced",
            max_iter=5000,
            random_state=SEED,
        )
        clf.fit(X[idx], y)
        coef = clf.coef_.ravel().astype(np.float32)
        coef[np.abs(coef) < 1e-4] = 0.0
        cols.append(sparse.csc_matrix(coef.reshape(-1, 1)))
        bias.append(float(clf.intercept_[0]))
    return sparse.hstack(cols, format="csc"), np.asarray(bias, dtype=np.float32)


def predict(X: Any, weights: Any, bias: np.ndarray) -> np.ndarray:
    z = (X @ weights).toarray() + bias
    out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return out


def f1_at(y: np.ndarray, p: np.ndarray, t: float) -> float:
    flag = p >= t
    tp = int(np.sum(flag & (y == 1)))
    fp = int(np.sum(flag & (y == 0)))
    fn = int(np.sum(~flag & (y == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_f1_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best_t, best = 0.5, -1.0
    for t in np.unique(np.round(p, 4)):
        f = f1_at(y, p, float(t))
        if f > best:
            best_t, best = float(t), f
    return best_t, best


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if sel.any():
            total += sel.mean() * abs(float(p[sel].mean()) - float(y[sel].mean()))
    return total


def place_medium(
    y: np.ndarray, risk: np.ndarray, corpus_rows: np.ndarray, proxies: list[np.ndarray]
) -> tuple[float, float]:
    """The ``medium`` band: best corpus F1 among risks that keep every proxy's everyday
    validation rows under ``PROXY_FPR`` flagged. Returns (threshold, F1 there)."""
    best_t, best_f1 = 0.5, -1.0
    for t in np.unique(np.round(risk, 3)):
        if t < 0.05 or any(float(np.mean(p >= t)) > PROXY_FPR for p in proxies if p.size):
            continue
        f = f1_at(y[corpus_rows], risk[corpus_rows], float(t))
        if f > best_f1:
            best_t, best_f1 = float(t), f
    return round(best_t, 3), best_f1


def bands_for(medium: float) -> dict[str, float]:
    """The other bands follow from ``medium`` (documented in ``scoring/calibrated.py``): ``low``
    is half of it; ``high`` and ``critical`` split the rest of the range in thirds, and are at
    least 0.8 and 0.95."""
    return {
        "critical": round(max(0.95, medium + 2 * (1 - medium) / 3), 3),
        "high": round(max(0.8, medium + (1 - medium) / 3), 3),
        "medium": medium,
        "low": round(medium / 2, 3),
    }


def f1_under_everyday_cap(
    p: np.ndarray, y: np.ndarray, corpus_rows: np.ndarray, everyday: np.ndarray
) -> float:
    """Model choice: corpus F1 at the lowest threshold that flags at most 1% of the project's
    own everyday validation messages, so a model that is sharp on the corpus but jumpy on
    ordinary traffic loses."""
    ordinary = np.sort(p[everyday])
    t = float(ordinary[int(np.ceil(0.99 * len(ordinary))) - 1]) + 1e-6 if ordinary.size else 0.5
    return f1_at(y[corpus_rows], p[corpus_rows], t)


def fold_of(text: str) -> int:
    return hashlib.sha256(("fold" + text).encode("utf-8")).digest()[1] % N_FOLDS


def main() -> int:
    spec = FeatureSpec()
    vec = spec.vectorizer()
    log("loading rows")
    train = corpus("train") + thai_benign("train", 800)
    hc_train = hatecheck("train", HATECHECK_TRAIN)
    hc_sample = {r.text for r in hatecheck("train", HATECHECK_RISK_NEGATIVES)}
    train += [
        Example(
            r.text, 0, r.source + "-sample" if r.text in hc_sample else r.source, r.language, "", r.threat
        )
        for r in hc_train
    ]
    val = corpus("validation") + thai_benign("validation", 200)
    hc_val = hatecheck("validation")
    log(f"train rows {len(train)}, validation rows {len(val)} + hatecheck validation {len(hc_val)}")

    def feats(rows: list[Example]) -> Any:
        return vec.transform([normalize(r.text).text[: spec.max_chars] for r in rows])

    X_train, X_val, X_hc_val = feats(train), feats(val), feats(hc_val)
    y_val = np.asarray([r.label for r in val])
    corpus_val = np.asarray([r.source.startswith("corpus") for r in val])
    everyday_val = np.asarray([r.source in ORDINARY_SOURCES for r in val])
    all_rows = np.ones(len(train), dtype=bool)

    # 1. regularisation by validation F1 of the risk head on the corpus
    scores = {}
    fitted = dict(
        zip(
            C_GRID,
            Parallel(n_jobs=JOBS)(delayed(fit_heads)(X_train, train, all_rows, c) for c in C_GRID),
            strict=True,
        )
    )
    for c, (w, b) in fitted.items():
        p = predict(X_val, w, b)[:, 0]
        scores[c] = f1_under_everyday_cap(p, y_val, corpus_val, everyday_val)
        log(f"C={c}: validation F1 (risk head, corpus, everyday rows <= 1% flagged) {scores[c]:.3f}")
    c_best = max(C_GRID, key=lambda c: (scores[c], -c))
    weights, bias = fitted[c_best]
    p_val = predict(X_val, weights, bias)
    p_hc_val = predict(X_hc_val, weights, bias)

    # floors, from validation only
    pos = np.sort(p_val[corpus_val & (y_val == 1), 0])
    risk_floor = float(pos[int(np.floor((1 - RISK_RECALL) * len(pos)))])
    y_threat = np.asarray([r.threat for r in hc_val])
    threat_t, threat_f1 = best_f1_threshold(y_threat, p_hc_val[:, HEADS.index("threat")])
    floors = {"risk": round(risk_floor, 4), "threat": round(max(threat_t, 0.5), 4)}
    log(f"C={c_best}; floors {floors}; threat validation F1 {threat_f1:.3f}")
    languages = sorted({r.language for r in train if r.source.startswith("corpus")})
    trained = hashlib.sha256("\n".join(f"{r.label}\t{r.text}" for r in train).encode("utf-8")).hexdigest()[
        :12
    ]
    model = NgramModel(
        spec,
        HEADS,
        weights,
        bias,
        {"floors": floors, "languages": languages, "trained": trained, "C": c_best, "seed": SEED},
    )
    MODEL_OUT.parent.mkdir(parents=True, exist_ok=True)
    model.save(MODEL_OUT)
    log(f"wrote {MODEL_OUT.relative_to(ROOT)} ({MODEL_OUT.stat().st_size / 1e6:.1f} MB)")

    # 2. out-of-fold n-gram scores for the scorers' training rows
    scorer_train_idx = [i for i, r in enumerate(train) if r.threat < 0 or r.source.endswith("sample")]
    folds = np.asarray([fold_of(r.text) for r in train])
    oof = np.zeros((len(train), len(HEADS)), dtype=np.float32)
    fold_fits = Parallel(n_jobs=JOBS)(
        delayed(fit_heads)(X_train, train, folds != k, c_best) for k in range(N_FOLDS)
    )
    for k, (w, b) in enumerate(fold_fits):
        sel = np.flatnonzero(folds == k)
        oof[sel] = predict(X_train[sel], w, b)
    log(f"{N_FOLDS} out-of-fold fits done")

    s_rows = [train[i] for i in scorer_train_idx]
    hc_val_sample = [Example(r.text, 0, r.source, r.language) for r in hatecheck("validation", 300)]
    v_rows = val + hc_val_sample
    p_v = np.vstack([p_val, predict(feats(hc_val_sample), weights, bias)])
    base = Analyzer(detectors=("lexicon", "off_platform")).load()
    ref = f"ngram:{trained}"

    def fast_findings(rows: list[Example], probs: np.ndarray) -> list[list[Finding]]:
        """What the lexicon, contact and n-gram detectors would report, n-gram from ``probs``."""
        verdicts = base.analyze_batch([r.text for r in rows])
        return [
            [
                *v.findings,
                *findings_from_probabilities(p[None, :], HEADS, floors, [(0, len(r.text))], NGRAM, ref),
            ]
            for r, v, p in zip(rows, verdicts, probs, strict=True)
        ]

    found_train = fast_findings(s_rows, oof[scorer_train_idx])
    found_val = fast_findings(v_rows, p_v)
    y_s = np.asarray([r.label for r in s_rows])
    y_v = np.asarray([r.label for r in v_rows])
    hard = np.asarray([r.source in HARD_SOURCES for r in v_rows])
    ordinary = np.asarray([r.source in ORDINARY_SOURCES for r in v_rows])
    proxy_texts = proxy_benign_validation()

    standard = fit_scorer(FEATURES, found_train, y_s, found_val, y_v, hard)
    fast_tier = Analyzer(detectors=("lexicon", "off_platform", "ngram"), scorer="interim").load()
    proxy_found = {name: [v.findings for v in fast_tier.analyze_batch(t)] for name, t in proxy_texts.items()}
    std_json, std_metrics = place_bands(standard, found_val, y_v, hard, ordinary, proxy_found)
    std_json["trained_with"] = {"ngram": trained, "seed": SEED}
    SCORER_OUT.parent.mkdir(parents=True, exist_ok=True)
    SCORER_OUT.write_text(json.dumps(std_json, indent=2) + "\n", "utf-8")
    f1 = std_metrics["validation_f1_at_medium"]
    log(f"standard scorer: medium {std_json['bands']['medium']} (validation F1 {f1})")

    # 3. the encoder tier: heads on sentence embeddings, and the deep profile's scorer
    enc_metrics, deep_metrics = train_encoder_tier(
        s_rows,
        scorer_train_idx,
        oof,
        floors,
        found_train,
        v_rows,
        p_v,
        found_val,
        y_s,
        y_v,
        hard,
        ordinary,
        proxy_texts,
        proxy_found,
        trained,
    )

    metrics: dict[str, Any] = {
        "ngram": {
            "C": c_best,
            "validation_f1_by_C": {str(k): round(v, 4) for k, v in scores.items()},
            "floors": floors,
            "threat_validation_f1": round(threat_f1, 4),
            "train_rows": len(train),
            "validation_rows": len(val),
            "hatecheck_validation_rows": len(hc_val),
            "bytes": MODEL_OUT.stat().st_size,
        },
        "scorer": {**std_metrics, "train_rows": len(s_rows), "validation_rows": len(v_rows)},
        "encoder": enc_metrics,
        "scorer_deep": {**deep_metrics, "train_rows": len(s_rows), "validation_rows": len(v_rows)},
    }
    METRICS_OUT.write_text(json.dumps(metrics, indent=2) + "\n", "utf-8")
    log("wrote scorers and metrics")
    return 0


def fit_scorer(
    names: tuple[str, ...],
    found_train: list[list[Finding]],
    y_train: np.ndarray,
    found_val: list[list[Finding]],
    y_val: np.ndarray,
    calib: np.ndarray,
) -> CalibratedScorer:
    """Logistic regression over the finding features, then Platt scaling on the validation rows
    in ``calib``."""
    F_train = np.asarray([features(f, names) for f in found_train], dtype=np.float64)
    lr = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    lr.fit(F_train, y_train)
    combined = CalibratedScorer(
        tuple(round(float(c), 6) for c in lr.coef_[0]),
        round(float(lr.intercept_[0]), 6),
        1.0,
        0.0,
        ((0.5, Level.MEDIUM),),
        {},
        names,
    )
    return calibrate(combined, found_val, y_val, calib)


def calibrate(
    scorer: CalibratedScorer, found_val: list[list[Finding]], y_val: np.ndarray, calib: np.ndarray
) -> CalibratedScorer:
    """The Platt step: fitted on the corpus's validation positives and hard look-alikes (the mix
    the test corpus has), so that a risk of 0.8 means about 80% true positives among such items."""
    x = np.asarray([features(f, scorer.feature_names) for f in found_val], dtype=np.float64)
    z = scorer.intercept + x @ np.asarray(scorer.coef)
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(z[calib].reshape(-1, 1), y_val[calib])
    return CalibratedScorer(
        scorer.coef,
        scorer.intercept,
        round(float(platt.coef_[0, 0]), 6),
        round(float(platt.intercept_[0]), 6),
        scorer.bands,
        {},
        scorer.feature_names,
    )


def place_bands(
    scorer: CalibratedScorer,
    found_val: list[list[Finding]],
    y_val: np.ndarray,
    hard: np.ndarray,
    ordinary: np.ndarray,
    proxy_found: dict[str, list[Any]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bands of a fitted scorer, from validation only: ``medium`` is the best F1 on the
    corpus's positives and hard negatives among risks that flag at most ``PROXY_FPR`` of every
    proxy set's everyday validation rows and of the project's own ordinary validation rows."""
    risk_val = np.asarray([scorer.risk(f) for f in found_val])
    proxies = {name: np.asarray([scorer.risk(f) for f in found]) for name, found in proxy_found.items()}
    proxies["own ordinary (everyday, general, Thai OK/OTP)"] = risk_val[ordinary]
    medium, best_f1 = place_medium(y_val, risk_val, hard, list(proxies.values()))
    bands = bands_for(medium)
    out = scorer.to_dict()
    out["bands"] = bands
    metrics = {
        "features": list(scorer.feature_names),
        "validation_ece": round(ece(y_val, risk_val), 4),
        "validation_ece_corpus": round(ece(y_val[hard], risk_val[hard]), 4),
        "validation_f1_at_medium": round(best_f1, 4),
        "bands": bands,
        "proxy_validation_flag_rate_at_medium": {
            k: round(float(np.mean(r >= medium)), 4) for k, r in proxies.items() if r.size
        },
    }
    return out, metrics


def train_encoder_tier(
    s_rows: list[Example],
    scorer_train_idx: list[int],
    oof: np.ndarray,
    floors: dict[str, float],
    found_train: list[list[Finding]],
    v_rows: list[Example],
    p_v: np.ndarray,
    found_val: list[list[Finding]],
    y_s: np.ndarray,
    y_v: np.ndarray,
    hard: np.ndarray,
    ordinary: np.ndarray,
    proxy_texts: dict[str, list[str]],
    proxy_found: dict[str, list[Any]],
    ngram_trained: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Heads on multilingual-e5-small embeddings (C by validation), their out-of-fold scores,
    the deep scorer over both tiers' findings, and its bands; writes the heads and the scorer."""
    from embeddings import Embeddings

    from tipguard.detectors.encoder import HEADS_NAME, encoder_finding, raised_by_fast_tier
    from tipguard.models import heads as heads_module
    from tipguard.models.heads import DenseHeads

    embed = Embeddings()
    E_train = embed([r.text[:2000] for r in s_rows])
    E_val = embed([r.text[:2000] for r in v_rows])
    log(f"embeddings ready ({embed.encoder.backend})")
    enc_heads = ("risk", *FAMILIES)

    def fit(mask: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
        cols, bias = [], []
        for head in enc_heads:
            idx, y = head_rows(s_rows, head)
            idx, y = idx[mask[idx]], y[mask[idx]]
            clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=SEED)
            clf.fit(E_train[idx], y)
            cols.append(clf.coef_.ravel())
            bias.append(float(clf.intercept_[0]))
        return np.asarray(cols, dtype=np.float32).T, np.asarray(bias, dtype=np.float32)

    def prob(E: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        out: np.ndarray = 1.0 / (1.0 + np.exp(-(E @ w + b)))
        return out

    everything = np.ones(len(s_rows), dtype=bool)
    corpus_val = np.asarray([r.source.startswith("corpus") for r in v_rows])
    c_scores = {}
    for c in ENCODER_C_GRID:
        w, b = fit(everything, c)
        c_scores[c] = f1_under_everyday_cap(prob(E_val, w, b)[:, 0], y_v, corpus_val, ordinary)
        log(f"encoder C={c}: validation F1 (risk head, ordinary rows <= 1% flagged) {c_scores[c]:.3f}")
    c_best = max(ENCODER_C_GRID, key=lambda c: (c_scores[c], -c))
    w_enc, b_enc = fit(everything, c_best)
    e_val = prob(E_val, w_enc, b_enc)
    routed_val = p_v[:, 0] >= floors["risk"]
    pos = np.sort(e_val[routed_val & corpus_val & (y_v == 1), 0])
    enc_floor = round(float(pos[int(np.floor((1 - RISK_RECALL) * len(pos)))]), 4)
    enc_trained = hashlib.sha256(f"{ngram_trained}:{c_best}:{len(s_rows)}".encode()).hexdigest()[:12]
    languages = sorted({r.language for r in s_rows if r.source.startswith("corpus")})
    out_heads = DenseHeads(
        enc_heads,
        w_enc,
        b_enc,
        {
            "floors": {"risk": enc_floor},
            "C": c_best,
            "languages": languages,
            "trained": enc_trained,
            "seed": SEED,
        },
    )
    heads_path = MODEL_OUT.parent / f"{HEADS_NAME}.npz"
    out_heads.save(heads_path)
    heads_module._PACKAGED.clear()
    log(f"encoder heads: C={c_best}, floor {enc_floor}; wrote {heads_path.relative_to(ROOT)}")

    # out-of-fold encoder scores, so the deep scorer never sees the heads' view of their own rows
    folds = np.asarray([fold_of(r.text) for r in s_rows])
    e_oof = np.zeros((len(s_rows), len(enc_heads)), dtype=np.float32)
    for k in range(N_FOLDS):
        w, b = fit(folds != k, c_best)
        e_oof[folds == k] = prob(E_train[folds == k], w, b)
    routed_train = oof[scorer_train_idx, 0] >= floors["risk"]
    ref = f"encoder:{enc_trained}"

    def with_encoder(
        rows: list[Example], found: list[list[Finding]], e: np.ndarray, routed: np.ndarray
    ) -> list[list[Finding]]:
        out = []
        for r, f, p, go in zip(rows, found, e, routed, strict=True):
            span = Span(0, len(r.text))
            extra = encoder_finding(p, enc_heads, enc_floor, span, "encoder@1", ref) if go else None
            out.append([*f, extra] if extra is not None else list(f))
        return out

    deep_train = with_encoder(s_rows, found_train, e_oof, routed_train)
    deep_val = with_encoder(v_rows, found_val, e_val, routed_val)
    deep = fit_scorer(ENCODER_FEATURES, deep_train, y_s, deep_val, y_v, hard)
    deep_tier = Analyzer(detectors=("lexicon", "off_platform", "ngram", "encoder"), scorer="interim").load()
    proxy_deep: dict[str, list[Any]] = {}
    routed_share: dict[str, float] = {}
    for name, texts in proxy_texts.items():
        verdicts = deep_tier.analyze_batch(texts)
        proxy_deep[name] = [v.findings for v in verdicts]
        routed_share[name] = round(float(np.mean([raised_by_fast_tier(f) for f in proxy_found[name]])), 4)
    deep_json, deep_metrics = place_bands(deep, deep_val, y_v, hard, ordinary, proxy_deep)
    deep_json["trained_with"] = {"ngram": ngram_trained, "encoder": enc_trained, "seed": SEED}
    (SCORER_OUT.parent / "scorer-deep.json").write_text(json.dumps(deep_json, indent=2) + "\n", "utf-8")
    f1 = deep_metrics["validation_f1_at_medium"]
    log(f"deep scorer: medium {deep_json['bands']['medium']} (validation F1 {f1})")
    enc_metrics = {
        "C": c_best,
        "validation_f1_by_C": {str(k): round(v, 4) for k, v in c_scores.items()},
        "floors": {"risk": enc_floor},
        "backend": embed.encoder.backend,
        "routed_share_validation": round(float(routed_val.mean()), 4),
        "routed_share_proxy_validation": routed_share,
        "bytes": heads_path.stat().st_size,
    }
    return enc_metrics, deep_metrics


if __name__ == "__main__":
    raise SystemExit(main())
