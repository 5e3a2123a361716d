"""Loaders for the public proxy data sets in ``shared/data`` and the one canonical split.

Every number the project reports uses :func:`canonical_split` (``shared/data/README.md``):
identical texts land in the same split, so duplicates cannot leak from train into test.
Thresholds and model choices use ``validation``; ``test`` is only reported.

None of these sets is trafficking data: they are proxies (smishing, scams, spam), each reported
on its own and never merged into one "trafficking accuracy".
"""

from __future__ import annotations

import csv
import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Split = Literal["train", "validation", "test"]

csv.field_size_limit(10_000_000)


def canonical_split(text: str) -> Split:
    """The split a text belongs to (for a conversation: its messages joined by newlines)."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    byte0 = hashlib.sha256(key.encode("utf-8")).digest()[0]
    return "test" if byte0 < 26 else "validation" if byte0 < 52 else "train"


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled text of a proxy set."""

    dataset: str
    subset: str
    text: str
    label: str
    """The set's own label (``ham``, ``spam``, ``scam``, ``OK``, ``OTP``, ``trust`` ...)."""
    benign: bool
    language: str = ""
    """The language the set declares for the row, when it does."""
    family: str = ""
    kind: str = ""


def data_root() -> Path:
    """``shared/data``: ``TIPGUARD_DATA`` or the ``shared`` folder beside the repository."""
    env = os.environ.get("TIPGUARD_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path("../shared/data")


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        yield from csv.DictReader(fh)


def sms_spam_uci(root: Path) -> Iterator[Row]:
    """UCI SMS Spam Collection (English): ham vs spam."""
    with open(root / "sms-spam-uci" / "SMSSpamCollection.tsv", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            label, _, text = line.rstrip("\n").partition("\t")
            if text:
                yield Row("sms-spam-uci", "all", text, label, label == "ham", "en")


def smish_dt(root: Path) -> Iterator[Row]:
    """SMISH_DT files (English): each file is its own subset."""
    base = root / "smish-dt"
    for r in _csv_rows(base / "mendeley_smishing_5971.csv"):
        label = r["LABEL"].strip().lower()
        yield Row("smish-dt", "mendeley", r["TEXT"], label, label == "ham")
    for r in _csv_rows(base / "smishtank.csv"):
        text = r.get("MainText") or r.get("Fulltext") or ""
        if text.strip():
            yield Row("smish-dt", "smishtank", text, "smishing", False)
    for r in _csv_rows(base / "exais_sms_spam_cleaned.csv"):
        label = r["Label"].strip().lower()
        yield Row("smish-dt", "exais", r["Message"].strip(), label, label == "ham")
    for r in _csv_rows(base / "refined_british_english_sms.csv"):
        label = r["label"].strip().lower()
        yield Row("smish-dt", "british", r["message"], label, label == "ham")
    for r in _csv_rows(base / "spamhunter_messages.csv"):
        yield Row("smish-dt", "spamhunter", r["Messages"], "spam", False)


def thai_sms_scam(root: Path) -> Iterator[Row]:
    """Thai SMS (OK and OTP benign; scam and spam not), de-duplicated across its files."""
    seen: set[str] = set()
    for path in sorted((root / "thai-sms-scam").glob("*.txt")):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                label, sep, text = line.rstrip("\n").partition("|")
                if not sep or not text.strip() or text in seen:
                    continue
                seen.add(text)
                yield Row("thai-sms-scam", "all", text, label.strip(), label.strip() in ("OK", "OTP"), "th")


def swahili_sms_scam(root: Path) -> Iterator[Row]:
    """Swahili SMS: trust vs scam."""
    for r in _csv_rows(root / "swahili-sms-scam" / "bongo_scam.csv"):
        label = r["Category"].strip().lower()
        yield Row("swahili-sms-scam", "all", r["Sms"], label, label == "trust", "sw")


LOADERS: dict[str, Callable[[Path], Iterator[Row]]] = {
    "sms-spam-uci": sms_spam_uci,
    "smish-dt": smish_dt,
    "thai-sms-scam": thai_sms_scam,
    "swahili-sms-scam": swahili_sms_scam,
}


def load(name: str, split: Split | None = None, root: Path | None = None) -> list[Row]:
    """Rows of one set, optionally only one canonical split."""
    rows = LOADERS[name](root or data_root())
    return [r for r in rows if split is None or canonical_split(r.text) == split]
