"""``tipguard indicators``: export shareable indicators as STIX 2.1, and match texts against
partners' bundles.

Kept apart from ``main.py`` because it is the one command group that handles a secret (the
sharing-group key, read from an environment variable and never from the command line, where
it would land in shell history and process lists) and the only one that needs ``stix2``.
Output never contains input text: bundles hold keyed hashes and fingerprints, match rows hold
item ids, indicator ids and character offsets.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import IO, Any, NoReturn

import click

from tipguard.cli.codes import ExitCode
from tipguard.errors import BundleError, ConfigError
from tipguard.io.readers import FORMATS, Record, guess_format, read_records
from tipguard.items import Conversation, Item, ItemKind
from tipguard.sharing.index import IndicatorIndex, IndicatorMatch
from tipguard.sharing.keys import DEFAULT_SECRET_ENV, SharingKey
from tipguard.sharing.stix import TLP_LEVELS, BundleBuilder

_TEMPLATE_KINDS = {"adverts": (ItemKind.ADVERT, ItemKind.PROFILE), "all": tuple(ItemKind), "none": ()}


def _fail(code_name: str, message: str) -> NoReturn:
    """Print ``message`` and exit with the CLI's exit code of that name (``ExitCode``)."""
    click.echo(f"tipguard: {message}", err=True)
    raise SystemExit(ExitCode[code_name])


def _key(variable: str) -> SharingKey:
    try:
        return SharingKey.from_env(variable)
    except ConfigError as exc:
        _fail("CONFIG", f"configuration error: {exc}")


def _records(inputs: tuple[str, ...], fmt: str | None, text_field: str, encoding: str) -> Iterator[Record]:
    for path in inputs or ("-",):
        fmt_used = guess_format(path, fmt)
        try:
            if path != "-" and not os.path.exists(path):
                raise FileNotFoundError(path)
            stream = sys.stdin.buffer if path == "-" else None
            yield from read_records(None if path == "-" else path, fmt_used, stream, text_field, encoding)
        except OSError as exc:
            _fail("IO", f"cannot read {path}: {exc.strerror or type(exc).__name__}")


def _open_output(output: str) -> IO[str]:
    try:
        return sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    except OSError as exc:
        _fail("IO", f"cannot open output: {exc.strerror}")


_input_options = [
    click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True)),
    click.option("--format", "fmt", type=click.Choice(FORMATS), help="Input format (default: from suffix)."),
    click.option("--text-field", default="text", show_default=True, help="Field holding the text."),
    click.option("--encoding", default="utf-8", show_default=True),
    click.option(
        "--secret-env",
        default=DEFAULT_SECRET_ENV,
        show_default=True,
        help="Environment variable holding the sharing-group secret (never pass it as an argument).",
    ),
    click.option(
        "--region",
        "regions",
        multiple=True,
        help="Phone region(s) (ISO 3166, e.g. ID) for numbers without a country code; "
        "default: guessed from each text's language.",
    ),
    click.option("-o", "--output", type=click.Path(allow_dash=True), default="-", show_default=True),
]


def _with_input_options(func: Any) -> Any:
    for option in reversed(_input_options):
        func = option(func)
    return func


@click.group()
def indicators() -> None:
    """Share indicators (keyed hashes, template fingerprints) with partners as STIX 2.1."""


@indicators.command("export")
@_with_input_options
@click.option("--tlp", type=click.Choice([*TLP_LEVELS, "white"]), default="amber", show_default=True)
@click.option(
    "--organisation",
    "--org",
    envvar="TIPGUARD_ORGANISATION",
    required=True,
    help="Name of the producing organisation (the bundle's Identity); or TIPGUARD_ORGANISATION.",
)
@click.option("--confidence", type=click.IntRange(0, 100), default=50, show_default=True)
@click.option(
    "--valid-days", type=click.IntRange(min=1), default=None, help="Set valid_until this many days ahead."
)
@click.option(
    "--templates",
    type=click.Choice(sorted(_TEMPLATE_KINDS)),
    default="adverts",
    show_default=True,
    help="Which items get a template fingerprint (adverts: kind advert or profile).",
)
def export_command(
    inputs: tuple[str, ...],
    fmt: str | None,
    text_field: str,
    encoding: str,
    secret_env: str,
    regions: tuple[str, ...],
    output: str,
    tlp: str,
    organisation: str,
    confidence: int,
    valid_days: int | None,
    templates: str,
) -> None:
    """Extract contact points and templates from INPUTS and write a STIX 2.1 bundle."""
    from datetime import timedelta

    key = _key(secret_env)
    try:
        builder = BundleBuilder(
            key,
            organisation=organisation,
            tlp=tlp,
            confidence=confidence,
            valid_for=timedelta(days=valid_days) if valid_days else None,
        )
    except ConfigError as exc:
        _fail("CONFIG", f"configuration error: {exc}")
    fingerprinted = _TEMPLATE_KINDS[templates]
    items = failed = 0
    for record in _records(inputs, fmt, text_field, encoding):
        if record.item is None:
            failed += 1
            continue
        items += 1
        builder.add_text(
            record.item.text, regions=regions or None, template=record.item.kind in fingerprinted
        )
    try:
        bundle = builder.to_json()
    except ImportError as exc:
        _fail("CONFIG", str(exc))
    out = _open_output(output)
    try:
        out.write(bundle + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"tipguard: {builder.size} indicator(s) from {items} item(s), TLP:{tlp.upper()}", err=True)
    if failed:
        _fail("ITEMS_FAILED", f"{failed} record(s) could not be read and were left out")


