"""Closest training/test pairs per language, so a paraphrase leak would show.

    .venv/bin/python benchmarks/corpus_overlap.py

Similarity: cosine of character 3-5-gram TF-IDF vectors (fit on both files of a language).
Exact repeats are already refused by `tests/test_corpora.py`; this reports the nearest pairs
that remain, and how many pairs pass 0.8. (The multilingual-encoder check of issue 3 comes with
the encoder tier.) Needs scikit-learn.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, stamp, write_report
from sklearn.feature_extraction.text import TfidfVectorizer

from tipguard.langid import TARGET_LANGUAGES

THRESHOLD = 0.8


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def main() -> int:
    rows = []
    for lang in TARGET_LANGUAGES:
        train_path = ROOT / "corpora" / "train" / f"{lang}.jsonl"
        test_path = ROOT / "corpora" / "test" / f"{lang}.jsonl"
        if not (train_path.exists() and test_path.exists()):
            rows.append({"language": lang, "missing": True})
            continue
        train, test = _texts(train_path), _texts(test_path)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(train + test)
        sims = (vec.transform(test) @ vec.transform(train).T).toarray()
        best = sims.max(axis=1)
        i = int(best.argmax())
        j = int(sims[i].argmax())
        rows.append(
            {
                "language": lang,
                "test": len(test),
                "train": len(train),
                "max_similarity": round(float(best.max()), 3),
                "mean_nearest": round(float(best.mean()), 3),
                "pairs_over_threshold": int((best > THRESHOLD).sum()),
                "closest_test": test[i][:90],
                "closest_train": train[j][:90],
            }
        )
    data = {**stamp(), "threshold": THRESHOLD, "languages": rows}
    lines = [
        "# Training vs test corpus: nearest pairs (character n-gram cosine)",
        "",
        f"Command: `.venv/bin/python benchmarks/corpus_overlap.py` ({data['generated']}, commit "
        f"{data['commit']}). For each test text, its most similar training text; a paraphrase "
        f"leak would show as similarity near 1. Pairs over {THRESHOLD} are counted.",
        "",
        "| lang | test | train | max | mean nearest | over threshold | closest pair (test / train) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['language']} | missing | | | | | |")
            continue
        pair = f"{r['closest_test']} / {r['closest_train']}".replace("|", "/")
        lines.append(
            f"| {r['language']} | {r['test']} | {r['train']} | {r['max_similarity']} | "
            f"{r['mean_nearest']} | {r['pairs_over_threshold']} | {pair} |"
        )
    lines.append("")
    write_report("corpus_overlap", data, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
