"""Loaders for the public proxy data sets in ``shared/data`` and the one canonical split.

Every number the project reports uses :func:`canonical_split` (``shared/data/README.md``):
identical texts land in the same split, so duplicates cannot leak from train into test.
Thresholds and model choices use ``validation``; ``test`` is only reported.

None of these sets is trafficking data: they are proxies (smishing, scams, spam, fraud cases and
fake job postings, threats, grooming chats), each reported on its own and never merged into one
"trafficking accuracy". What each set may be used for (training, evaluation only, training only) is
set by ``shared/data/README.md``; the loaders' docstrings repeat it where it restricts use.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
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
    messages: tuple[str, ...] = ()
    """A conversation's messages in order, when the set keeps them apart (else empty).

    When it is not empty, ``text`` is these messages joined by newlines, which is also the
    conversation's canonical-split key."""


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
    # utf-8-sig: some sets (kor-smishing) start with a byte-order mark that would rename the first column
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
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


def kor_smishing(root: Path) -> Iterator[Row]:
    """Korean messenger phishing (evaluation only): ``class`` 1 phishing, 0 normal (~1.4% phishing).

    The set keeps a realistic base rate, so it measures false alarms more than recall. About a
    hundred texts occur more than once (always with the same class); they are kept as published.
    """
    for r in _csv_rows(root / "kor-smishing" / "KOR_phishing_data_raw.csv"):
        text = r.get("content") or ""
        cls = (r.get("class") or "").strip()
        if text.strip() and cls in ("0", "1"):
            yield Row("kor-smishing", "all", text, "phishing" if cls == "1" else "normal", cls == "0", "ko")


def _readable(raw: object) -> str:
    """A Fraud-R1 ``raw_data``: text as is; a structured case (a job ad) as ``key: value`` lines."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict):
        return "\n".join(
            f"{str(key).replace('_', ' ')}: {value}"
            for key, value in raw.items()
            if value is not None and str(value).strip()
        )
    return ""


_FRAUD_R1_FILES = (("en", "FP-base-English.json"), ("zh", "FP-base-Chinese.json"))


def fraud_r1(root: Path) -> Iterator[Row]:
    """Fraud-R1 base cases (evaluation only), English and Chinese: every row is fraud.

    ``text`` is the case's ``generated text`` (an LLM rewrite of the seed case), or the seed
    ``raw_data`` when that is empty (a structured job ad rendered as ``key: value`` lines).
    ``subset`` and ``language`` are ``en`` or ``zh``; ``label`` is the case's category
    (``fake job posting``, ``fraudulent service``, ``impersonation``, ``phishing``,
    ``network friendship``); ``kind`` is its ``data_type`` (``message``, ``email``, ``job posting``).
    The fake job postings of one language are the rows with ``subset == "en"`` and
    ``label == "fake job posting"`` (the evaluation's group ``en/fake job posting``). With no
    negatives, the set measures recall only.
    """
    for lang, name in _FRAUD_R1_FILES:
        with open(root / "fraud-r1" / name, encoding="utf-8", errors="replace") as fh:
            cases = json.load(fh)
        for case in cases if isinstance(cases, list) else []:
            if not isinstance(case, dict):
                continue
            generated = case.get("generated text")
            text = generated.strip() if isinstance(generated, str) else ""
            if not text:
                text = _readable(case.get("raw_data")).strip()
            if not text:
                continue
            category = str(case.get("category") or "").strip()
            data_type = str(case.get("data_type") or "").strip()
            yield Row("fraud-r1", lang, text, category, False, lang, "", data_type)


_THREAT_FUNCTIONALITIES = frozenset({"threat_dir_h", "threat_norm_h"})


def _hatecheck_cases(dataset: str, subset: str, language: str, path: Path) -> Iterator[Row]:
    """HateCheck-format cases: label = functionality, benign = ``non-hateful``, threats as a family."""
    for r in _csv_rows(path):
        text = (r.get("test_case") or "").strip()
        gold = (r.get("label_gold") or "").strip()
        functionality = (r.get("functionality") or "").strip()
        if not text or gold not in ("hateful", "non-hateful"):
            continue
        family = "threat" if functionality in _THREAT_FUNCTIONALITIES else ""
        yield Row(dataset, subset, text, functionality, gold == "non-hateful", language, family)


def hatecheck(root: Path) -> Iterator[Row]:
    """HateCheck functional tests (English; trainable, CC BY 4.0).

    ``label`` is the functionality (``threat_dir_h``, ``counter_quote_nh`` ...), ``benign`` is
    ``label_gold == "non-hateful"``, and ``family`` is ``threat`` for the two threat
    functionalities (``threat_dir_h``, ``threat_norm_h``). Non-hateful functionalities
    (counter-speech, quotes, negation, reclaimed slurs) are false-positive probes.
    """
    yield from _hatecheck_cases("hatecheck", "all", "en", root / "hatecheck" / "test_suite_cases.csv")


_MHC_LANGUAGES = {
    "arabic": "ar",
    "dutch": "nl",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "mandarin": "zh",
    "polish": "pl",
    "portuguese": "pt",
    "spanish": "es",
}


def multilingual_hatecheck(root: Path) -> Iterator[Row]:
    """Multilingual HateCheck (10 languages; trainable, CC BY 4.0), as :func:`hatecheck`.

    ``subset`` and ``language`` are the ISO 639-1 code of the file's language (``mandarin`` is
    ``zh``). The threat functionalities have the English names (``threat_dir_h``, ``threat_norm_h``).
    """
    prefix = "hatecheck_cases_final_"
    for path in sorted((root / "multilingual-hatecheck").glob(f"{prefix}*.csv")):
        code = _MHC_LANGUAGES.get(path.stem.removeprefix(prefix))
        if code is not None:
            yield from _hatecheck_cases("multilingual-hatecheck", code, code, path)


_SG_LANGUAGES = {"ms": "ms", "ss": "en", "ta": "ta", "zh": "zh"}
"""SGHateCheck's files: Malay, Singlish (English-based, subset ``ss``), Tamil, Mandarin."""