def _load_index(key: SharingKey, bundles: tuple[str, ...], index_files: tuple[str, ...]) -> IndicatorIndex:
    index = IndicatorIndex(key)
    for path in index_files:
        try:
            with open(path, "rb") as fh:
                loaded = IndicatorIndex.from_json(fh.read(), key)
        except OSError as exc:
            _fail("IO", f"cannot read {path}: {exc.strerror}")
        except BundleError as exc:
            _fail("IO", f"cannot use index {path}: {exc}")
        except ConfigError as exc:
            _fail("CONFIG", f"configuration error: {path}: {exc}")
        index.merge(loaded)
    for path in bundles:
        try:
            with open(path, "rb") as fh:
                summary = index.add_bundle(fh.read())
        except OSError as exc:
            _fail("IO", f"cannot read {path}: {exc.strerror}")
        except BundleError as exc:
            _fail("IO", f"cannot use bundle {path}: {exc}")
        except ImportError as exc:
            _fail("CONFIG", str(exc))
        click.echo(
            f"tipguard: {path}: {summary.added} indicator(s) added, {summary.other_key} made with "
            f"another key, {summary.expired} expired",
            err=True,
        )
    return index


def _span(item: Item, match: IndicatorMatch) -> list[int]:
    """``[start, end]``, or ``[start, end, message]`` inside a conversation's message."""
    if not isinstance(item, Conversation):
        return [match.span.start, match.span.end]
    offsets = item.message_offsets()
    idx = max(i for i, o in enumerate(offsets) if o <= match.span.start)
    length = len(item.messages[idx].text)
    start = match.span.start - offsets[idx]
    return [start, min(match.span.end - offsets[idx], length), idx]


def _match_row(record_id: str, item: Item, matches: list[IndicatorMatch]) -> dict[str, Any]:
    return {
        "id": record_id,
        "matches": [
            {
                "indicator": m.indicator_id,
                "kind": m.kind.value,
                "span": _span(item, m),
                "partner": m.partner_id,
                "partner_name": m.partner_name,
                "tlp": m.tlp,
                "similarity": m.similarity,
            }
            for m in matches
        ],
    }


@indicators.command("match")
@_with_input_options
@click.option(
    "--bundle",
    "bundles",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A partner's bundle (repeatable).",
)
@click.option(
    "--index",
    "index_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A saved index (repeatable).",
)
@click.option("--templates/--no-templates", default=True, show_default=True, help="Match templates too.")
def match_command(
    inputs: tuple[str, ...],
    fmt: str | None,
    text_field: str,
    encoding: str,
    secret_env: str,
    regions: tuple[str, ...],
    output: str,
    bundles: tuple[str, ...],
    index_files: tuple[str, ...],
    templates: bool,
) -> None:
    """Print one JSON object per item of INPUTS that matches a partner's indicator."""
    if not bundles and not index_files:
        _fail("USAGE", "give at least one --bundle or --index")
    index = _load_index(_key(secret_env), bundles, index_files)
    out = _open_output(output)
    items = matched = failed = 0
    try:
        for record in _records(inputs, fmt, text_field, encoding):
            if record.item is None:
                failed += 1
                continue
            items += 1
            found = index.match(record.item.text, regions=regions or None, templates=templates)
            if found:
                matched += 1
                out.write(json.dumps(_match_row(record.id, record.item, found), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"tipguard: {matched} of {items} item(s) matched {len(index)} indicator(s)", err=True)
    if failed:
        _fail("ITEMS_FAILED", f"{failed} record(s) could not be read")


@indicators.command("index")
@click.option("--bundle", "bundles", multiple=True, required=True, type=click.Path(dir_okay=False))
@click.option("--secret-env", default=DEFAULT_SECRET_ENV, show_default=True)
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-", show_default=True)
def index_command(bundles: tuple[str, ...], secret_env: str, output: str) -> None:
    """Build an index from partners' bundles and save it as JSON (no secret inside)."""
    index = _load_index(_key(secret_env), bundles, ())
    out = _open_output(output)
    try:
        out.write(index.to_json() + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
