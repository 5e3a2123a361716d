"""The encoder tier's dense heads: persistence and arithmetic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tipguard.errors import ModelLoadError
from tipguard.models.heads import DenseHeads, MlpHeads


def test_heads_round_trip_and_score(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    heads = DenseHeads(
        ("risk", "advert"),
        rng.normal(size=(8, 2)).astype(np.float32),
        np.asarray([0.5, -1.0], np.float32),
        {"floors": {"risk": 0.3}},
    )
    path = tmp_path / "h.npz"
    heads.save(path)
    again = DenseHeads.from_bytes(path.read_bytes())
    assert again.heads == ("risk", "advert") and again.metadata == {"floors": {"risk": 0.3}}
    x = rng.normal(size=(3, 8)).astype(np.float32)
    expected = 1 / (1 + np.exp(-(x @ heads.weights + heads.bias)))
    assert np.allclose(again.probabilities(x), expected, atol=1e-6)
    assert again.probabilities(np.zeros((0, 8), np.float32)).shape == (0, 2)
    assert again.head("advert") == 1


def test_unreadable_or_mismatched_heads_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        DenseHeads.from_bytes(b"not an npz file")
    bad = DenseHeads(("risk",), np.zeros((4, 2), np.float32), np.zeros(2, np.float32), {})
    bad.save(tmp_path / "bad.npz")
    with pytest.raises(ModelLoadError, match="do not match"):
        DenseHeads.from_bytes((tmp_path / "bad.npz").read_bytes())


def test_mlp_heads_round_trip_and_reject_mismatched_weights(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    heads = MlpHeads(
        ("harmful", "GRD_PROCEEDS"),
        rng.normal(size=(384, 16)).astype(np.float32),
        rng.normal(size=16).astype(np.float32),
        rng.normal(size=(16, 2)).astype(np.float32),
        np.zeros(2, dtype=np.float32),
        {"thresholds": {"flag": 0.7, "block": 0.9}},
    )
    path = tmp_path / "mlp.npz"
    heads.save(path)
    back = MlpHeads.from_bytes(path.read_bytes())
    emb = rng.normal(size=(3, 384)).astype(np.float32)
    assert np.allclose(back.probabilities(emb), heads.probabilities(emb))
    assert back.metadata["thresholds"]["flag"] == 0.7 and back.head("GRD_PROCEEDS") == 1
    hidden = np.maximum(emb @ heads.hidden_weights + heads.hidden_bias, 0)
    expected = 1 / (1 + np.exp(-(hidden @ heads.weights + heads.bias)))
    assert np.allclose(heads.probabilities(emb), expected, atol=1e-5)
    broken = MlpHeads(heads.heads, heads.hidden_weights, heads.hidden_bias, heads.weights[:8], heads.bias, {})
    broken.save(path)
    with pytest.raises(ModelLoadError, match="do not match"):
        MlpHeads.from_bytes(path.read_bytes())
    DenseHeads(("harmful",), np.zeros((4, 1), np.float32), np.zeros(1, np.float32), {}).save(path)
    with pytest.raises(ModelLoadError, match="not a tipguard-mlp"):
        MlpHeads.from_bytes(path.read_bytes())
