"""Run the analyzer over a labelled data set and measure it (what ``tipguard eval`` does).

A data set is a public proxy set by name (``sms-spam-uci``, ``smish-dt``, ``thai-sms-scam``,
``swahili-sms-scam``; canonical split, ``test`` by default) or a JSONL file in the project's
format: ``text``, ``label`` (1 = should reach a human, 0 = benign), and optionally
``language``, ``family`` (positives) and ``kind`` (benign look-alikes).

The operating decision is level >= ``medium``. Reports are stamped with the data set's hash,
the configuration's hash and the package version, so two numbers can be compared only when
all three say they may.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tipguard
from tipguard.detectors.encoder import raised_by_fast_tier
from tipguard.eval.baseline import Baseline
from tipguard.eval.datasets import LOADERS, Row, Split, canonical_split, load
from tipguard.eval.metrics import (
    BinaryMetrics,
    CalibrationBin,
    binary_metrics,
    expected_calibration_error,
    reliability,
)
from tipguard.items import Conversation, ConversationMessage, Item, Message
from tipguard.langid import TARGET_LANGUAGES
from tipguard.pipeline.analyzer import Analyzer
from tipguard.results import Level
from tipguard.taxonomy.codes import INDICATORS


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Everything one evaluation measured, ready to be written as a report."""

    dataset: str
    split: str
    dataset_hash: str
    config_hash: str
    version: str
    overall: BinaryMetrics
    ece: float | None
    calibrated: bool
    reliability: tuple[CalibrationBin, ...]
    by_language: dict[str, BinaryMetrics]
    by_family: dict[str, BinaryMetrics]
    by_kind: dict[str, BinaryMetrics]
    by_group: dict[str, BinaryMetrics]
    """By the set's own subset and label (e.g. ``smish-dt/mendeley/ham``)."""
    indicators_fired: dict[str, int]
    throughput: float
    errors: int
    baseline: dict[str, dict[str, BinaryMetrics]] | None = None
    """The TF-IDF baseline on the same rows: ``overall``, and by ``language`` and ``group``."""
    decision: str = "level >= medium"
    """What counts as flagged: the item's level, or one indicator firing (``indicator CTL_THREAT*``)."""
    encoder_share: float | None = None
    """Share of the items that reached the encoder tier (``None`` when the profile has none)."""
    labels: tuple[int, ...] = field(repr=False, default=())
    risks: tuple[float, ...] = field(repr=False, default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (without the per-item arrays)."""
        out = asdict(self)
        out.pop("labels")
        out.pop("risks")
        return out


def load_jsonl_set(path: Path, split: Split | None) -> list[Row]:
    """The project's JSONL format; ``split`` filters by the canonical split when given."""
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        messages: tuple[str, ...] = ()
        if isinstance(obj, dict) and isinstance(obj.get("messages"), list):  # a conversation
            messages = tuple(
                str(m.get("text", "")) if isinstance(m, dict) else str(m) for m in obj["messages"]
            )
            obj["text"] = "\n".join(messages)
            obj.setdefault("kind", "conversation")
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("text"), str)
            or obj.get("label") not in (0, 1)
        ):
            raise ValueError(
                f"{path.name} line {n}: needs a string `text` (or `messages`) and `label` 0 or 1"
            )
        if split is not None and canonical_split(obj["text"]) != split:
            continue
        language = obj.get("language") or (path.stem if path.stem in TARGET_LANGUAGES else "")
        rows.append(
            Row(
                path.stem,
                obj.get("subset", "all"),
                obj["text"],
                str(obj["label"]),
                obj["label"] == 0,
                language,
                obj.get("family", ""),
                obj.get("kind", ""),
                messages,
            )
        )
    return rows


def load_dataset(name: str, split: str) -> tuple[str, list[Row]]:
    """Rows of a named public set or a JSONL path; ``split`` is a split name or ``all``."""
    chosen: Split | None = None if split == "all" else split  # type: ignore[assignment]
    if name in LOADERS:
        return name, load(name, chosen)
    path = Path(name)
    if path.is_dir():  # a folder of `<iso>.jsonl` files is one data set
        files = sorted(path.glob("*.jsonl"))
        if files:
            return path.name, [row for f in files for row in load_jsonl_set(f, chosen)]
    if path.suffix in (".jsonl", ".json") and path.exists():
        stem = path.stem  # `conversations/test.jsonl` must not overwrite the `test/` folder's report
        label = f"{path.parent.name}-{stem}" if stem in ("train", "validation", "test") else stem
        return label, load_jsonl_set(path, chosen)
    raise ValueError(
        f"unknown data set {name!r}: a JSONL file, a folder of them, or one of {sorted(LOADERS)}"
    )


def _item_of(row: Row) -> Item:
    """A conversation row becomes a Conversation (one message if the set has no boundaries)."""
    if row.kind != "conversation":
        return Message(row.text)
    texts = row.messages or (row.text,)
    return Conversation(tuple(ConversationMessage(t) for t in texts))


