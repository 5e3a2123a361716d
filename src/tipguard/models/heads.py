"""Dense linear heads over sentence embeddings: the encoder tier's classifier.

Why so small: the encoder (multilingual-e5-small) already places a lure in Swahili near a lure in
Tagalog; a logistic head per family on its 384-d embedding is enough to carry a judgement learnt
mostly in some languages over to the others, and it is a few kilobytes, so the tier's weight is
the encoder, not the head. Training is in ``training/train_encoder.py``; this module only loads
and applies the weights.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tipguard.errors import ModelLoadError
from tipguard.models import packaged_bytes

FORMAT = "tipguard-heads/1"


@dataclass(frozen=True)
class DenseHeads:
    """Logistic heads, ``weights`` ``dim x len(heads)``; immutable once loaded."""

    heads: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    metadata: dict[str, Any]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Per-head probabilities, ``len(embeddings) x len(heads)``."""
        if embeddings.shape[0] == 0:
            return np.zeros((0, len(self.heads)), dtype=np.float32)
        z = embeddings.astype(np.float32) @ self.weights + self.bias
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out

    def head(self, name: str) -> int:
        """The column of a head."""
        return self.heads.index(name)

    def save(self, path: Path) -> None:
        """Write weights and metadata to one ``.npz`` file."""
        _write(path, FORMAT, self.heads, self.metadata, weights=self.weights, bias=self.bias)

    @classmethod
    def from_bytes(cls, raw: bytes, where: str = "heads") -> DenseHeads:
        """Load heads written by :meth:`save`."""
        heads, meta, (weights, bias) = _read(raw, FORMAT, where, ("weights", "bias"))
        if weights.shape != (weights.shape[0], len(heads)) or bias.shape != (len(heads),):
            raise ModelLoadError(f"{where}: weights do not match the heads")
        return cls(heads, weights, bias, meta)


def _write(
    path: Path, fmt: str, heads: tuple[str, ...], metadata: dict[str, Any], **arrays: np.ndarray
) -> None:
    """One ``.npz``: the JSON metadata (format, heads, training facts) and float32 arrays."""
    meta = {"format": fmt, "heads": list(heads), **metadata}
    payload: dict[str, Any] = {k: v.astype(np.float32) for k, v in arrays.items()}
    payload["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez_compressed(buf, **payload)
    path.write_bytes(buf.getvalue())


def _read(
    raw: bytes, fmt: str, where: str, names: tuple[str, ...]
) -> tuple[tuple[str, ...], dict[str, Any], list[np.ndarray]]:
    """The heads, the remaining metadata and the named arrays of a file written by :func:`_write`."""
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            if meta.pop("format", None) != fmt:
                raise ModelLoadError(f"{where}: not a {fmt} file")
            heads = tuple(meta.pop("heads"))
            arrays = [np.asarray(z[k], dtype=np.float32) for k in names]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(f"{where}: cannot read heads ({type(exc).__name__})") from exc
    return heads, meta, arrays


_PACKAGED: dict[str, DenseHeads] = {}
_LOCK = threading.Lock()


def packaged_heads(name: str) -> DenseHeads:
    """Heads shipped in ``tipguard/models/data/<name>.npz`` (loaded once per process)."""
    with _LOCK:
        heads = _PACKAGED.get(name)
        if heads is None:
            heads = DenseHeads.from_bytes(packaged_bytes(name, "heads"), where=f"packaged heads {name!r}")
            _PACKAGED[name] = heads
    return heads


MLP_FORMAT = "tipguard-mlp/1"


@dataclass(frozen=True)
class MlpHeads:
    """One hidden ReLU layer under sigmoid heads, over sentence embeddings.

    Why not :class:`DenseHeads` here: a prompt that asks for harm and one that only talks about
    it sit close together in the encoder's space, and a linear cut between them needs far more
    examples than a written corpus gives. A hidden layer of a few hundred units found the
    request-versus-topic boundary on validation prompts (0.90 recall at a 4% false-positive rate
    against 0.80 for the best linear head) and still weighs a few hundred kilobytes.
    """

    heads: tuple[str, ...]
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    metadata: dict[str, Any]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Per-head probabilities, ``len(embeddings) x len(heads)``."""
        if embeddings.shape[0] == 0:
            return np.zeros((0, len(self.heads)), dtype=np.float32)
        hidden = np.maximum(embeddings.astype(np.float32) @ self.hidden_weights + self.hidden_bias, 0.0)
        z = hidden @ self.weights + self.bias
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out

    def head(self, name: str) -> int:
        """The column of a head."""
        return self.heads.index(name)

    def save(self, path: Path) -> None:
        """Write weights and metadata to one ``.npz`` file."""
        _write(
            path,
            MLP_FORMAT,
            self.heads,
            self.metadata,
            hidden_weights=self.hidden_weights,
            hidden_bias=self.hidden_bias,
            weights=self.weights,
            bias=self.bias,
        )

    @classmethod
    def from_bytes(cls, raw: bytes, where: str = "heads") -> MlpHeads:
        """Load heads written by :meth:`save`."""
        names = ("hidden_weights", "hidden_bias", "weights", "bias")
        heads, meta, arrays = _read(raw, MLP_FORMAT, where, names)
        w1, b1, w2, b2 = arrays
        if (
            w1.ndim != 2
            or b1.shape != (w1.shape[1],)
            or w2.shape != (w1.shape[1], len(heads))
            or b2.shape != (len(heads),)
        ):
            raise ModelLoadError(f"{where}: weights do not match the heads")
        return cls(heads, w1, b1, w2, b2, meta)


_PACKAGED_MLP: dict[str, MlpHeads] = {}


def packaged_mlp(name: str) -> MlpHeads:
    """MLP heads shipped in ``tipguard/models/data/<name>.npz`` (loaded once per process)."""
    with _LOCK:
        heads = _PACKAGED_MLP.get(name)
        if heads is None:
            heads = MlpHeads.from_bytes(packaged_bytes(name, "heads"), where=f"packaged heads {name!r}")
            _PACKAGED_MLP[name] = heads
    return heads
