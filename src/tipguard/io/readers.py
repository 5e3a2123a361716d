"""Read items from JSONL, CSV, Parquet or plain text, one record at a time, losing nothing.

Every physical record yields exactly one :class:`Record`: an item, or an error with a stable
code and a message that names the line and the problem but never quotes the text. Lines are
decoded one by one, so a single invalid byte spoils one line, not the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from tipguard.items import (
    Advert,
    Conversation,
    ConversationMessage,
    Item,
    Message,
    Profile,
    Prompt,
)

Format = Literal["jsonl", "csv", "parquet", "text"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet", "text")
_SUFFIX_FORMAT = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "text",
}


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: its 1-based line (or row) number and an item or an error."""

    line: int
    id: str
    item: Item | None = None
    error_code: str | None = None
    error_message: str | None = None


class RecordError(ValueError):
    """A record that cannot become an item; carries a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def guess_format(path: str | None, explicit: str | None) -> Format:
    """The input format: explicit, else from the file suffix, else JSONL for stdin."""
    if explicit:
        if explicit not in FORMATS:
            raise ValueError(f"unknown format {explicit!r}; formats: {list(FORMATS)}")
        return explicit  # type: ignore[return-value]
    if path and path != "-":
        return _SUFFIX_FORMAT.get(Path(path).suffix.lower(), "text")  # type: ignore[return-value]
    return "jsonl"


def _parse_time(value: Any, where: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError("invalid_time", f"{where}: `time` must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError("invalid_time", f"{where}: `time` is not ISO 8601") from None


def _opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise RecordError("wrong_type", f"`{key}` must be a string")


def item_from_object(obj: Any, text_field: str = "text") -> Item:
    """Build an item from a decoded JSON object (the JSONL and API input contract)."""
    if not isinstance(obj, dict):
        raise RecordError("wrong_type", f"expected a JSON object, got {type(obj).__name__}")
    item_id = _opt_str(obj, "id")
    platform = _opt_str(obj, "platform")
    if "messages" in obj and text_field not in obj:
        messages = obj["messages"]
        if not isinstance(messages, list) or not messages:
            raise RecordError("invalid_messages", "`messages` must be a non-empty list of objects")
        turns = []
        for n, m in enumerate(messages):
            if not isinstance(m, dict) or not isinstance(m.get("text"), str):
                raise RecordError("invalid_messages", f"message {n} needs a string `text`")
            turns.append(
                ConversationMessage(
                    m["text"], _opt_str(m, "sender"), _parse_time(m.get("time"), f"message {n}")
                )
            )
        return Conversation(tuple(turns), id=item_id, platform=platform)
    if text_field not in obj:
        raise RecordError("missing_field", f"no `{text_field}` field (nor `messages`)")
    text = obj[text_field]
    if not isinstance(text, str):
        raise RecordError("wrong_type", f"`{text_field}` must be a string")
    sender = _opt_str(obj, "sender")
    time = _parse_time(obj.get("time"), "item")
    kind = obj.get("kind", "message")
    if kind == "advert":
        return Advert(text, item_id, sender, time, platform)
    if kind == "profile":
        return Profile(text, item_id, sender, time, platform)
    if kind == "prompt":
        response = obj.get("response")
        if response is not None and not isinstance(response, str):
            raise RecordError("wrong_type", "`response` must be a string")
        return Prompt(text, response, item_id, sender, time, platform)
    if kind != "message":
        raise RecordError("wrong_type", "`kind` must be message, advert, profile or prompt")
    return Message(text, item_id, sender, time, platform)


def _record(line: int, build: Any) -> Record:
    try:
        item = build()
    except RecordError as exc:
        return Record(line, str(line), error_code=exc.code, error_message=f"line {line}: {exc}")
    return Record(line, item.id or str(line), item)


def _decode(raw: bytes, line: int, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise RecordError("decode_error", f"not valid {encoding}") from None


def _binary_lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for n, raw in enumerate(stream, start=1):
        yield n, raw.rstrip(b"\r\n")


def read_jsonl(stream: IO[bytes], text_field: str = "text", encoding: str = "utf-8") -> Iterator[Record]:
    """JSON Lines: blank lines are skipped (they are not records)."""
    for n, raw in _binary_lines(stream):
        if not raw.strip():
            continue

        def build(raw: bytes = raw, n: int = n) -> Item:
            text = _decode(raw, n, encoding)
            try:
                obj = json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                raise RecordError("malformed_json", "not a valid JSON object") from None
            return item_from_object(obj, text_field)

        yield _record(n, build)


def read_text(stream: IO[bytes], encoding: str = "utf-8") -> Iterator[Record]:
    """Plain text, one item per line; an empty line is reported as an empty item."""
    for n, raw in _binary_lines(stream):
        yield _record(n, lambda raw=raw, n=n: Message(_decode(raw, n, encoding)))


def read_csv(
    stream: IO[bytes], text_field: str = "text", encoding: str = "utf-8", delimiter: str | None = None
) -> Iterator[Record]:
    """CSV or TSV with a header row; bad bytes spoil only their row."""
    wrapper = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield from _csv_rows(wrapper, text_field, encoding, delimiter)
    finally:
        wrapper.detach()  # the caller owns (and closes) the binary stream


def _csv_rows(
    wrapper: io.TextIOWrapper, text_field: str, encoding: str, delimiter: str | None
) -> Iterator[Record]:
    first = wrapper.readline()
    if delimiter is None:
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    reader = csv.reader(wrapper, delimiter=delimiter)
    row_no = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            row_no += 1
            yield Record(
                row_no, str(row_no), error_code="malformed_csv", error_message=f"row {row_no}: malformed CSV"
            )
            continue
        row_no += 1

        def build(row: list[str] = row) -> Item:
            if any(_has_surrogate(cell) for cell in row):
                raise RecordError("decode_error", f"not valid {encoding}")
            if len(row) != len(header):
                raise RecordError("malformed_csv", f"{len(row)} cells for {len(header)} columns")
            return item_from_object(dict(zip(header, row, strict=True)), text_field)

        yield _record(row_no, build)


def _has_surrogate(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def read_parquet(path: str, text_field: str = "text") -> Iterator[Record]:
    """Parquet files (needs ``pyarrow``: ``pip install tipguard[parquet]``)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise RecordError(
            "missing_dependency", "reading Parquet needs pyarrow: pip install 'tipguard[parquet]'"
        ) from None
    table = pq.ParquetFile(path)
    n = 0
    for batch in table.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            n += 1
            row = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            yield _record(n, lambda row=row: item_from_object(row, text_field))


def read_records(
    path: str | None,
    fmt: Format,
    stream: IO[bytes] | None = None,
    text_field: str = "text",
    encoding: str = "utf-8",
) -> Iterator[Record]:
    """Records from a path (or ``-``/``None`` with ``stream``) in the given format."""
    if fmt == "parquet":
        if not path or path == "-":
            raise RecordError("unsupported", "Parquet cannot be read from standard input")
        yield from read_parquet(path, text_field)
        return
    if stream is None:
        if path is None:
            raise ValueError("read_records needs a path or a stream")
        with open(path, "rb") as fh:
            yield from read_records(path, fmt, fh, text_field, encoding)
        return
    if fmt == "jsonl":
        yield from read_jsonl(stream, text_field, encoding)
    elif fmt == "csv":
        yield from read_csv(stream, text_field, encoding, "\t" if path and path.endswith(".tsv") else None)
    else:
        yield from read_text(stream, encoding)
