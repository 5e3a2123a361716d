"""Metric code on tiny fixtures with hand-computed answers."""

from __future__ import annotations

import pytest

from tipguard.eval.metrics import (
    average_precision,
    binary_metrics,
    expected_calibration_error,
    pr_curve,
    reliability,
)


def test_average_precision_by_hand() -> None:
    # ranked: pos (P=1, R=.5), neg, pos (P=2/3, R=1), neg  ->  .5 * 1 + .5 * 2/3
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx(0.5 + 1 / 3)
    assert average_precision([1, 1, 0], [0.9, 0.8, 0.1]) == pytest.approx(1.0)
    assert average_precision([0, 0], [0.2, 0.3]) is None


def test_ties_are_ranked_together() -> None:
    # all scores tied: one threshold, precision = prevalence
    assert average_precision([1, 0, 0, 0], [0.5] * 4) == pytest.approx(0.25)


def test_binary_metrics_counts_and_rates() -> None:
    m = binary_metrics([1, 1, 0, 0, 0], [True, False, True, False, False], [0.9, 0.2, 0.6, 0.1, 0.0])
    assert (m.tp, m.fn, m.fp, m.tn) == (1, 1, 1, 2)
    assert m.precision == pytest.approx(0.5) and m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(0.5) and m.false_positive_rate == pytest.approx(1 / 3)
    empty = binary_metrics([0, 0], [False, False], [0.0, 0.0])
    assert empty.precision is None and empty.recall is None and empty.f1 is None


def test_calibration_by_hand() -> None:
    assert expected_calibration_error([1, 0], [0.9, 0.1]) == pytest.approx(0.1)
    assert expected_calibration_error([1, 0, 1, 0], [0.55, 0.55, 0.55, 0.55]) == pytest.approx(0.05)
    bins = reliability([1, 0, 1], [0.05, 0.05, 1.0])
    assert bins[0].count == 2 and bins[0].positive_rate == pytest.approx(0.5)
    assert bins[-1].count == 1 and bins[-1].mean_risk == pytest.approx(1.0)
    assert expected_calibration_error([], []) is None


def test_pr_curve_ends_at_full_recall() -> None:
    recall, precision = pr_curve([1, 0, 1], [0.9, 0.5, 0.1])
    assert recall[-1] == pytest.approx(1.0) and precision[0] == pytest.approx(1.0)
