"""Sentence embeddings for training the encoder tier, computed once and cached on disk.

Embedding the corpora takes a few minutes on two cores, and every training run needs the same
vectors, so they are kept under ``training/.cache/`` (ignored by git), keyed by the text's hash
and the encoder backend. Needs the ``encoder`` extra.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from tipguard.models.encoder import DIM, Encoder

CACHE_DIR = Path(__file__).resolve().parent / ".cache"


class Embeddings:
    """Text -> embedding, through the shipped encoder, cached on disk."""

    def __init__(self) -> None:
        self.encoder = Encoder()
        self.path = CACHE_DIR / f"e5-{self.encoder.backend}.npz"
        self.cache: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as z:
                self.cache = dict(zip(z["keys"].tolist(), z["emb"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if self.key(t) not in self.cache]
        if missing:
            print(f"embedding {len(missing)} texts ({self.encoder.backend})", flush=True)
            for t, e in zip(missing, self.encoder.embed(missing), strict=True):
                self.cache[self.key(t)] = e
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, keys=np.asarray(list(self.cache)), emb=np.vstack(list(self.cache.values())))
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.vstack([self.cache[self.key(t)] for t in texts])
