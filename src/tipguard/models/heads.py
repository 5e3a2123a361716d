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
        meta = {"format": FORMAT, "heads": list(self.heads), **self.metadata}
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            weights=self.weights.astype(np.float32),
            bias=self.bias.astype(np.float32),
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def from_bytes(cls, raw: bytes, where: str = "heads") -> DenseHeads:
        """Load heads written by :meth:`save`."""
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                if meta.pop("format", None) != FORMAT:
                    raise ModelLoadError(f"{where}: not a {FORMAT} file")
                heads = tuple(meta.pop("heads"))
                weights = np.asarray(z["weights"], dtype=np.float32)
                bias = np.asarray(z["bias"], dtype=np.float32)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"{where}: cannot read heads ({type(exc).__name__})") from exc
        if weights.shape != (weights.shape[0], len(heads)) or bias.shape != (len(heads),):
            raise ModelLoadError(f"{where}: weights do not match the heads")
        return cls(heads, weights, bias, meta)


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
