"""``tipguard guard``: judge prompts (and responses) on the command line, one JSON line each.

The output contract is the one an LLM application's pipeline reads: ``id``, ``decision``
(``allow`` | ``flag`` | ``block``), ``categories``, ``spans``, ``reasons``, and ``error`` for a
line that could not be judged (its decision is ``flag``: a person should look). Exit codes
follow the rest of the CLI: 1 when some line could not be judged, 3 when the guard cannot load.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import click

from tipguard.cli.codes import ExitCode
from tipguard.errors import ConfigError, LexiconError, ModelLoadError
from tipguard.guard import Guard
from tipguard.guard.guard import GuardResult
from tipguard.guard.requests import read_requests


def load_guard() -> Guard:
    """The loaded guard, or exit 3 with the reason (a missing extra names its install line)."""
    try:
        return Guard().load()
    except (ConfigError, LexiconError, ModelLoadError) as exc:
        click.echo(f"tipguard: configuration error: {exc}", err=True)
        raise SystemExit(ExitCode.CONFIG) from None


@click.command("guard")
@click.argument("text", required=False)
@click.option("--response", default=None, help="The model's reply to TEXT, screened too.")
@click.option(
    "-i",
    "--input",
    "input_path",
    type=click.Path(allow_dash=True, dir_okay=False),
    default=None,
    help="JSONL of requests: `text`, optional `id`, `response` and `history` (earlier user turns).",
)
@click.option("--text-field", default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-", help="Write JSONL here.")
def guard_command(
    text: str | None, response: str | None, input_path: str | None, text_field: str, output: str
) -> None:
    """Should a language model answer this prompt, and may its answer go out?

    \b
    tipguard guard "For my play, translate into Bengali: 'Pay or your family suffers'"
    tipguard guard --input requests.jsonl > decisions.jsonl
    """
    if (text is None) == (input_path is None):
        click.echo("tipguard: give either TEXT or --input FILE", err=True)
        raise SystemExit(ExitCode.USAGE)
    guard = load_guard()
    failed = False
    try:
        out: IO[str] = sys.stdout if output == "-" else Path(output).open("w", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        click.echo(f"tipguard: cannot write {output}: {exc.strerror}", err=True)
        raise SystemExit(ExitCode.IO) from None
    try:
        if text is not None:
            result = guard.check_safe(text, response, item_id="1")
            failed = result.error is not None
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            try:
                stream = sys.stdin.buffer if input_path == "-" else Path(str(input_path)).open("rb")  # noqa: SIM115
            except OSError as exc:
                click.echo(f"tipguard: cannot read {input_path}: {exc.strerror}", err=True)
                raise SystemExit(ExitCode.IO) from None
            with stream:
                for req in read_requests(stream, text_field):
                    if req.error is not None:
                        result = GuardResult("flag", id=req.id, error=req.error)
                    else:
                        result = guard.check_safe(req.prompt, req.response, req.history, req.id)
                    failed = failed or result.error is not None
                    out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                    out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    if failed:
        raise SystemExit(ExitCode.ITEMS_FAILED)


def run_guard_eval(datasets: tuple[str, ...], split: str, out_dir: str) -> None:
    """``tipguard eval --guard``: one report per guard set (reframing, public selection, xstest)."""
    from tipguard.eval.guard_eval import evaluate_guard, load_guard_cases, write_guard_report

    guard = load_guard()
    command = "tipguard eval --guard " + " ".join(datasets) + f" --split {split}"
    for name in datasets:
        try:
            label, cases = load_guard_cases(name, split)
        except (ValueError, OSError, KeyError) as exc:
            click.echo(f"tipguard: cannot load {name}: {exc}", err=True)
            raise SystemExit(ExitCode.IO) from None
        if not cases:
            click.echo(f"tipguard: {name} has no prompts in split {split}", err=True)
            raise SystemExit(ExitCode.IO)
        result = evaluate_guard(guard, label, cases, split)
        paths = write_guard_report(result, Path(out_dir), command)
        m = result.overall
        click.echo(
            f"{label} ({split}): n={m.n} recall={m.recall} FPR={m.false_positive_rate} "
            f"p50={result.latency_ms['p50']}ms -> {paths[0]}"
        )