def sghatecheck(root: Path) -> Iterator[Row]:
    """SGHateCheck (evaluation only; no licence), the human-validated annotation files only.

    As :func:`hatecheck`: ``label`` is the functionality, ``family`` is ``threat`` for the two
    threat functionalities, and the gold label is the annotators' selected label
    (``annotation_selected``); cases the annotators did not settle (``no_match``,
    ``undecided``) are left out. ``subset`` is the file (``ms``, ``ss``, ``ta``, ``zh``).
    """
    for subset, language in _SG_LANGUAGES.items():
        path = root / "sghatecheck" / "annotations" / f"{subset}_annotations.csv"
        for r in _csv_rows(path):
            text = (r.get("c_testcase") or "").strip()
            gold = (r.get("annotation_selected") or "").strip()
            functionality = (r.get("t_function") or "").strip()
            if not text or gold not in ("hateful", "non-hateful"):
                continue
            family = "threat" if functionality in _THREAT_FUNCTIONALITIES and gold == "hateful" else ""
            yield Row("sghatecheck", subset, text, functionality, gold == "non-hateful", language, family)


def _message_list(cell: str) -> tuple[str, ...] | None:
    """The messages of a cell holding a Python list literal of strings; ``None`` if it holds none."""
    if not cell.startswith("["):
        return None
    try:
        value = ast.literal_eval(cell)  # literals only: never evaluates code
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    return tuple(m for m in value if isinstance(m, str) and m.strip())


_PAN12_FILES = (
    ("en", "en", "val_seg_en.csv", "segment"),
    ("de-mt", "de", "val_seg_de_mt.csv", "messages_de"),
    ("nl-mt", "nl", "val_seg_nl_mt.csv", "messages_dutch"),
)


