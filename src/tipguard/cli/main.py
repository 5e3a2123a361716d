"""The ``tipguard`` command line: scan, explain, taxonomy, detectors, config.

Exit codes (``ExitCode``): 0 every item analysed; 1 at least one item could not be analysed
(each such item is still written, with its ``error``); 2 usage error; 3 configuration error;
4 input or output could not be opened.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any

import click

from tipguard.cli.codes import ExitCode
from tipguard.cli.guard import guard_command, run_guard_eval
from tipguard.cli.indicators import indicators as indicators_group
from tipguard.cli.proxy import proxy as proxy_command
from tipguard.cli.service import keys as keys_group
from tipguard.cli.service import serve as serve_command
from tipguard.config import PROFILES, load_config
from tipguard.errors import ConfigError, LexiconError, ModelLoadError
from tipguard.io.readers import FORMATS, Record, guess_format, read_records
from tipguard.io.serialize import verdict_to_dict
from tipguard.pipeline.analyzer import Analyzer
from tipguard.results import Level, Verdict
from tipguard.taxonomy.codes import INDICATORS

BATCH = 512


def _analyzer(profile: str | None, config: str | None, detectors: str | None) -> Analyzer:
    try:
        return Analyzer(load_config(config, profile=profile, detectors=detectors)).load()
    except (ConfigError, LexiconError, ModelLoadError) as exc:
        click.echo(f"tipguard: configuration error: {exc}", err=True)
        raise SystemExit(ExitCode.CONFIG) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tipguard")
def cli() -> None:
    """Find signals of human trafficking in text, in many languages."""


def _error_row(record: Record) -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "id": record.id,
        "language": "unknown",
        "risk": 0.0,
        "level": "none",
        "findings": [],
        "error": {"code": record.error_code, "message": record.error_message, "line": record.line},
    }


def _batches(records: Iterator[Record]) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for r in records:
        batch.append(r)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sample_path() -> str:
    return str(resources.files("tipguard").joinpath("samples/messages.jsonl"))


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--sample", is_flag=True, help="Scan the bundled multilingual sample.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Input format (default: from suffix; JSONL on stdin)."
)
@click.option("--text-field", default="text", show_default=True, help="Field holding the text.")
@click.option("--encoding", default="utf-8", show_default=True)
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-", help="Write JSONL here.")
@click.option(
    "--min-level",
    type=click.Choice([lv.value for lv in Level]),
    default="none",
    show_default=True,
    help="Only write verdicts at or above this level (errors are always written).",
)
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None)
@click.option("--detectors", default=None, help="Comma-separated detector names (overrides the profile).")
@click.option("--config", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--evidence/--no-evidence", default=False, help="Include evidence entries.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def scan(
    inputs: tuple[str, ...],
    sample: bool,
    fmt: str | None,
    text_field: str,
    encoding: str,
    output: str,
    min_level: str,
    profile: str | None,
    detectors: str | None,
    config: str | None,
    evidence: bool,
    progress: bool | None,
) -> None:
    """Scan files (or stdin) and write one JSON verdict per input item, in input order."""
    paths = list(inputs) or ([_sample_path()] if sample else ["-"])
    analyzer = _analyzer(profile, config, detectors)
    floor = Level(min_level)
    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        out: IO[str] = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        click.echo(f"tipguard: cannot open output: {exc.strerror}", err=True)
        raise SystemExit(ExitCode.IO) from None
    failed = 0
    total = 0
    try:
        for path in paths:
            fmt_used = guess_format(path, fmt)
            try:
                stream = sys.stdin.buffer if path == "-" else None
                if path != "-" and not os.path.exists(path):
                    raise FileNotFoundError(path)
                records = read_records(path if path != "-" else None, fmt_used, stream, text_field, encoding)
                bar = _progress(path, fmt_used) if show_progress else None
                for batch in _batches(records):
                    good = [r for r in batch if r.item is not None]
                    verdicts = iter(
                        analyzer.analyze_batch(
                            [r.item for r in good if r.item is not None], ids=[r.id for r in good]
                        )
                    )
                    for r in batch:
                        total += 1
                        if r.item is None:
                            failed += 1
                            out.write(json.dumps(_error_row(r), ensure_ascii=False) + "\n")
                            continue
                        v: Verdict = next(verdicts)
                        if v.error is not None:
                            failed += 1
                        elif v.level < floor:
                            continue
                        row = verdict_to_dict(v, evidence=evidence)
                        if v.error is not None:
                            row["error"]["line"] = r.line
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    if bar is not None:
                        bar.update(len(batch))
                    elif show_progress:
                        click.echo(f"\rscanned {total} item(s)", err=True, nl=False)
                if bar is not None:
                    bar.render_finish()
                elif show_progress:
                    click.echo("", err=True)
            except BrokenPipeError:
                # the reader went away (`tipguard scan ... | head`): stop quietly, as Unix tools do
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's flush at exit quiet
                raise SystemExit(ExitCode.OK) from None
            except OSError as exc:
                click.echo(f"tipguard: cannot read {path}: {exc.strerror or exc}", err=True)
                raise SystemExit(ExitCode.IO) from None
    finally:
        if out is not sys.stdout:
            out.close()
    if failed:
        click.echo(f"tipguard: {failed} of {total} item(s) could not be analysed (see `error`)", err=True)
        raise SystemExit(ExitCode.ITEMS_FAILED)


def _progress(path: str, fmt: str) -> Any:
    """A progress bar over the records of a file; ``None`` for stdin and Parquet."""
    if path == "-" or fmt == "parquet":
        return None
    with open(path, "rb") as fh:
        lines = sum(1 for _ in fh)
    return click.progressbar(
        length=lines, label=os.path.basename(path), file=sys.stderr, show_pos=True, show_eta=True
    )


_COLOURS = ("red", "yellow", "magenta", "cyan", "blue", "green")


@cli.command()
@click.argument("text")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON with evidence.")
def explain(text: str, profile: str | None, as_json: bool) -> None:
    """Show TEXT with the fired spans highlighted, and why each indicator fired."""
    analyzer = _analyzer(profile, None, None)
    verdict = analyzer.analyze(text)
    if as_json:
        click.echo(json.dumps(verdict_to_dict(verdict), ensure_ascii=False, indent=2))
        return
    if verdict.error is not None:
        click.echo(f"not analysed: {verdict.error.code}: {verdict.error.message}")
        raise SystemExit(ExitCode.ITEMS_FAILED)
    colour_of = {f.indicator: _COLOURS[n % len(_COLOURS)] for n, f in enumerate(verdict.findings)}
    marks: list[tuple[int, int, str]] = []
    for f in verdict.findings:
        for s in f.spans:
            marks.append((s.start, s.end, f.indicator))
    marks.sort()
    pieces = []
    pos = 0
    for start, end, code in marks:
        if start < pos:
            continue
        pieces.append(text[pos:start])
        pieces.append(
            click.style("[", dim=True)
            + click.style(text[start:end], fg=colour_of[code], bold=True)
            + click.style(f"]{{{code}}}", dim=True)
        )
        pos = end
    pieces.append(text[pos:])
    click.echo("".join(pieces))
    click.echo()
    note = " (calibrated)" if verdict.calibrated else " (interim rule, not calibrated)"
    click.echo(
        f"risk {verdict.risk:.2f}  level {verdict.level.value}{note}  "
        f"language {verdict.language} ({verdict.language_confidence:.2f})"
    )
    for f in verdict.findings:
        refs = ", ".join(dict.fromkeys(e.ref for e in f.evidence))
        click.echo(
            click.style(f"  {f.indicator}", fg=colour_of[f.indicator], bold=True)
            + f"  {f.score:.2f}  {f.detector}\n      {f.reason}\n      evidence: {refs}"
        )
        for e in f.entities:
            click.echo(f"      contact: {e.kind} {e.value}" + (f" ({e.platform})" if e.platform else ""))
    if not verdict.findings:
        click.echo("  no indicators found")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def taxonomy(as_json: bool) -> None:
    """Print every indicator with its family, Palermo mapping and AI capability."""
    if as_json:
        rows = [
            {
                "code": i.code,
                "family": i.family.value,
                "description": i.description,
                "acts": [a.value for a in i.acts],
                "means": [m.value for m in i.means],
                "purposes": [p.value for p in i.purposes],
                "ai_capabilities": [c.value for c in i.ai_capabilities],
                "htcds": i.htcds,
            }
            for i in INDICATORS.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(c) for c in INDICATORS)
    for info in INDICATORS.values():
        palermo = "; ".join(
            filter(
                None,
                [
                    "act: " + ",".join(a.value for a in info.acts) if info.acts else "",
                    "means: " + ",".join(m.value for m in info.means) if info.means else "",
                    "purpose: " + ",".join(p.value for p in info.purposes) if info.purposes else "",
                ],
            )
        )
        ai = ",".join(c.value for c in info.ai_capabilities) or "-"
        click.echo(f"{info.code:<{width}}  {info.family.value:<12} {info.description}")
        click.echo(f"{'':<{width}}  {'':<12} {palermo or '-'} | AI: {ai}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
def detectors(as_json: bool) -> None:
    """List the registered detectors."""
    from tipguard.detectors.registry import registered

    rows = []
    for name, cls in registered().items():
        det = cls()
        rows.append(
            {
                "name": name,
                "version": cls.version,
                "id": det.id,
                "indicators": list(cls.indicators),
                "languages": list(det.languages),
                "item_kinds": [k.value for k in cls.item_kinds],
                "description": cls.description,
                "profiles": [p for p, names in PROFILES.items() if name in names],
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<20} profiles: {','.join(r['profiles']) or '-'}")
        click.echo(f"    {r['description']}")
        click.echo(f"    indicators ({len(r['indicators'])}): {', '.join(r['indicators'])}")
        click.echo(f"    languages ({len(r['languages'])}): {' '.join(r['languages'])}")


@cli.command("eval")
@click.argument("datasets", nargs=-1, required=True)
@click.option(
    "--split",
    type=click.Choice(["test", "validation", "train", "all"]),
    default="test",
    show_default=True,
    help="Canonical split (shared/data/README.md); `all` for eval-only JSONL sets.",
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports/eval", show_default=True)
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None)
@click.option("--config", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--baseline",
    "baseline_dirs",
    type=click.Path(exists=True, file_okay=False),
    multiple=True,
    help="Also train and report the TF-IDF + LR baseline on this corpus folder (repeat for several).",
)
@click.option(
    "--indicator",
    default=None,
    help="Measure whether this indicator (code or prefix, e.g. CTL_THREAT) fires, not the level.",
)
@click.option(
    "--positive-family",
    default="threat",
    show_default=True,
    help="With --indicator: rows of this family are the positives; benign rows the negatives.",
)
@click.option(
    "--guard",
    "guard_sets",
    is_flag=True,
    help="Evaluate the LLM guard instead: xstest, a reframing folder (eval/guard) or a public "
    "selection folder (eval/guard/public).",
)
def eval_command(
    datasets: tuple[str, ...],
    split: str,
    out_dir: str,
    profile: str | None,
    config: str | None,
    baseline_dirs: tuple[str, ...],
    indicator: str | None,
    positive_family: str,
    guard_sets: bool,
) -> None:
    """Evaluate on public sets by name or JSONL files (text, label[, language, family, kind]).

    Writes Markdown, JSON and PNG plots per data set: precision, recall, F1, FPR at level
    medium, PR-AUC, calibration, and breakdowns by language, family, kind and subset. With
    ``--guard``: the guard's recall and false-positive rate by framing, language and category.
    """
    if guard_sets:
        run_guard_eval(datasets, split, out_dir)
        return

    from tipguard.eval.report import write_report
    from tipguard.eval.run import evaluate, load_dataset

    analyzer = _analyzer(profile, config, None)
    command = "tipguard eval " + " ".join(datasets) + f" --split {split}"
    if indicator is not None:
        command += f" --indicator {indicator} --positive-family {positive_family}"
    baseline = None
    if baseline_dirs:
        from tipguard.eval.baseline import train_baseline

        try:
            baseline = train_baseline([Path(d) for d in baseline_dirs])
        except (ImportError, ValueError) as exc:
            click.echo(f"tipguard: baseline: {exc}", err=True)
            raise SystemExit(ExitCode.CONFIG) from None
        command += "".join(f" --baseline {d}" for d in baseline_dirs)
    for name in datasets:
        try:
            label, rows = load_dataset(name, split)
        except (ValueError, OSError) as exc:
            click.echo(f"tipguard: cannot load {name}: {exc}", err=True)
            raise SystemExit(ExitCode.IO) from None
        if not rows:
            click.echo(f"tipguard: {name} has no rows in split {split}", err=True)
            raise SystemExit(ExitCode.IO)
        if indicator is not None:
            label = f"{label}-{indicator.lower().replace('_', '-')}"
        result = evaluate(
            analyzer,
            label,
            rows,
            split,
            baseline=baseline,
            indicator=indicator,
            positive_family=positive_family,
        )
        paths = write_report(result, Path(out_dir), command)
        m = result.overall
        click.echo(
            f"{label} ({split}): n={m.n} precision={m.precision} recall={m.recall} "
            f"FPR={m.false_positive_rate} -> {paths[0]}"
        )


@cli.group()
def config() -> None:
    """Inspect configuration."""


@config.command("show")
@click.option("--config", "path", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None)
def config_show(path: str | None, profile: str | None) -> None:
    """Print the effective configuration and its hash."""
    try:
        cfg = load_config(path, profile=profile)
    except ConfigError as exc:
        click.echo(f"tipguard: configuration error: {exc}", err=True)
        raise SystemExit(ExitCode.CONFIG) from None
    data = cfg.model_dump(mode="json")
    data["detectors_enabled"] = list(cfg.detector_names)
    data["digest"] = cfg.digest()
    click.echo(json.dumps(data, indent=2))


cli.add_command(guard_command)
cli.add_command(indicators_group)
cli.add_command(proxy_command)
cli.add_command(serve_command)
cli.add_command(keys_group)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="tipguard")
