"""The labelled rows every shipped model trains and calibrates on, from the allowed sources only.

Allowed (``shared/data/README.md``): the project's own corpora, and the train split of
thai-sms-scam, hatecheck and multilingual-hatecheck. Validation rows (canonical split
``validation``) of the same sources choose thresholds and calibrate; evaluation-only sets are
read here only through their ``validation`` split, only to choose the ``medium`` band, never
to fit anything. ``test`` splits and the project's test corpus are never read.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from tipguard.eval.datasets import Split, canonical_split, load

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SEED = 2026
FAMILIES = ("recruitment", "control", "advert", "off_platform")


@dataclass(frozen=True, slots=True)
class Example:
    """One training or validation text."""

    text: str
    label: int
    """1: trafficking-risk positive, 0: benign."""
    source: str
    language: str
    family: str = ""
    """Positives: recruitment / control / advert / off_platform."""
    threat: int = -1
    """1 / 0 for rows with a threat label (hatecheck sets); -1 where unknown."""


def _jsonl(path: Path, split: Split) -> list[dict[str, object]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if canonical_split(str(obj["text"])) == split:
                rows.append(obj)
    return rows


def corpus(split: Split) -> list[Example]:
    """The project's training corpus and its additions: everyday messages, general text,
    interpersonal chatter, long job-board adverts (never ``corpora/test``)."""
    out = []
    for sub in ("train", "everyday", "general", "interpersonal", "longads"):
        for path in sorted((CORPORA / sub).glob("*.jsonl")):
            for obj in _jsonl(path, split):
                out.append(
                    Example(
                        str(obj["text"]),
                        int(obj["label"]),  # type: ignore[call-overload]
                        f"corpus-{sub}",
                        path.stem,
                        str(obj.get("family", "")),
                    )
                )
    return out


def thai_benign(split: Split, limit: int) -> list[Example]:
    """Everyday Thai SMS (OK and OTP rows) as negatives; scam rows are not trafficking, so unused."""
    rows = [r for r in load("thai-sms-scam", split) if r.benign]
    random.Random(SEED).shuffle(rows)
    return [Example(r.text, 0, "thai-sms-scam", "th") for r in rows[:limit]]


def hatecheck(split: Split, limit: int | None = None) -> list[Example]:
    """HateCheck and Multilingual HateCheck rows: negatives for risk, labelled for threats."""
    rows = load("hatecheck", split) + load("multilingual-hatecheck", split)
    random.Random(SEED).shuffle(rows)
    if limit is not None:
        threats = [r for r in rows if r.family == "threat"]
        others = [r for r in rows if r.family != "threat"]
        rows = threats[: limit // 3] + others[: limit - min(len(threats), limit // 3)]
    return [Example(r.text, 0, r.dataset, r.language, "", int(r.family == "threat")) for r in rows]


def proxy_benign_validation() -> dict[str, list[str]]:
    """Everyday benign validation rows of the proxy sets: used only to place the ``medium`` band."""
    out = {}
    for name in ("sms-spam-uci", "smish-dt", "kor-smishing", "thai-sms-scam", "swahili-sms-scam"):
        out[name] = [r.text for r in load(name, "validation") if r.benign]
    return out