def pan12_vtpan_grooming(root: Path) -> Iterator[Row]:
    """PAN-2012 grooming chat segments, VTPAN validation slice (evaluation only).

    One row per segment: ``label`` ``predatory`` (1) or ``other`` (0), ``kind`` ``conversation``.
    Subsets: ``en`` (original chats), ``de-mt`` and ``nl-mt`` (machine translations; the two are
    row-by-row parallel to each other). The German and Dutch files store a segment as a Python list
    of message strings, which become ``messages`` (in order; ``text`` is them joined by newlines).
    The English file stores a segment as its messages already joined by single spaces, with no
    separator or author left, so its messages cannot be recovered: ``messages`` is empty and
    ``text`` is the segment as published.
    """
    base = root / "pan12-vtpan-grooming"
    for subset, lang, name, column in _PAN12_FILES:
        for r in _csv_rows(base / name):
            label = (r.get("label") or "").strip()
            if label not in ("0", "1"):
                continue
            cell = (r.get(column) or "").strip()
            listed = _message_list(cell)
            messages = listed or ()
            text = cell if listed is None else "\n".join(messages)
            if not text.strip():
                continue
            yield Row(
                "pan12-vtpan-grooming",
                subset,
                text,
                "predatory" if label == "1" else "other",
                label == "0",
                lang,
                "",
                "conversation",
                messages,
            )


def _interleaved(first: object, second: object) -> tuple[str, ...]:
    """Two speakers' turns in speaking order (``first`` opens), empty turns left out."""
    a = first if isinstance(first, list) else []
    b = second if isinstance(second, list) else []
    turns: list[str] = []
    for i in range(max(len(a), len(b))):
        for side in (a, b):
            if i < len(side) and isinstance(side[i], str) and side[i].strip():
                turns.append(side[i])
    return tuple(turns)


def teleantifraud_dialogues(root: Path) -> Iterator[Row]:
    """TeleAntiFraud synthetic Chinese call dialogues: TRAINING ONLY (never evaluate on them).

    The dialogues are LLM-generated (``shared/data/README.md``: train on them, never report numbers
    on them). One row per dialogue: ``left`` holds the caller's turns and ``right`` the callee's;
    the caller opens, so ``messages`` alternates them (empty turns left out) and ``text`` is them
    joined by newlines. ``label`` is the ``fraud_type`` (``客服诈骗`` ...) of a fraud dialogue and
    ``normal`` for a ``normal_dialogues-*`` file (whose ``fraud_type`` field holds the service
    type instead); ``benign`` is true for those. Identical dialogues are kept once across files.
    """
    seen: set[str] = set()
    for path in sorted((root / "teleantifraud-dialogues").glob("*_dialogues-*.jsonl")):
        normal = path.name.startswith("normal_")
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(obj, dict):
                    continue
                messages = _interleaved(obj.get("left"), obj.get("right"))
                text = "\n".join(messages)
                if not text.strip() or text in seen:
                    continue
                seen.add(text)
                label = "normal" if normal else str(obj.get("fraud_type") or "").strip() or "fraud"
                yield Row(
                    "teleantifraud-dialogues", "all", text, label, normal, "zh", "", "conversation", messages
                )


LOADERS: dict[str, Callable[[Path], Iterator[Row]]] = {
    "sms-spam-uci": sms_spam_uci,
    "smish-dt": smish_dt,
    "thai-sms-scam": thai_sms_scam,
    "swahili-sms-scam": swahili_sms_scam,
    "kor-smishing": kor_smishing,
    "fraud-r1": fraud_r1,
    "hatecheck": hatecheck,
    "multilingual-hatecheck": multilingual_hatecheck,
    "pan12-vtpan-grooming": pan12_vtpan_grooming,
    "teleantifraud-dialogues": teleantifraud_dialogues,
}


def xstest(root: Path) -> Iterator[Row]:
    """XSTest v2 prompts (LLM-guard evaluation only), English: ``label`` ``safe`` (250 prompts
    that only look unsafe: homonyms, figurative language, safe contexts...) or ``unsafe`` (200
    contrast prompts). ``kind`` is the prompt type; the safe ones measure a guard's false
    positives."""
    for r in _csv_rows(root / "xstest" / "xstest_prompts.csv"):
        text = r.get("prompt") or ""
        label = (r.get("label") or "").strip()
        if text.strip() and label in ("safe", "unsafe"):
            yield Row("xstest", "en", text, label, label == "safe", "en", "", (r.get("type") or "").strip())


LOADERS["xstest"] = xstest
LOADERS["sghatecheck"] = sghatecheck


def load(name: str, split: Split | None = None, root: Path | None = None) -> list[Row]:
    """Rows of one set, optionally only one canonical split."""
    rows = LOADERS[name](root or data_root())
    return [r for r in rows if split is None or canonical_split(r.text) == split]
