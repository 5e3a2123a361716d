"""Turn a verdict's finding spans into flat, non-overlapping segments a template can mark up.

Findings overlap (``passport`` inside ``Give me your passport``, two indicators on one word), and
HTML ``<mark>`` elements must not cross. So the text is cut at every span edge and each piece
carries the set of indicators covering it: the template wraps a piece in one ``<mark>`` naming
all of them, never nesting. Offsets are Python string indices (code points) into the ORIGINAL
text, exactly as detectors report them, so Bengali or Thai text with combining marks is cut
where the detector meant; spans outside the text are clipped rather than trusted.

Conversations are highlighted message by message: a span ``[start, end, message]`` points into
one message, and a two-element span points into the messages joined by newlines (the text the
detectors read), which is mapped back onto each message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True, slots=True)
class Mark:
    """One indicator over ``[start, end)`` of the text being rendered."""

    start: int
    end: int
    indicator: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of text and the indicators covering all of it (empty: plain text)."""

    text: str
    start: int
    end: int
    indicators: tuple[str, ...]


def _findings(verdict: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    findings = verdict.get("findings") or []
    return [f for f in findings if isinstance(f, Mapping)]


def _span(raw: Any) -> tuple[int, int, int | None] | None:
    if not isinstance(raw, Sequence) or len(raw) not in (2, 3):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        return None
    return int(raw[0]), int(raw[1]), (int(raw[2]) if len(raw) == 3 else None)


def marks_of(verdict: Mapping[str, Any], message: int | None = None, offset: int = 0) -> list[Mark]:
    """The marks of a verdict for one text.

    Args:
        verdict: a verdict in the output contract (``verdict_to_dict``).
        message: ``None`` for a single text; else the index of the conversation message rendered.
        offset: where that message starts in the joined conversation text (for two-element spans).
    """
    marks: list[Mark] = []
    for finding in _findings(verdict):
        code = str(finding.get("indicator", ""))
        for raw in finding.get("spans") or []:
            span = _span(raw)
            if span is None:
                continue
            start, end, index = span
            if index is None:
                marks.append(Mark(start - offset, end - offset, code))
            elif index == message:
                marks.append(Mark(start, end, code))
    return marks


def segments(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """``text`` cut at every mark edge; adjacent pieces with the same indicators are merged.

    A piece's indicators are ordered most specific first (the narrowest mark covering it), so
    the colour a template gives the first one shows the tightest evidence, not a broad span.
    """
    size = len(text)
    clipped = [
        Mark(max(0, m.start), min(size, m.end), m.indicator) for m in marks if m.end > 0 and m.start < size
    ]
    clipped = [m for m in clipped if m.start < m.end]
    rank = {code: n for n, code in enumerate(dict.fromkeys(m.indicator for m in clipped))}
    edges = sorted({0, size, *(m.start for m in clipped), *(m.end for m in clipped)})
    out: list[Segment] = []
    for start, end in pairwise(edges):
        narrowest: dict[str, int] = {}
        for m in clipped:
            if m.start <= start and m.end >= end:
                width = m.end - m.start
                narrowest[m.indicator] = min(width, narrowest.get(m.indicator, width))
        covering = tuple(sorted(narrowest, key=lambda code: (narrowest[code], rank[code])))
        if out and out[-1].indicators == covering and out[-1].end == start:
            last = out[-1]
            out[-1] = Segment(last.text + text[start:end], last.start, end, covering)
        else:
            out.append(Segment(text[start:end], start, end, covering))
    return out


def split_whole(text: str, marks: Iterable[Mark]) -> tuple[list[Mark], list[str]]:
    """Marks that cover the whole text (a learned model's verdict on the text as a whole) apart.

    Marking every character would drown the specific spans, so these indicators are named once
    for the text instead. Returns (the other marks, the whole-text indicator codes).
    """
    first = len(text) - len(text.lstrip())
    last = len(text.rstrip())
    inline: list[Mark] = []
    whole: list[str] = []
    for m in marks:
        if last > first and m.start <= first and m.end >= last:
            if m.indicator not in whole:
                whole.append(m.indicator)
        else:
            inline.append(m)
    return inline, whole


def indicator_order(verdict: Mapping[str, Any]) -> list[str]:
    """Indicator codes in the order of the verdict's findings (strongest first), without repeats."""
    return list(dict.fromkeys(str(f.get("indicator", "")) for f in _findings(verdict)))


def excerpts(
    text: str,
    finding: Mapping[str, Any],
    messages: Sequence[str] | None = None,
    limit: int = 5,
    width: int = 80,
) -> list[str]:
    """The text under a finding's spans (each cut to ``width``), for its line in the reasons list.

    ``messages`` are a conversation's message texts, which three-element spans point into.
    """
    out: list[str] = []
    for raw in finding.get("spans") or []:
        span = _span(raw)
        if span is None:
            continue
        start, end, index = span
        source = text
        if index is not None:
            if messages is None or not 0 <= index < len(messages):
                continue
            source = messages[index]
        piece = source[max(0, start) : max(0, end)]
        if len(piece) > width:
            piece = piece[: width - 1] + "…"
        if piece and piece not in out:
            out.append(piece)
        if len(out) >= limit:
            break
    return out
