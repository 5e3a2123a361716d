"""The guard's evaluation items: the project's reframing benchmark, composed from its parts.

``eval/guard/`` keeps payloads, framings and benign prompts apart so that each harmful idea is
judged under every framing of its language: the benchmark's question is whether recall under a
framing stays within two points of recall on the plain payloads. A ``split`` framing becomes a
conversation of user turns (the payload only in the last), which the guard reads as history
plus prompt.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TURN = "\n<TURN>\n"
"""How a ``split`` text separates its user turns."""


@dataclass(frozen=True, slots=True)
class GuardCase:
    """One prompt to judge: ``turns[-1]`` is the prompt, the earlier turns its history."""

    id: str
    language: str
    framing: str
    category: str
    """The ``GRD_*`` code of a harmful case; empty for a benign one."""
    turns: tuple[str, ...]

    @property
    def harmful(self) -> bool:
        return bool(self.category)


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def reframing_cases(folder: Path) -> Iterator[GuardCase]:
    """Every payload under every framing of its language, then every benign prompt."""
    framings: dict[str, list[dict[str, str]]] = {}
    for f in _jsonl(folder / "framings.jsonl"):
        framings.setdefault(f["language"], []).append(f)
    for p in _jsonl(folder / "payloads.jsonl"):
        for f in framings.get(p["language"], []):
            text = f["template"].replace("{payload}", p["text"])
            yield GuardCase(
                f"{p['id']}:{f['id']}:{p['language']}",
                p["language"],
                f["framing"],
                p["category"],
                tuple(t.strip() for t in text.split(TURN)),
            )
    for b in _jsonl(folder / "benign.jsonl"):
        yield GuardCase(
            f"{b['id']}:{b['language']}",
            b["language"],
            b["framing"],
            "",
            tuple(t.strip() for t in b["text"].split(TURN)),
        )
