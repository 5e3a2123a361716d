"""Write an evaluation as Markdown, JSON and PNG plots (precision-recall, reliability)."""

from __future__ import annotations

import json
from pathlib import Path

from tipguard.eval.metrics import BinaryMetrics, pr_curve
from tipguard.eval.run import EvalResult


def fmt(value: float | None, pct: bool = False) -> str:
    """A metric for a Markdown table: three decimals, a percentage, or ``-`` when undefined."""
    if value is None:
        return "-"
    return f"{value:.1%}" if pct else f"{value:.3f}"


def _table(title: str, groups: dict[str, BinaryMetrics]) -> list[str]:
    if not groups:
        return []
    lines = [
        f"### {title}",
        "",
        "| group | n | positives | precision | recall | F1 | FPR | PR-AUC |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in groups.items():
        lines.append(
            f"| {name} | {m.n} | {m.positives} | {fmt(m.precision)} | {fmt(m.recall)} | "
            f"{fmt(m.f1)} | {fmt(m.false_positive_rate, True)} | {fmt(m.average_precision)} |"
        )
    return [*lines, ""]


def _plots(result: EvalResult, out_dir: Path, stem: str) -> list[str]:
    """PNG plots when matplotlib is installed (``pip install 'tipguard[eval]'``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    written = []

    def save(name: str, xs: list[float], ys: list[float], diagonal: bool, **labels: str) -> None:
        fig, ax = plt.subplots(figsize=(4.5, 4))
        if diagonal:
            ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
            ax.plot(xs, ys, marker="o")
        else:
            ax.step(xs, ys, where="post")
        ax.set(xlim=(0, 1), ylim=(0, 1.02), **labels)
        fig.tight_layout()
        fig.savefig(out_dir / f"{stem}-{name}.png", dpi=110)
        plt.close(fig)
        written.append(f"{stem}-{name}.png")

    if 0 < result.overall.positives < result.overall.n:
        recall, precision = pr_curve(result.labels, result.risks)
        save(
            "pr",
            list(recall),
            list(precision),
            False,
            xlabel="recall",
            ylabel="precision",
            title=f"{result.dataset}: PR (AP {fmt(result.overall.average_precision)})",
        )
    points = [
        (b.mean_risk, b.positive_rate)
        for b in result.reliability
        if b.mean_risk is not None and b.positive_rate is not None
    ]
    if points:
        save(
            "reliability",
            [x for x, _ in points],
            [y for _, y in points],
            True,
            xlabel="mean risk in bin",
            ylabel="observed positive rate",
            title=f"{result.dataset}: reliability (ECE {fmt(result.ece)})",
        )
    return written


def write_report(result: EvalResult, out_dir: Path, command: str) -> list[Path]:
    """Write ``<dataset>-<split>.md``, ``.json`` and plots into ``out_dir``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{result.dataset}-{result.split}"
    plots = _plots(result, out_dir, stem)
    m = result.overall
    calib = (
        "calibrated"
        if result.calibrated
        else "NOT calibrated (interim rule or indicator scores): ECE is shown as a baseline"
    )
    lines = [
        f"# Evaluation: {result.dataset} ({result.split})",
        "",
        f"Command: `{command}`. tipguard {result.version}, config {result.config_hash}, "
        f"data set hash {result.dataset_hash}. Decision: {result.decision}.",
        "",
        "| items | positives | precision | recall | F1 | FPR | PR-AUC | ECE | items/s | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {m.n} | {m.positives} | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | "
        f"{fmt(m.false_positive_rate, True)} | {fmt(m.average_precision)} | {fmt(result.ece)} | "
        f"{result.throughput:,.0f} | {result.errors} |",
        "",
        f"Risk: {calib}.",
        "",
        *(
            [
                f"Encoder tier: {result.encoder_share:.1%} of the items reached it (the ones the "
                "n-gram tier raised); the items/s above include its cost.",
                "",
            ]
            if result.encoder_share is not None
            else []
        ),
        *_table("By the set's own subset and label", result.by_group),
        *_table("By language", result.by_language),
        *_table("By indicator family (positives)", result.by_family),
        *_table("By kind of look-alike (benign)", result.by_kind),
    ]
    if result.baseline is not None:
        base = result.baseline["overall"]["all"]
        lines += [
            "## Side by side: character n-gram TF-IDF + logistic regression baseline",
            "",
            "Trained on the canonical train split of the `--baseline` folders in the command above, "
            "threshold chosen on their validation split (see `tipguard/eval/baseline.py`).",
            "",
            "| model | precision | recall | F1 | FPR | PR-AUC |",
            "|---|---|---|---|---|---|",
            f"| tipguard ({result.config_hash}) | {fmt(m.precision)} | {fmt(m.recall)} | {fmt(m.f1)} | "
            f"{fmt(m.false_positive_rate, True)} | {fmt(m.average_precision)} |",
            f"| TF-IDF + LR baseline | {fmt(base.precision)} | {fmt(base.recall)} | {fmt(base.f1)} | "
            f"{fmt(base.false_positive_rate, True)} | {fmt(base.average_precision)} |",
            "",
            *_table("Baseline by subset and label", result.baseline["group"]),
            *_table("Baseline by language", result.baseline["language"]),
        ]
    if result.indicators_fired:
        lines += [
            "Indicators on flagged items: "
            + ", ".join(f"{k} {v}" for k, v in result.indicators_fired.items()),
            "",
        ]
    lines += [f"![{p}]({p})" for p in plots]
    md = out_dir / f"{stem}.md"
    md.write_text("\n".join(lines) + "\n", "utf-8")
    js = out_dir / f"{stem}.json"
    js.write_text(json.dumps({**result.to_dict(), "command": command}, indent=2) + "\n", "utf-8")
    return [md, js, *(out_dir / p for p in plots)]
