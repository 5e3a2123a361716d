"""Throughput and peak memory of a profile on 20,000 short mixed-language messages.

    .venv/bin/python benchmarks/throughput.py [--profile fast|standard] [--n 20000] [--runs 3]

``fast`` writes ``reports/throughput.md``; other profiles ``reports/throughput-<profile>.md``.

The sample: every packaged lexicon case (31 languages, positives and look-alikes), then the
public proxy sets (Thai, Swahili, English SMS; any split: this measures speed, not quality),
messages of at most 300 characters, drawn with a fixed seed; non-English first so the mix stays
multilingual. One process, one thread, batches of 512, after loading. Peak memory is the
process's maximum resident set size (everything: interpreter, lexicons, the sample itself).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import stamp, write_report

from tipguard import Analyzer
from tipguard.detectors.encoder import raised_by_fast_tier
from tipguard.eval.datasets import load
from tipguard.lexicons.cases import all_cases

MAX_CHARS = 300
TARGETS = {"fast": 3000, "standard": 1000}
"""Messages per second each profile must keep (issues 2 and 3); ``deep`` has none: it reports
what the encoder tier costs for the share of items that reach it."""


def build_sample(n: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    cases = [c.text for c in all_cases() if len(c.text) <= MAX_CHARS]
    other = [r.text for name in ("thai-sms-scam", "swahili-sms-scam") for r in load(name)]
    english = [r.text for name in ("sms-spam-uci", "smish-dt") for r in load(name)]
    other = [t for t in dict.fromkeys(other) if 0 < len(t) <= MAX_CHARS]
    english = [t for t in dict.fromkeys(english) if 0 < len(t) <= MAX_CHARS]
    rng.shuffle(other)
    rng.shuffle(english)
    # cases repeated until they are a quarter of the sample (they are the only source of 27 languages)
    sample = (cases * (n // 4 // max(len(cases), 1) + 1))[: n // 4]
    sample += other[: n // 4]
    sample += english[: n - len(sample)]
    rng.shuffle(sample)
    return sample[:n]


def reference_seconds() -> float:
    """Time of a fixed pure-Python loop: how fast this machine is right now (shared machines vary)."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", default="fast")
    args = parser.parse_args()
    sample = build_sample(args.n)
    analyzer = Analyzer(profile=args.profile).load()
    analyzer.analyze_batch(sample[:512])  # warm-up
    rates = []
    verdicts = []
    for _ in range(args.runs):
        start = time.perf_counter()
        verdicts = []
        for i in range(0, len(sample), 512):
            verdicts.extend(analyzer.analyze_batch(sample[i : i + 512]))
        rates.append(len(sample) / (time.perf_counter() - start))
    reference = reference_seconds()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    languages = Counter(v.language for v in verdicts)
    chars = sum(len(t) for t in sample) / len(sample)
    data = {
        **stamp(),
        "profile": args.profile,
        "messages": len(sample),
        "mean_chars": round(chars, 1),
        "runs": [round(r) for r in rates],
        "messages_per_second_median": round(statistics.median(rates)),
        "peak_rss_mb": round(peak_mb, 1),
        "reference_loop_seconds": round(reference, 3),
        "languages_identified": dict(languages.most_common()),
    }
    rate = data["messages_per_second_median"]
    target = TARGETS.get(args.profile)
    routed = sum(raised_by_fast_tier(v.findings) for v in verdicts) / len(verdicts)
    if "encoder" in analyzer.config.detector_names:
        data["encoder_share"] = round(routed, 4)
    data["targets"] = {"messages_per_second": target, "peak_rss_mb": 300 if target else None}
    ok = target is not None and rate >= target and peak_mb < 300
    if target is None:
        verdict_line = "no target for this profile; the figures show what the encoder tier costs"
    else:
        verdict_line = "meets both targets" if ok else "DOES NOT meet the targets"
    rate_target = f">= {target:,}" if target else "-"
    rss_target = "< 300 MB" if target else "-"
    encoder_row = (
        f"| items that reach the encoder tier | {routed:.1%} | |\n"
        if "encoder" in analyzer.config.detector_names
        else ""
    )
    command = ".venv/bin/python benchmarks/throughput.py" + (
        f" --profile {args.profile}" if args.profile != "fast" else ""
    )
    command += f" --n {args.n}" if args.n != 20_000 else ""
    command += f" --runs {args.runs}" if args.runs != 3 else ""
    md = f"""# Throughput of the `{args.profile}` profile

Command: `{command}` ({data["generated"]}, commit {data["commit"]},
{data["machine"]}, Python {data["python"]}).

| measure | value | target |
|---|---|---|
| messages | {len(sample):,} (mean {chars:.0f} characters) | {"20,000" if target else "-"} |
| throughput, one process (median of {args.runs}) | **{rate:,} msgs/s** | {rate_target} |
| runs | {", ".join(f"{r:,.0f}" for r in rates)} | |
{encoder_row}| peak memory (max RSS of the whole process) | **{peak_mb:.0f} MB** | {rss_target} |
| machine speed now: 5M-iteration Python loop | {reference:.2f} s | (lower is faster) |

Result: {verdict_line}. The machine is shared and
its speed varies between runs; the reference loop above shows how fast it was during this one.

Sample: every packaged lexicon case (31 languages), Thai and Swahili SMS, then English SMS to
fill, at most {MAX_CHARS} characters each, fixed seed. Languages as identified:
{", ".join(f"{k} {v}" for k, v in languages.most_common())}.
"""
    write_report("throughput" if args.profile == "fast" else f"throughput-{args.profile}", data, md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
