"""The fast learned tier: hashed character n-grams and sparse linear heads.

Why this shape: every item goes through this tier, so it must cost well under a millisecond on
one laptop core, cover 31 languages without a tokenizer per language, and survive romanised and
mixed text. Character n-grams (within word boundaries) do all three; feature hashing keeps the
model free of a vocabulary file, so the shipped weights are just the non-zero coefficients of
each head. Static token embeddings were measured faster but lose cross-lingual meaning (see
``shared/MEASURED.md``); that judgement is the encoder tier's job.

The model reads the analyzer's NORMALIZED text (case-folded, homoglyphs and leetspeak undone),
so obfuscation does not change the features. Training lives in ``training/ngram/``; this module
only loads and applies the weights.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tipguard.errors import ModelLoadError
from tipguard.models import packaged_bytes

FORMAT = "tipguard-ngram/1"


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How texts become hashed feature vectors; stored with the weights so both always agree."""

    ngram_min: int = 1
    ngram_max: int = 5
    n_features: int = 2**20
    max_chars: int = 2000
    """Only the start of a long text is featurised: the cost stays bounded per item."""

    def vectorizer(self) -> Any:
        """A stateless scikit-learn ``HashingVectorizer`` for this spec."""
        from sklearn.feature_extraction.text import HashingVectorizer

        return HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(self.ngram_min, self.ngram_max),
            n_features=self.n_features,
            alternate_sign=False,
            lowercase=False,
            norm="l2",
            dtype=np.float32,
        )


@dataclass(frozen=True)
class NgramModel:
    """Sparse linear heads over hashed n-grams; immutable once loaded, safe to share."""

    spec: FeatureSpec
    heads: tuple[str, ...]
    weights: Any
    """scipy sparse matrix, ``n_features x len(heads)``; held as CSR (see ``__post_init__``)."""
    bias: np.ndarray
    metadata: dict[str, Any]

    def __post_init__(self) -> None:
        # Row-major weights make a product with a few hashed n-grams cost what those rows cost.
        # Column-major weights (what training produces and the file stores) made scipy convert
        # the whole matrix on every call: 23 ms for one short prompt instead of 0.1 ms.
        if hasattr(self.weights, "tocsr"):
            object.__setattr__(self, "weights", self.weights.tocsr())

    def features(self, texts: Sequence[str]) -> Any:
        """The hashed feature matrix (CSR, one row per text)."""
        cap = self.spec.max_chars
        return _vectorizer(self.spec).transform([t[:cap] for t in texts])

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Raw scores, ``len(texts) x len(heads)``."""
        if not texts:
            return np.zeros((0, len(self.heads)), dtype=np.float32)
        out = self.features(texts) @ self.weights
        dense = out.toarray() if hasattr(out, "toarray") else np.asarray(out)
        return np.asarray(dense + self.bias, dtype=np.float32)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Per-head probabilities (logistic), ``len(texts) x len(heads)``."""
        out: np.ndarray = 1.0 / (1.0 + np.exp(-self.logits(texts)))
        return out

    def head(self, name: str) -> int:
        """The column of a head."""
        return self.heads.index(name)

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the weights (non-zero coefficients only) and metadata to one ``.npz`` file."""
        from scipy import sparse

        csc = sparse.csc_matrix(self.weights)
        csc.eliminate_zeros()
        meta = {
            "format": FORMAT,
            "spec": {
                "ngram_min": self.spec.ngram_min,
                "ngram_max": self.spec.ngram_max,
                "n_features": self.spec.n_features,
                "max_chars": self.spec.max_chars,
            },
            "heads": list(self.heads),
            **self.metadata,
        }
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            data=csc.data.astype(np.float32),
            indices=csc.indices.astype(np.int32),
            indptr=csc.indptr.astype(np.int64),
            bias=np.asarray(self.bias, dtype=np.float32),
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def from_bytes(cls, raw: bytes, where: str = "model") -> NgramModel:
        """Load a model written by :meth:`save`."""
        from scipy import sparse

        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                if meta.get("format") != FORMAT:
                    raise ModelLoadError(f"{where}: not a {FORMAT} file")
                spec = FeatureSpec(**meta.pop("spec"))
                heads = tuple(meta.pop("heads"))
                meta.pop("format")
                weights = sparse.csc_matrix(
                    (z["data"], z["indices"], z["indptr"]), shape=(spec.n_features, len(heads))
                )
                bias = np.asarray(z["bias"], dtype=np.float32)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"{where}: cannot read model ({type(exc).__name__})") from exc
        return cls(spec, heads, weights, bias, meta)


_VECTORIZERS: dict[FeatureSpec, Any] = {}
_LOCK = threading.Lock()


def _vectorizer(spec: FeatureSpec) -> Any:
    vec = _VECTORIZERS.get(spec)
    if vec is None:
        with _LOCK:
            vec = _VECTORIZERS.setdefault(spec, spec.vectorizer())
    return vec


_PACKAGED: dict[str, NgramModel] = {}


def packaged_model(name: str) -> NgramModel:
    """A model shipped in ``tipguard/models/data/<name>.npz`` (loaded once per process)."""
    model = _PACKAGED.get(name)
    if model is None:
        with _LOCK:
            model = _PACKAGED.get(name)
            if model is None:
                raw = packaged_bytes(name)
                model = NgramModel.from_bytes(raw, where=f"packaged model {name!r}")
                _PACKAGED[name] = model
    return model
