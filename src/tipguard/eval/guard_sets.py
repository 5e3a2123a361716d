"""The guard's evaluation items: the project's reframing benchmark, composed from its parts.

``eval/guard/`` keeps payloads, framings and benign prompts apart so that each harmful idea is
judged under every framing of its language: the benchmark's question is whether recall under a
framing stays within two points of recall on the plain payloads. A ``split`` framing becomes a
conversation of user turns (the payload only in the last), which the guard reads as history
plus prompt.
"""

from __future__ import annotations

import csv
import functools
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


_XSAFETY_LANG = {"sp": "es"}


@functools.lru_cache(maxsize=64)
def _csv_file(path: Path) -> tuple[tuple[str, ...], ...]:
    """Every record of a CSV file, read once per run (many selected rows share a file)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return tuple(tuple(r) for r in csv.reader(fh))


def _csv_records(path: Path, header: bool = True) -> tuple[tuple[str, ...], ...]:
    rows = _csv_file(path)
    return rows[1:] if header else rows


def _public_texts(root: Path, name: str, row_id: str, parallel: dict[str, str]) -> dict[str, str]:
    """``language -> text`` of one selected row of a public set (layouts: ``eval/guard/public``)."""
    d = root / name
    if name == "multijail":
        rows = _csv_records(d / "MultiJail.csv", header=False)
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        cells = body[row_id]
        return {lang: cells[i] for i, lang in enumerate(head) if i >= 3 and cells[i].strip()}
    if name == "xsafety":
        out = {}
        for folder, pid in (parallel or {row_id.split("/", 1)[0]: row_id}).items():
            file, index = pid.rsplit(":", 1)
            rec = _csv_records(d / file, header=False)[int(index)]
            out[_XSAFETY_LANG.get(folder, folder)] = ",".join(rec)
        return out
    spec = {
        "harmbench": ("harmbench_behaviors_text_all.csv", "BehaviorID", "Behavior"),
        "advbench": ("advbench_behaviors.csv", None, "Behavior"),
        "do-not-answer": ("do_not_answer_en.csv", "id", "question"),
        "strongreject": ("strongreject_dataset.csv", None, "forbidden_prompt"),
        "simplesafetytests": ("simplesafetytests_test_cases.csv", "id", "prompts_final"),
    }
    file, key, field = spec[name]
    head, *records = _csv_file(d / file)
    cells = records[int(row_id)] if key is None else next(r for r in records if r[head.index(key)] == row_id)
    return {"en": cells[head.index(field)]}


def public_cases(data: Path, selection: Path) -> Iterator[GuardCase]:
    """The selected trafficking-relevant rows of the public LLM-safety sets, one case per language.

    ``selection`` is ``eval/guard/public/selection.jsonl`` (ids and decisions only; the texts stay
    in ``data``); ``framing`` carries the set's name, so results can be read per set.
    """
    for line in selection.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        sel = json.loads(line)
        if sel["decision"] != "include":
            continue
        texts = _public_texts(data, sel["set"], str(sel["id"]), sel.get("parallel_ids") or {})
        for lang, text in sorted(texts.items()):
            yield GuardCase(f"{sel['set']}:{sel['id']}:{lang}", lang, sel["set"], sel["category"], (text,))
