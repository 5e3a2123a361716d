"""The conversation-arc detector: judges a whole conversation by the stages it moves through.

Only conversations: a single message has no arc. It emits ``REC_GROOMING_ARC`` when the stage
model's calibrated conversation probability reaches its threshold (chosen out-of-fold on the
training conversations), with spans on the messages whose stage is not ``none`` and evidence
naming the stages reached, so a reviewer sees the arc, not just a number. An ordinary message
late in a dangerous arc is covered by that finding: the score belongs to the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from tipguard.detectors.base import Detector, Example
from tipguard.detectors.learned import MODEL_NAME as LURE_MODEL
from tipguard.items import Conversation, ItemKind
from tipguard.lexicons.cases import all_cases
from tipguard.models.ngram import NgramModel, packaged_model
from tipguard.models.stages import (
    STAGE_ON,
    STAGES,
    WINDOW_WORDS,
    StageModel,
    packaged_stage_model,
    windows,
)
from tipguard.normalize.text import normalize
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Evidence, Finding, Span

CODE = "REC_GROOMING_ARC"
MAX_SPANS = 20


class ArcDetector(Detector):
    """Conversation stages (contact, trust, offer, secrecy, off-platform, documents, debt, threat)."""

    name: ClassVar[str] = "arc"
    version: ClassVar[str] = "1"
    indicators: ClassVar[tuple[str, ...]] = (CODE,)
    item_kinds: ClassVar[tuple[ItemKind, ...]] = (ItemKind.CONVERSATION,)
    description: ClassVar[str] = (
        "Conversation model: per-message stages of grooming and recruitment, judged as one arc"
    )

    def __init__(self) -> None:
        self._model: StageModel | None = None

    @property
    def _lure(self) -> NgramModel:
        return packaged_model(LURE_MODEL)

    @property
    def model(self) -> StageModel:
        """The packaged stage model (loaded on first use)."""
        if self._model is None:
            self._model = packaged_stage_model()
        return self._model

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages of the training conversations (the n-grams still read any language)."""
        return tuple(self.model.messages.metadata.get("languages", ("xx",)))

    def load(self) -> None:
        """Load the packaged weights (the stage model and the fast tier it reads)."""
        _ = self.model, self._lure

    def examples(self) -> Sequence[Example]:
        """Benign look-alikes only: the packaged cases' look-alikes in every language the model
        was trained on (the contract wraps each as a one-message conversation, which must not
        read as an arc). Dangerous arcs need whole conversations; they are measured on the
        held-out ones (``tipguard eval corpora/conversations/test.jsonl``) and in
        ``tests/detectors/test_arc.py``."""
        langs = set(self.languages)
        return [
            Example(c.text, c.language, ()) for c in all_cases() if not c.is_positive and c.language in langs
        ]

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """One finding at most per conversation."""
        out: list[list[Finding]] = []
        for item in batch:
            conv = item.item
            if not isinstance(conv, Conversation) or not item.text.strip():
                out.append([])
                continue
            texts = [m.text for m in conv.messages]
            offsets = list(conv.message_offsets())
            spans_of = [(o, o + len(t)) for o, t in zip(offsets, texts, strict=True)]
            if len(texts) == 1 and len(texts[0].split()) > 2 * WINDOW_WORDS:
                spans_of = windows(texts[0])  # the only message starts at offset 0
                texts = [texts[0][s:e] for s, e in spans_of]
            normalized = [normalize(t).text for t in texts]
            probs = self.model.stage_probabilities(normalized)
            lure = self._lure.probabilities(normalized)[:, self._lure.head("risk")]
            p = self.model.conversation_probability(probs, lure)
            if p < self.model.threshold:
                out.append([])
                continue
            none_col = STAGES.index("none")
            staged = [
                k
                for k in range(len(texts))
                if max(probs[k, j] for j in range(len(STAGES)) if j != none_col) >= STAGE_ON
            ]
            reached = [
                s for j, s in enumerate(STAGES) if s != "none" and float(probs[:, j].max()) >= STAGE_ON
            ]
            spans = tuple(Span(*spans_of[k]) for k in staged[:MAX_SPANS]) or (Span(*spans_of[0]),)
            out.append(
                [
                    Finding(
                        indicator=CODE,
                        score=round(p, 4),
                        spans=spans,
                        detector=self.id,
                        reason=f"conversation arc: {', '.join(reached) or 'no clear stage'} "
                        f"({len(texts)} messages, p={p:.2f})",
                        evidence=tuple(Evidence("model", f"stages:{s}") for s in reached),
                    )
                ]
            )
        return out
