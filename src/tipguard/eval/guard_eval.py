"""Evaluate the LLM guard: recall on harmful prompts, false positives on safe ones, per group.

The guard's figures are read per language, per framing and per category, because an average
hides exactly what the guard exists for: a payload that slips through once it is called a line
in a play, or once it is asked in Khmer. A prompt counts as caught when the decision is ``flag``
or ``block``; ``block`` alone is reported beside it. Per-prompt latency is measured in the same
pass (one prompt at a time, as a service calls the guard).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import tipguard
from tipguard.eval.guard_sets import GuardCase
from tipguard.eval.metrics import BinaryMetrics, binary_metrics
from tipguard.eval.report import fmt
from tipguard.guard.guard import Guard, GuardResult


@dataclass(frozen=True, slots=True)
class GuardEvalResult:
    """One guard evaluation, ready to be written as a report."""

    name: str
    split: str
    data_hash: str
    version: str
    thresholds: dict[str, float]
    overall: BinaryMetrics
    blocked: BinaryMetrics
    by_language: dict[str, BinaryMetrics]
    by_framing: dict[str, BinaryMetrics]
    by_category: dict[str, BinaryMetrics]
    judged_share: float
    latency_ms: dict[str, float]
    errors: int
    missed: tuple[str, ...] = field(default=())
    """Ids of harmful cases the guard allowed (ids only: no prompt text in reports)."""
    false_alarms: tuple[str, ...] = field(default=())


def cases_hash(cases: Sequence[GuardCase]) -> str:
    """A short hash of the cases' ids, labels and texts: which data a report was made on."""
    h = hashlib.sha256()
    for c in cases:
        turns = "\x1e".join(c.turns)
        h.update(f"{c.id}\t{c.category}\t{turns}\n".encode())
    return h.hexdigest()[:16]


def _groups(
    keys: Sequence[str], labels: Sequence[int], flags: Sequence[bool], scores: Sequence[float]
) -> dict[str, BinaryMetrics]:
    out: dict[str, BinaryMetrics] = {}
    for key in sorted(set(keys)):
        idx = [i for i, k in enumerate(keys) if k == key]
        out[key] = binary_metrics([labels[i] for i in idx], [flags[i] for i in idx], [scores[i] for i in idx])
    return out


def evaluate_guard(guard: Guard, name: str, cases: Iterable[GuardCase], split: str) -> GuardEvalResult:
    """Judge every case one at a time and gather the metrics."""
    rows = list(cases)
    results: list[GuardResult] = []
    times: list[float] = []
    for case in rows:
        start = time.perf_counter()
        results.append(guard.check_safe(case.turns[-1], history=case.turns[:-1], item_id=case.id))
        times.append((time.perf_counter() - start) * 1000.0)
    labels = [int(c.harmful) for c in rows]
    flags = [r.decision != "allow" for r in results]
    blocks = [r.decision == "block" for r in results]
    scores = [r.score for r in results]
    harmful_cats = [c.category or "benign" for c in rows]
    ms = np.asarray(times) if times else np.zeros(1)
    return GuardEvalResult(
        name=name,
        split=split,
        data_hash=cases_hash(rows),
        version=tipguard.__version__,
        thresholds=guard.thresholds,
        overall=binary_metrics(labels, flags, scores),
        blocked=binary_metrics(labels, blocks, scores),
        by_language=_groups([c.language for c in rows], labels, flags, scores),
        by_framing=_groups([c.framing for c in rows], labels, flags, scores),
        by_category=_groups(harmful_cats, labels, flags, scores),
        judged_share=float(np.mean([r.judged for r in results])) if results else 0.0,
        latency_ms={
            "p50": round(float(np.percentile(ms, 50)), 2),
            "p90": round(float(np.percentile(ms, 90)), 2),
            "p99": round(float(np.percentile(ms, 99)), 2),
            "max": round(float(ms.max()), 2),
        },
        errors=sum(r.error is not None for r in results),
        missed=tuple(c.id for c, f in zip(rows, flags, strict=True) if c.harmful and not f),
        false_alarms=tuple(c.id for c, f in zip(rows, flags, strict=True) if not c.harmful and f),
    )


