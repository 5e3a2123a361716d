"""Where a payload can hide in a prompt: the pieces the guard judges one by one.

A wrapper ("a line for my play", "for my thesis", "act as Daniel", "translate this") changes
the story around a request, not the request. So the guard does not judge the prompt only as a
whole, where a long innocent frame dilutes a short payload; it also judges the quoted text, the
code blocks, what follows the last colon, each sentence and each pair of sentences, and the
turns of the conversation so far joined to the prompt (a request split across turns). The
verdict is the worst piece: framing never lowers the score a payload would get if asked
directly. Pure functions over plain strings; spans are offsets into the prompt.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from tipguard.results import trimmed

_QUOTED = regex.compile(
    r"\"([^\"]{8,})\"|“([^”]{8,})”|«([^»]{8,})»|„([^“”]{8,})[“”]|「([^」]{4,})」|『([^』]{4,})』"
    r"|(?<![\p{L}\p{N}])'([^']{12,})'(?![\p{L}\p{N}])|‘([^’]{8,})’"
)
_FENCE = regex.compile(r"```[^\n]*\n?(.*?)```", regex.DOTALL)
_SENTENCE_END = regex.compile(r"(?<=[.!?।॥។៕။၊。！？؟])\s+|\n+")
_COLON = regex.compile(r"[:：]\s*")
MIN_CHARS = 12
"""Pieces shorter than this carry too little to judge on their own."""


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of the prompt to judge; ``start``/``end`` are offsets into the prompt (the whole
    conversation piece spans the prompt)."""

    text: str
    start: int
    end: int
    kind: str
    """``prompt``, ``conversation``, ``quote``, ``code``, ``after_colon``, ``sentence`` or ``pair``."""


def pieces(prompt: str, history: tuple[str, ...] = ()) -> list[Piece]:
    """The prompt, the conversation so far with it, and every part a payload could hide in."""
    out: list[Piece] = []
    seen: set[tuple[int, int]] = set()

    def add(start: int, end: int, kind: str) -> None:
        start, end = trimmed(prompt, start, end)
        if end - start >= MIN_CHARS and (start, end) not in seen:
            seen.add((start, end))
            out.append(Piece(prompt[start:end], start, end, kind))

    add(0, len(prompt), "prompt")
    if history:
        joined = "\n".join((*history[-3:], prompt))
        out.append(Piece(joined, 0, len(prompt), "conversation"))
    for m in _QUOTED.finditer(prompt):
        group = next(g for g in range(1, (m.lastindex or 0) + 1) if m.group(g) is not None)
        add(m.start(group), m.end(group), "quote")
    for m in _FENCE.finditer(prompt):
        add(m.start(1), m.end(1), "code")
    colons = list(_COLON.finditer(prompt))
    if colons:
        add(colons[-1].end(), len(prompt), "after_colon")
    bounds = [0, *(m.end() for m in _SENTENCE_END.finditer(prompt)), len(prompt)]
    spans = [(a, b) for a, b in itertools.pairwise(bounds) if prompt[a:b].strip()]
    if len(spans) > 1:
        for a, b in spans:
            add(a, b, "sentence")
        for (a, _), (_, b) in itertools.pairwise(spans):
            add(a, b, "pair")
    return out
