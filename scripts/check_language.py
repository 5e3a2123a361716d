"""Check one language's lexicon against its test cases (a tool for lexicon authors).

    python scripts/check_language.py es              # recall / FPR on src/tipguard/lexicons/cases/es.yaml
    python scripts/check_language.py --all-benign es # es rules firing on any language's benign cases
    python scripts/check_language.py --summary       # one line per language

A positive counts as caught when its verdict is ``medium`` or above and at least one expected
indicator fired; a benign case is a false positive when its verdict is ``medium`` or above.
The per-language report for the repository is written by ``benchmarks/lexicon_cases.py``.
"""

from __future__ import annotations

import argparse
import sys

from tipguard import Analyzer
from tipguard.eval.cases import score_language
from tipguard.lexicons.cases import cases_dir, load_cases
from tipguard.lexicons.loader import available_languages

CASES = cases_dir()


def check(analyzer: Analyzer, lang: str, verbose: bool) -> tuple[float, float, int, int]:
    score = score_language(analyzer, lang)
    if verbose:
        for o in score.outcomes:
            if o.correct:
                continue
            v = o.verdict
            if o.case.is_positive:
                fired = sorted({f.indicator for f in v.findings})
                print(f"  MISS [{v.level.value} {v.risk:.2f}] expect={list(o.case.expect)} fired={fired}")
            else:
                refs = [e.ref for f in v.findings for e in f.evidence]
                print(f"  FALSE POSITIVE [{v.level.value} {v.risk:.2f}] kind={o.case.kind} refs={refs}")
            print(f"       {o.case.text[:160]!r}")
    return score.recall, score.false_positive_rate, len(score.positives), len(score.benign)


def all_benign(analyzer: Analyzer, lang: str) -> None:
    """Report benign cases of every language where ``lang``'s rules fire."""
    for other in sorted(p.stem for p in CASES.glob("*.yaml")):
        texts = [c.text for c in load_cases(other) if not c.is_positive]
        for text, v in zip(texts, analyzer.analyze_batch(texts), strict=True):
            refs = [
                e.ref
                for f in v.findings
                for e in f.evidence
                if e.kind == "lexicon" and e.ref.startswith(f"{lang}:")
            ]
            if refs:
                print(f"  [{other} benign, level {v.level.value}] {refs}: {text[:120]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("languages", nargs="*")
    parser.add_argument("--all-benign", action="store_true")
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()
    analyzer = Analyzer(profile="fast").load()
    langs = args.languages or [p.stem for p in sorted(CASES.glob("*.yaml"))]
    failed = False
    for lang in langs:
        if args.all_benign:
            all_benign(analyzer, lang)
            continue
        if not (CASES / f"{lang}.yaml").exists():
            print(f"{lang}: no cases file")
            failed = True
            continue
        recall, fpr, npos, nneg = check(analyzer, lang, verbose=not args.summary)
        ok = recall >= 0.9 and fpr <= 0.1 and npos >= 15 and nneg >= 15
        failed |= not ok
        lex = "lexicon" if lang in available_languages() else "NO LEXICON"
        print(
            f"{lang}: recall {recall:.2f} ({npos} positives), FPR {fpr:.2f} ({nneg} benign), "
            f"{lex} -> {'OK' if ok else 'NOT YET'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