def dataset_hash(rows: Sequence[Row]) -> str:
    """Hash of the texts and labels in order: changes whenever the evaluated data changes."""
    h = hashlib.sha256()
    for r in rows:
        h.update(r.text.encode("utf-8", "surrogatepass"))
        h.update(b"\x00" + (b"0" if r.benign else b"1") + b"\x01")
    return h.hexdigest()[:16]


def evaluate(
    analyzer: Analyzer,
    name: str,
    rows: Sequence[Row],
    split: str,
    batch_size: int = 512,
    baseline: Baseline | None = None,
    indicator: str | None = None,
    positive_family: str = "threat",
) -> EvalResult:
    """Analyze every row and measure the decisions and the risk scores.

    With ``indicator`` (a code or a code prefix such as ``CTL_THREAT``) the question is whether
    that indicator fires, not the item's level: positives are the rows of ``positive_family``
    (e.g. HateCheck's threat cases), negatives the benign rows (its non-hateful cases, which
    share the vocabulary); other rows (hateful but not threatening) are left out.
    """
    if indicator is not None:
        rows = [r for r in rows if r.family == positive_family or r.benign]
    analyzer.load()
    labels: list[int] = []
    risks: list[float] = []
    flags: list[bool] = []
    groups: dict[str, dict[str, list[int]]] = {
        k: defaultdict(list) for k in ("language", "family", "kind", "group")
    }
    fired: dict[str, int] = defaultdict(int)
    errors = 0
    with_encoder = "encoder" in analyzer.config.detector_names
    routed = 0
    start = time.perf_counter()
    for i in range(0, len(rows), batch_size):
        chunk = rows[i : i + batch_size]
        for r, v in zip(chunk, analyzer.analyze_batch([_item_of(r) for r in chunk]), strict=True):
            k = len(labels)
            if indicator is None:
                labels.append(0 if r.benign else 1)
                risks.append(v.risk)
                flags.append(v.level >= Level.MEDIUM)
            else:
                labels.append(int(r.family == positive_family))
                hits = [f.score for f in v.findings if f.indicator.startswith(indicator)]
                risks.append(max(hits, default=0.0))
                flags.append(bool(hits))
            errors += v.error is not None
            routed += with_encoder and raised_by_fast_tier(v.findings) and v.kind != "conversation"
            groups["language"][r.language or v.language].append(k)
            groups["group"][f"{r.subset}/{r.label}"].append(k)
            if r.family:
                groups["family"][r.family].append(k)
            if r.kind:
                groups["kind"][r.kind].append(k)
            if flags[k]:
                for f in v.findings:
                    fired[f.indicator] += 1
    elapsed = time.perf_counter() - start

    def metrics_of(indices: list[int]) -> BinaryMetrics:
        return binary_metrics(
            [labels[j] for j in indices], [flags[j] for j in indices], [risks[j] for j in indices]
        )

    baseline_metrics = None
    if baseline is not None:
        probs = baseline.predict_proba([r.text for r in rows])
        base_flags = [p >= baseline.threshold for p in probs]

        def base_of(indices: list[int]) -> BinaryMetrics:
            return binary_metrics(
                [labels[j] for j in indices], [base_flags[j] for j in indices], [probs[j] for j in indices]
            )

        baseline_metrics = {
            "overall": {"all": base_of(list(range(len(rows))))},
            "language": {k: base_of(v) for k, v in sorted(groups["language"].items())},
            "group": {k: base_of(v) for k, v in sorted(groups["group"].items())},
        }

    return EvalResult(
        dataset=name,
        split=split,
        dataset_hash=dataset_hash(rows),
        config_hash=analyzer.config.digest(),
        version=tipguard.__version__,
        overall=binary_metrics(labels, flags, risks),
        ece=expected_calibration_error(labels, risks),
        calibrated=analyzer.scorer.calibrated and indicator is None,
        reliability=tuple(reliability(labels, risks)),
        by_language={k: metrics_of(v) for k, v in sorted(groups["language"].items())},
        by_family={k: metrics_of(v) for k, v in sorted(groups["family"].items())},
        by_kind={k: metrics_of(v) for k, v in sorted(groups["kind"].items())},
        by_group={k: metrics_of(v) for k, v in sorted(groups["group"].items())},
        indicators_fired={k: fired[k] for k in INDICATORS if fired.get(k)},
        throughput=len(rows) / elapsed if elapsed > 0 else 0.0,
        errors=errors,
        baseline=baseline_metrics,
        decision="level >= medium"
        if indicator is None
        else f"indicator {indicator}* fires; positives: {positive_family} rows, negatives: benign rows",
        encoder_share=routed / len(rows) if with_encoder and rows else None,
        labels=tuple(labels),
        risks=tuple(risks),
    )
