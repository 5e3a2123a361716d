"""Offset maps: every rewrite of the text remembers where each character came from.

Detectors search a normalized view of the text but must report spans in the ORIGINAL text, the
one the user sees. Each normalization step is written as a list of edits (replace ``[start, end)``
by a string); :func:`apply_edits` performs them and records, for each output character, the
range of input characters that produced it. Maps compose, so a span found after five steps
still lands on the right characters of the original.

The common case, a step that changes nothing or changes characters one for one, keeps the
map as ``None`` (identity) and costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` by the string (which may be empty: a deletion)."""


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """For each character of a derived text, the ``[start, end)`` range of its source text."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    source_length: int

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the derived text to the smallest covering source span."""
        n = len(self.starts)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if start == end:
            pos = self.starts[start] if start < n else self.source_length
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, OffsetMap | None]:
    """Apply sorted, non-overlapping edits; return the new text and its map to ``text``."""
    if not edits:
        return text, None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos or end < start:
            raise ValueError("edits must be sorted and non-overlapping")
        if start > pos:
            pieces.append(text[pos:start])
            starts.extend(range(pos, start))
            ends.extend(range(pos + 1, start + 1))
        if repl:
            pieces.append(repl)
            if len(repl) == end - start:
                starts.extend(range(start, end))
                ends.extend(range(start + 1, end + 1))
            else:
                starts.extend([start] * len(repl))
                ends.extend([max(end, start + 1)] * len(repl))
        pos = end
    if pos < len(text):
        pieces.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return "".join(pieces), OffsetMap(tuple(starts), tuple(ends), len(text))


def compose(first: OffsetMap | None, second: OffsetMap | None) -> OffsetMap | None:
    """The map of two steps in a row: ``second`` maps into the output of ``first``."""
    if first is None:
        return second
    if second is None:
        return first
    fs, fe = first.starts, first.ends
    starts = tuple(fs[s] for s in second.starts)
    ends = tuple(fe[e - 1] for e in second.ends)
    return OffsetMap(starts, ends, first.source_length)


def map_span(offsets: OffsetMap | None, start: int, end: int, source_length: int) -> tuple[int, int]:
    """Map a span through ``offsets`` (``None`` = identity), clamped to the source."""
    if offsets is None:
        start = min(max(start, 0), source_length)
        return start, min(max(end, start), source_length)
    return offsets.to_source(start, end)
