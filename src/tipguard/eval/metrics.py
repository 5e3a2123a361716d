"""Metrics for binary "send to a human" decisions and for the risk score behind them.

Everything here is plain NumPy over arrays of labels (0/1), risks in [0, 1] and flags (the
decision at the operating level, ``medium``). Definitions follow the usual conventions:
average precision is the step-wise area under the precision-recall curve (no interpolation),
expected calibration error uses equal-width bins weighted by their share of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class BinaryMetrics:
    """Counts and rates of one group of items at the operating level."""

    n: int
    positives: int
    negatives: int
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float | None
    recall: float | None
    f1: float | None
    false_positive_rate: float | None
    average_precision: float | None
    """Area under the precision-recall curve of ``risk``; ``None`` without both classes."""


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One bin of a reliability diagram."""

    lower: float
    upper: float
    count: int
    mean_risk: float | None
    positive_rate: float | None


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Step-wise area under the precision-recall curve; ties are ranked together."""
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == len(y):
        return None
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    distinct = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[distinct]
    fps = (distinct + 1) - tps
    precision = tps / (tps + fps)
    recall = tps / n_pos
    previous = np.r_[0.0, recall[:-1]]
    return float(np.sum((recall - previous) * precision))


def binary_metrics(labels: Sequence[int], flags: Sequence[bool], risks: Sequence[float]) -> BinaryMetrics:
    """Precision, recall, F1 and false-positive rate of ``flags``; average precision of ``risks``."""
    y = np.asarray(labels, dtype=bool)
    f = np.asarray(flags, dtype=bool)
    tp = int(np.sum(y & f))
    fp = int(np.sum(~y & f))
    fn = int(np.sum(y & ~f))
    tn = int(np.sum(~y & ~f))
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else (0.0 if precision is not None and recall is not None else None)
    )
    return BinaryMetrics(
        n=len(y),
        positives=int(y.sum()),
        negatives=int((~y).sum()),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        precision=precision,
        recall=recall,
        f1=f1,
        false_positive_rate=_ratio(fp, fp + tn),
        average_precision=average_precision(list(y.astype(int)), risks),
    )


def reliability(labels: Sequence[int], risks: Sequence[float], bins: int = 10) -> list[CalibrationBin]:
    """Equal-width bins of ``risk`` with the observed positive rate in each."""
    y = np.asarray(labels, dtype=np.float64)
    r = np.clip(np.asarray(risks, dtype=np.float64), 0.0, 1.0)
    index = np.minimum((r * bins).astype(np.int64), bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        out.append(
            CalibrationBin(
                lower=b / bins,
                upper=(b + 1) / bins,
                count=count,
                mean_risk=float(r[mask].mean()) if count else None,
                positive_rate=float(y[mask].mean()) if count else None,
            )
        )
    return out


def expected_calibration_error(labels: Sequence[int], risks: Sequence[float], bins: int = 10) -> float | None:
    """Sum over bins of |mean risk - positive rate|, weighted by each bin's share of items."""
    table = reliability(labels, risks, bins)
    total = sum(b.count for b in table)
    if total == 0:
        return None
    err = 0.0
    for b in table:
        if b.count and b.mean_risk is not None and b.positive_rate is not None:
            err += b.count / total * abs(b.mean_risk - b.positive_rate)
    return err


def pr_curve(
    labels: Sequence[int], scores: Sequence[float]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Recall and precision at every distinct score threshold (for plotting)."""
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    distinct = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1] if len(s) else np.array([], dtype=np.int64)
    tps = np.cumsum(y)[distinct] if len(s) else np.array([], dtype=np.float64)
    n_pos = max(int(y.sum()), 1)
    precision = tps / (distinct + 1) if len(s) else np.array([], dtype=np.float64)
    return (tps / n_pos).astype(np.float64), np.asarray(precision, dtype=np.float64)