def _table(title: str, groups: dict[str, BinaryMetrics], reference: str | None = None) -> list[str]:
    """A Markdown table; with ``reference``, each group's recall gap to that group's recall."""
    if not groups:
        return []
    base = groups.get(reference) if reference else None
    gap = base is not None and base.recall is not None
    lines = [
        f"### {title}",
        "",
        "| group | n | harmful | recall | FPR | precision |" + (" recall - plain |" if gap else ""),
        "|---|---|---|---|---|---|" + ("---|" if gap else ""),
    ]
    for key, m in groups.items():
        row = (
            f"| {key} | {m.n} | {m.positives} | {fmt(m.recall)} | {fmt(m.false_positive_rate, True)} | "
            f"{fmt(m.precision)} |"
        )
        if gap and base is not None and base.recall is not None:
            delta = f"{(m.recall - base.recall) * 100:+.1f} pt" if m.recall is not None else "-"
            row += f" {delta} |"
        lines.append(row)
    return [*lines, ""]


def write_guard_report(result: GuardEvalResult, out_dir: Path, command: str) -> list[Path]:
    """``<name>.md`` and ``<name>.json`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"guard-{result.name}-{result.split}"
    m, b = result.overall, result.blocked
    lines = [
        f"# Guard evaluation: {result.name} ({result.split})",
        "",
        f"- command: `{command}`",
        f"- tipguard {result.version}; data hash `{result.data_hash}`; thresholds "
        + ", ".join(f"{k} {v:.4f}" for k, v in result.thresholds.items()),
        f"- prompts: {m.n} ({m.positives} harmful, {m.negatives} benign); errors: {result.errors}",
        f"- caught (flag or block): recall {fmt(m.recall)}, false-positive rate "
        f"{fmt(m.false_positive_rate, True)}, precision {fmt(m.precision)}, "
        f"PR-AUC {fmt(m.average_precision)}",
        f"- blocked: recall {fmt(b.recall)}, false-positive rate {fmt(b.false_positive_rate, True)}",
        f"- share judged by the encoder stage: {result.judged_share:.1%}",
        f"- latency per prompt on this machine (ms): p50 {result.latency_ms['p50']}, "
        f"p90 {result.latency_ms['p90']}, p99 {result.latency_ms['p99']}, max {result.latency_ms['max']}",
        "",
    ]
    plain = "plain" if "plain" in result.by_framing else None
    lines += _table("By framing", result.by_framing, reference=plain)
    lines += _table("By language", result.by_language)
    lines += _table("By category", result.by_category)
    if result.missed:
        lines += ["### Missed harmful prompts (ids)", "", ", ".join(result.missed[:200]), ""]
    if result.false_alarms:
        lines += ["### Benign prompts flagged (ids)", "", ", ".join(result.false_alarms[:200]), ""]
    md = out_dir / f"{stem}.md"
    md.write_text("\n".join(lines), "utf-8")
    payload: dict[str, Any] = asdict(result)
    payload["command"] = command
    js = out_dir / f"{stem}.json"
    js.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return [md, js]


def load_guard_cases(name: str, split: str) -> tuple[str, list[GuardCase]]:
    """The cases of a guard set: a reframing-benchmark folder (``payloads.jsonl``), a public
    selection folder (``selection.jsonl``, texts read from ``shared/data``), or ``xstest``
    (its safe prompts: a false-positive set). ``split`` filters by the canonical split of the
    prompt's text unless it is ``all``.
    """
    from tipguard.eval.datasets import canonical_split, data_root, load
    from tipguard.eval.guard_sets import public_cases, reframing_cases

    path = Path(name)
    if name == "xstest":
        label = "xstest-safe"
        cases = [
            GuardCase(f"xstest:{i}", r.language or "en", "xstest", "", (r.text,))
            for i, r in enumerate(load("xstest"))
            if r.benign
        ]
    elif (path / "payloads.jsonl").is_file():
        label, cases = "reframing", list(reframing_cases(path))
    elif (path / "selection.jsonl").is_file():
        label, cases = "public", list(public_cases(data_root(), path / "selection.jsonl"))
    else:
        raise ValueError(
            f"unknown guard set {name!r}: give xstest, a reframing folder (payloads.jsonl) "
            "or a public selection folder (selection.jsonl)"
        )
    if split != "all":
        cases = [c for c in cases if canonical_split("\n".join(c.turns)) == split]
    return label, cases
