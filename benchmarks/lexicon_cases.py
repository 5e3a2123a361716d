"""Per-language recall and false-positive rate of the `fast` analyzer on the packaged cases.

    .venv/bin/python benchmarks/lexicon_cases.py

Caught and false positive are defined once, in ``tipguard.eval.cases``. The cases are the
lexicon authors' development examples (written natively, synthetic), not a held-out test set:
they show the lexicons do what their authors meant, in every language, and guard against
regressions. Held-out measurement is the job of `tipguard eval` (issue 3).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import stamp, write_report

from tipguard import Analyzer
from tipguard.eval.cases import score_language
from tipguard.langid import TARGET_LANGUAGES
from tipguard.lexicons.cases import case_languages
from tipguard.lexicons.loader import load_files


def main() -> int:
    analyzer = Analyzer(profile="fast").load()
    rules = {f.language: len(f.rules) for f in load_files()}
    rows = []
    for lang in TARGET_LANGUAGES:
        if lang not in case_languages():
            rows.append({"language": lang, "missing": True})
            continue
        score = score_language(analyzer, lang)
        pos, neg = score.positives, score.benign
        any_finding = sum(bool(o.verdict.findings) for o in neg)
        lang_ok = [
            o.verdict.language == lang or {o.verdict.language, lang} <= {"id", "ms"} for o in score.outcomes
        ]
        rows.append(
            {
                "language": lang,
                "rules": rules.get(lang, 0),
                "positives": len(pos),
                "benign": len(neg),
                "recall": round(score.recall, 3),
                "false_positive_rate": round(score.false_positive_rate, 3),
                "benign_with_any_finding": round(any_finding / len(neg), 3),
                "language_id_accuracy": round(sum(lang_ok) / len(lang_ok), 3),
                "families": dict(Counter(o.case.family for o in pos)),
                "benign_kinds": dict(Counter(o.case.kind for o in neg)),
            }
        )
    done = [r for r in rows if not r.get("missing")]
    ok = all(
        r["recall"] >= 0.9 and r["false_positive_rate"] <= 0.1 and r["positives"] >= 15 and r["benign"] >= 15
        for r in done
    ) and len(done) == len(TARGET_LANGUAGES)
    data = {**stamp(), "languages": rows, "all_targets_met": ok}
    lines = [
        "# Lexicon cases: per-language recall and false-positive rate (`fast` profile)",
        "",
        f"Command: `.venv/bin/python benchmarks/lexicon_cases.py` ({data['generated']}, commit "
        f"{data['commit']}). Targets per language: >= 15 positives and >= 15 benign look-alikes, "
        "recall >= 0.9, false-positive rate <= 0.1, where caught/flagged means level >= `medium`.",
        "",
        "These cases are the lexicon authors' own development examples, so the numbers show the "
        "lexicons work as written in every language; they are not a held-out estimate of quality "
        "on real traffic (see `proxy_sets.md` for public data).",
        "",
        "| lang | rules | positives | benign | recall | FPR | benign with any finding "
        "| language ID correct |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['language']} | - | missing | | | | | |")
            continue
        lines.append(
            f"| {r['language']} | {r['rules']} | {r['positives']} | {r['benign']} | {r['recall']:.2f} | "
            f"{r['false_positive_rate']:.2f} | {r['benign_with_any_finding']:.2f} | "
            f"{r['language_id_accuracy']:.2f} |"
        )
    total_pos = sum(r["positives"] for r in done)
    total_neg = sum(r["benign"] for r in done)
    lines += [
        "",
        f"Total: {total_pos} positives, {total_neg} benign look-alikes in {len(done)} languages. "
        f"All targets met: **{'yes' if ok else 'no'}**.",
        "",
    ]
    write_report("lexicon_cases", data, "\n".join(lines))
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
