"""How often the `fast` analyzer flags the public proxy sets (canonical test split).

    .venv/bin/python benchmarks/proxy_sets.py

None of these sets is trafficking data: smishing, scam and spam SMS in English, Thai and
Swahili. The benign rows show the false-positive rate the detectors would impose on a
platform's ordinary traffic; the scam rows show how much of generic fraud they touch. No target
yet: this is the baseline later learned tiers are measured against. Each set is reported on its
own; no threshold was chosen on these rows.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import stamp, write_report

from tipguard import Analyzer, Level
from tipguard.eval.datasets import load

SETS = ("sms-spam-uci", "smish-dt", "thai-sms-scam", "swahili-sms-scam")


def main() -> int:
    analyzer = Analyzer(profile="fast").load()
    rows = []
    for name in SETS:
        data = load(name, "test")
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for r in data:
            groups[(r.subset, r.label)].append(r)
        for (subset, label), items in sorted(groups.items()):
            verdicts = analyzer.analyze_batch([r.text for r in items])
            flagged = [v for v in verdicts if v.level >= Level.MEDIUM]
            fired = Counter(f.indicator for v in flagged for f in v.findings)
            rows.append(
                {
                    "dataset": name,
                    "subset": subset,
                    "label": label,
                    "benign": items[0].benign,
                    "rows": len(items),
                    "flagged_medium_or_above": round(len(flagged) / len(items), 4),
                    "any_finding": round(sum(bool(v.findings) for v in verdicts) / len(items), 4),
                    "top_indicators_when_flagged": dict(fired.most_common(5)),
                }
            )
    report = {**stamp(), "split": "test", "results": rows}
    lines = [
        "# Public proxy sets: flag rates of the `fast` profile (canonical test split)",
        "",
        f"Command: `.venv/bin/python benchmarks/proxy_sets.py` ({report['generated']}, commit "
        f"{report['commit']}). Flagged = level >= `medium`. No target in this release; these are "
        "the baseline for the learned tiers. The sets are proxies (smishing, scams, spam), not "
        "trafficking data, and are evaluation-only: nothing was trained or tuned on them.",
        "",
        "| data set | subset | label | benign? | rows | flagged (>= medium) | any finding | "
        "indicators when flagged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        top = ", ".join(f"{k} {v}" for k, v in r["top_indicators_when_flagged"].items()) or "-"
        lines.append(
            f"| {r['dataset']} | {r['subset']} | {r['label']} | {'yes' if r['benign'] else 'no'} | "
            f"{r['rows']} | {r['flagged_medium_or_above']:.2%} | {r['any_finding']:.2%} | {top} |"
        )
    lines.append("")
    write_report("proxy_sets", report, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
