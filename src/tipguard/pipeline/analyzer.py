"""The Analyzer: one object, batch-first, thread-safe, that every other part of tipguard calls.

Flow per batch: validate each item (a bad item gets an error verdict, the rest go on) ->
normalize -> identify the language -> derive the lexicon view and scan it once (when a detector
requires it) -> run each enabled detector on the whole batch (a failing detector is recorded on
the verdicts, not raised) -> combine findings into risk and level.

After construction the analyzer holds only read-only state, so one instance can serve many
threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from tipguard.config import AnalyzerConfig, load_config
from tipguard.detectors.base import Detector
from tipguard.detectors.registry import create
from tipguard.errors import (
    DetectorError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
)
from tipguard.items import Conversation, Item, Message
from tipguard.langid import UNKNOWN, LanguageIdentifier
from tipguard.lexicons.loader import build_index
from tipguard.lexicons.matcher import LexiconIndex, matching_view
from tipguard.normalize.text import normalize
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import DetectorFailure, Finding, ItemError, Level, Span, Verdict
from tipguard.scoring.calibrated import CalibratedScorer, packaged_scorer
from tipguard.scoring.interim import InterimScorer

logger = logging.getLogger(__name__)


class Analyzer:
    """Analyze messages, adverts, profiles, prompts and conversations for trafficking indicators.

    Example::

        from tipguard import Analyzer
        analyzer = Analyzer()                      # the `standard` profile
        verdict = analyzer.analyze("Free flight to Dubai, no experience, pay the visa fee first")
        print(verdict.level, [f.indicator for f in verdict.findings])
    """

    def __init__(self, config: AnalyzerConfig | None = None, **overrides: Any) -> None:
        if config is None:
            config = load_config(**overrides)
        elif overrides:
            config = config.model_copy(update=overrides)
            config = AnalyzerConfig.model_validate(config.model_dump())
        self.config = config
        self.detectors: tuple[Detector, ...] = tuple(create(n) for n in config.detector_names)
        self.scorer: InterimScorer | CalibratedScorer = InterimScorer()
        if config.scorer_name == "calibrated":
            # the encoder tier changes what the findings mean, so it has its own weights
            deep = "encoder" in config.detector_names
            self.scorer = packaged_scorer("scorer-deep" if deep else "scorer")
        self._langid = LanguageIdentifier(config.min_language_confidence, config.language_second_vote)
        self._index: LexiconIndex | None = None
        self._load_lock = threading.Lock()
        self._loaded = False

    @classmethod
    def from_file(cls, path: str, **overrides: Any) -> Analyzer:
        """Configure from a TOML or YAML file (plus ``TIPGUARD_*`` variables and overrides)."""
        return cls(load_config(path, **overrides))

    def load(self) -> Analyzer:
        """Load lexicons and detectors now rather than on the first batch; idempotent."""
        if self._loaded:
            return self
        with self._load_lock:
            if not self._loaded:
                if any("lexicon" in d.requires for d in self.detectors):
                    self._index = build_index(directory=self.config.lexicon_dir)
                for detector in self.detectors:
                    detector.load()
                self._loaded = True
        return self

    # -- public API -------------------------------------------------------------------------

    def analyze(self, item: Item | str) -> Verdict:
        """Analyze one item (a plain string is a message)."""
        return self.analyze_batch([item])[0]

    def analyze_batch(self, items: Sequence[Item | str], ids: Sequence[str] | None = None) -> list[Verdict]:
        """One verdict per item, in input order; bad items get a verdict with ``error`` set."""
        self.load()
        coerced = [Message(i) if isinstance(i, str) else i for i in items]
        item_ids = [(ids[n] if ids is not None else None) or it.id or str(n) for n, it in enumerate(coerced)]
        verdicts: list[Verdict | None] = [None] * len(coerced)
        prepared: list[PreparedItem] = []
        positions: list[int] = []
        for n, it in enumerate(coerced):
            try:
                prepared.append(self._prepare(it))
                positions.append(n)
            except InputError as exc:
                logger.info("item %s not analysed: %s", item_ids[n], exc.code)
                verdicts[n] = _error_verdict(item_ids[n], it, exc)
        findings, failures = self._run_detectors(prepared, item_ids, positions)
        for k, (p, n) in enumerate(zip(prepared, positions, strict=True)):
            verdicts[n] = self._verdict(item_ids[n], p, findings[k], failures[k])
        return [v for v in verdicts if v is not None]

    def iter_verdicts(self, items: Iterable[Item | str], batch_size: int = 256) -> Iterable[Verdict]:
        """Stream verdicts for a long iterable, batch by batch, in input order."""
        batch: list[Item | str] = []
        for it in items:
            batch.append(it)
            if len(batch) >= batch_size:
                yield from self.analyze_batch(batch)
                batch = []
        if batch:
            yield from self.analyze_batch(batch)

    # -- steps ------------------------------------------------------------------------------

    def _prepare(self, item: Item) -> PreparedItem:
        text = item.text
        if not isinstance(text, str):
            raise InputError("item text is not a string")
        if len(text) > self.config.max_chars:
            raise InputTooLargeError(
                f"item has {len(text)} characters; the limit is {self.config.max_chars} (max_chars)"
            )
        if not text.strip():
            raise EmptyInputError("item has no text")
        normalized = normalize(text)
        guess = self._langid.identify(text)
        view, view_offsets = matching_view(normalized.text)
        scan = self._index.scan(view) if self._index is not None else None
        return PreparedItem(
            item, text, normalized, view, view_offsets, guess.language, guess.confidence, scan
        )

    def _run_detectors(
        self, prepared: list[PreparedItem], ids: list[str], positions: list[int]
    ) -> tuple[list[list[Finding]], list[list[DetectorFailure]]]:
        findings: list[list[Finding]] = [[] for _ in prepared]
        failures: list[list[DetectorFailure]] = [[] for _ in prepared]
        for detector in self.detectors:
            eligible = [k for k, p in enumerate(prepared) if p.kind in detector.item_kinds]
            if self.config.detectors is not None:  # named explicitly: say where it could not run
                for k, p in enumerate(prepared):
                    if p.kind not in detector.item_kinds:
                        failures[k].append(DetectorFailure(detector.id, f"does not accept {p.kind}", True))
            if not eligible:
                continue
            try:
                results = detector.detect([prepared[k] for k in eligible])
                if len(results) != len(eligible):
                    raise DetectorError(
                        f"{detector.id} returned {len(results)} results for {len(eligible)} items"
                    )
            except Exception as exc:
                if self.config.on_error == "raise":
                    raise
                logger.warning(
                    "detector %s failed on a batch of %d items (first id %s): %s",
                    detector.id,
                    len(eligible),
                    ids[positions[eligible[0]]],
                    type(exc).__name__,
                )
                for k in eligible:
                    failures[k].append(DetectorFailure(detector.id, f"failed: {type(exc).__name__}"))
                continue
            for k, found in zip(eligible, results, strict=True):
                findings[k].extend(found)
        return findings, failures

    def _verdict(
        self, item_id: str, p: PreparedItem, findings: list[Finding], failures: list[DetectorFailure]
    ) -> Verdict:
        if isinstance(p.item, Conversation):
            findings = [_to_message_spans(f, p.item) for f in findings]
        findings.sort(key=lambda f: (-f.score, f.indicator))
        risk = self.scorer.risk(findings)
        return Verdict(
            id=item_id,
            language=p.language,
            language_confidence=p.language_confidence,
            risk=risk,
            level=self.scorer.level(risk),
            findings=tuple(findings),
            failures=tuple(failures),
            calibrated=self.scorer.calibrated,
            kind=str(p.kind),
        )


def _error_verdict(item_id: str, item: Item, exc: InputError) -> Verdict:
    return Verdict(
        id=item_id,
        language=UNKNOWN,
        risk=0.0,
        level=Level.NONE,
        error=ItemError(exc.code, str(exc)),
        kind=str(item.kind),
    )


def _to_message_spans(finding: Finding, conversation: Conversation) -> Finding:
    """Re-express spans of the joined conversation text as (message index, local offsets)."""
    offsets = conversation.message_offsets()
    lengths = [len(m.text) for m in conversation.messages]

    def convert(span: Span) -> Span:
        idx = max(i for i, o in enumerate(offsets) if o <= span.start)
        local_start = span.start - offsets[idx]
        local_end = min(span.end - offsets[idx], lengths[idx])
        return Span(min(local_start, lengths[idx]), max(local_end, min(local_start, lengths[idx])), idx)

    spans = tuple(convert(s) for s in finding.spans)
    evidence = tuple(replace(e, span=convert(e.span)) if e.span else e for e in finding.evidence)
    entities = tuple(replace(e, span=convert(e.span)) if e.span else e for e in finding.entities)
    return replace(finding, spans=spans, evidence=evidence, entities=entities)
