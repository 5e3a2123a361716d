"""How the `fast` analyzer does on texts its lexicon authors never saw (`eval/unseen/`).

    .venv/bin/python benchmarks/unseen.py

Flagged = level >= `medium`. Positives count as caught when flagged (any indicator);
benign look-alikes count as false positives when flagged. Nothing was tuned on these texts.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, stamp, write_report

from tipguard import Analyzer, Level
from tipguard.langid import TARGET_LANGUAGES

UNSEEN = ROOT / "eval" / "unseen"


def main() -> int:
    analyzer = Analyzer(profile="fast").load()
    rows = []
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lang in TARGET_LANGUAGES:
        path = UNSEEN / f"{lang}.jsonl"
        if not path.exists():
            rows.append({"language": lang, "missing": True})
            continue
        items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        verdicts = analyzer.analyze_batch([i["text"] for i in items])
        pos = neg = caught = flagged = 0
        for item, v in zip(items, verdicts, strict=True):
            hit = v.level >= Level.MEDIUM
            if item["label"]:
                pos += 1
                caught += hit
                by_family[item.get("family", "?")][0] += hit
                by_family[item.get("family", "?")][1] += 1
            else:
                neg += 1
                flagged += hit
                by_kind[item.get("kind", "?")][0] += hit
                by_kind[item.get("kind", "?")][1] += 1
        rows.append(
            {
                "language": lang,
                "positives": pos,
                "benign": neg,
                "recall": round(caught / pos, 3) if pos else None,
                "false_positive_rate": round(flagged / neg, 3) if neg else None,
            }
        )
    done = [r for r in rows if not r.get("missing")]
    tp = sum(round(r["recall"] * r["positives"]) for r in done)
    fp = sum(round(r["false_positive_rate"] * r["benign"]) for r in done)
    npos = sum(r["positives"] for r in done)
    nneg = sum(r["benign"] for r in done)
    data = {
        **stamp(),
        "languages": rows,
        "overall": {
            "positives": npos,
            "benign": nneg,
            "recall": round(tp / npos, 3) if npos else None,
            "false_positive_rate": round(fp / nneg, 3) if nneg else None,
        },
        "recall_by_family": {k: round(a / b, 3) for k, (a, b) in by_family.items()},
        "false_positive_rate_by_kind": {k: round(a / b, 3) for k, (a, b) in by_kind.items()},
    }
    lines = [
        "# Unseen texts: the `fast` profile on texts its lexicon authors never saw",
        "",
        f"Command: `.venv/bin/python benchmarks/unseen.py` ({data['generated']}, commit {data['commit']}). "
        "Texts: `eval/unseen/` (10 positives + 10 benign look-alikes per language, written after the "
        "lexicons by writers who had not seen them; nothing tuned on them). Flagged = level >= `medium`. "
        "No target in this release: this is the honest gap between the lexicons' own cases "
        "(`lexicon_cases.md`) and new phrasing.",
        "",
        f"Overall: recall **{data['overall']['recall']}** on {npos} positives, false-positive rate "
        f"**{data['overall']['false_positive_rate']}** on {nneg} benign look-alikes.",
        "",
        "Recall by family: "
        + ", ".join(f"{k} {v:.2f}" for k, v in sorted(data["recall_by_family"].items()))
        + ". False-positive rate by kind: "
        + ", ".join(f"{k} {v:.2f}" for k, v in sorted(data["false_positive_rate_by_kind"].items()))
        + ".",
        "",
        "| lang | positives | recall | benign | FPR |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['language']} | missing | | | |")
        else:
            lines.append(
                f"| {r['language']} | {r['positives']} | {r['recall']:.2f} | {r['benign']} | "
                f"{r['false_positive_rate']:.2f} |"
            )
    lines.append("")
    write_report("unseen", data, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
