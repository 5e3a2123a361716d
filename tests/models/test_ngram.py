"""The fast learned tier's model file: round trip, determinism, bounded cost, clear load errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from tipguard.errors import ModelLoadError
from tipguard.models.ngram import FeatureSpec, NgramModel, packaged_model


def tiny_model() -> NgramModel:
    spec = FeatureSpec(ngram_min=1, ngram_max=3, n_features=2**10, max_chars=50)
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(spec.n_features, 2)).astype(np.float32)
    dense[dense < 0.5] = 0.0
    return NgramModel(
        spec, ("risk", "threat"), sparse.csc_matrix(dense), np.array([0.1, -0.2], np.float32), {"x": 1}
    )


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = tiny_model()
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = NgramModel.from_bytes(path.read_bytes())
    texts = ["pay the fee first", "", "ขอบคุณครับ"]
    assert np.allclose(model.logits(texts), loaded.logits(texts))
    assert loaded.heads == ("risk", "threat") and loaded.metadata["x"] == 1
    assert loaded.spec == model.spec


def test_long_texts_are_cut_to_the_feature_cap() -> None:
    model = tiny_model()
    assert np.allclose(model.logits(["a" * 50]), model.logits(["a" * 50 + "b" * 10_000]))


def test_empty_batch_and_garbage_file() -> None:
    assert tiny_model().probabilities([]).shape == (0, 2)
    with pytest.raises(ModelLoadError):
        NgramModel.from_bytes(b"not a model")


def test_packaged_model_loads_and_is_deterministic() -> None:
    model = packaged_model("ngram")
    assert model.heads[0] == "risk" and "threat" in model.heads
    assert set(model.metadata["floors"]) == {"risk", "threat"}
    assert len(model.metadata["languages"]) == 31
    texts = ["Hiring girls for Dubai hotel, free visa, pay later", "see you at dinner"]
    first = model.probabilities(texts)
    assert np.array_equal(first, model.probabilities(texts))
    assert ((first >= 0) & (first <= 1)).all()
