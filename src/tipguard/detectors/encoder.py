"""The encoder tier as a detector: multilingual-e5-small's judgement of the items the fast tier raised.

Why a cascade: the encoder costs 10-20 ms an item on a laptop core, the n-gram tier well under
one, and most traffic is plainly ordinary. So the encoder sees only the items on which the n-gram
tier raised a finding (its ``risk`` head at or above its floor, which is set for 98% recall on
validation): the ones it flags or is unsure of. What the encoder adds is meaning that carries
across languages: a head trained mostly on some languages' lures scores a polished lure in
another language, with none of the classic words, by what it says.

One finding (the family whose head is strongest) when the encoder's ``risk`` head is at or above
its own floor; silence otherwise. Because routing is the n-gram finding, the calibrated scorer
can tell "the encoder judged this benign" (an n-gram finding and no encoder finding) from "the
encoder never saw it". Conversations are left to the arc model.

Needs the ``encoder`` extra (``pip install 'tipguard[encoder]'``); without it, loading fails with
a ``ModelLoadError`` that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from tipguard.detectors.base import Detector, Example
from tipguard.detectors.learned import FAMILY_CODES, whole_text_examples
from tipguard.items import ItemKind
from tipguard.models.encoder import MAX_CHARS, Encoder, get_encoder
from tipguard.models.heads import DenseHeads, packaged_heads
from tipguard.models.ngram import NgramModel, packaged_model
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Evidence, Finding, Span, trimmed
from tipguard.taxonomy.codes import INDICATORS

HEADS_NAME = "encoder-heads"


def raised_by_fast_tier(findings: Sequence[Finding]) -> bool:
    """Whether an item's findings show that it reached the encoder: the n-gram tier raised a
    family finding on it (a threat finding alone does not route). Used to report the tier's share."""
    return any(f.detector.startswith("ngram@") and f.indicator in FAMILY_CODES.values() for f in findings)


def encoder_finding(
    probs: np.ndarray, heads: Sequence[str], floor: float, span: Span, detector_id: str, ref: str
) -> Finding | None:
    """The finding for one routed item from its head probabilities, or ``None`` below the floor.

    Pure, so training builds exactly the findings the detector emits from out-of-fold scores.
    """
    score = float(probs[heads.index("risk")])
    if score < floor:
        return None
    families = [f for f in FAMILY_CODES if f in heads]
    fam = families[int(np.argmax([probs[heads.index(f)] for f in families]))]
    code = FAMILY_CODES[fam]
    return Finding(
        indicator=code,
        score=round(score, 4),
        spans=(span,),
        detector=detector_id,
        reason=f"{INDICATORS[code].description}: encoder {score:.2f}",
        evidence=(Evidence("model", f"{ref}:risk", None, round(score, 4)),),
    )


class EncoderDetector(Detector):
    """Sentence-embedding heads on the items the n-gram tier raised (the ``deep`` profile)."""

    name: ClassVar[str] = "encoder"
    version: ClassVar[str] = "1"
    indicators: ClassVar[tuple[str, ...]] = tuple(FAMILY_CODES.values())
    item_kinds: ClassVar[tuple[ItemKind, ...]] = tuple(k for k in ItemKind if k is not ItemKind.CONVERSATION)
    description: ClassVar[str] = (
        "Encoder tier: multilingual-e5-small heads re-judge the items the n-gram tier raised; "
        "cross-lingual, about 10-20 ms per routed item"
    )

    def __init__(self) -> None:
        self._heads: DenseHeads | None = None
        self._ngram: NgramModel | None = None
        self._encoder: Encoder | None = None

    @property
    def heads(self) -> DenseHeads:
        """The packaged heads (loaded on first use)."""
        if self._heads is None:
            self._heads = packaged_heads(HEADS_NAME)
        return self._heads

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language of the heads' training rows."""
        return tuple(self.heads.metadata.get("languages", ("xx",)))

    def load(self) -> None:
        """Load the heads, the n-gram model that routes, and the encoder itself."""
        _ = self.heads
        self._ngram = packaged_model("ngram")
        self._encoder = get_encoder().load()

    def examples(self) -> Sequence[Example]:
        """The packaged cases, as for the n-gram tier (:func:`whole_text_examples`)."""
        return whole_text_examples()

    def routed(self, batch: Sequence[PreparedItem]) -> list[bool]:
        """Which items reach the encoder: those the n-gram tier raises a finding on."""
        if self._ngram is None:
            self._ngram = packaged_model("ngram")
        model = self._ngram
        texts = [p.normalized.text for p in batch]
        if not texts:
            return []
        risk = model.probabilities(texts)[:, model.head("risk")]
        floor = float(model.metadata["floors"]["risk"])
        return [bool(r >= floor) for r in risk]

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """Embed the routed items in one pass and apply the heads."""
        out: list[list[Finding]] = [[] for _ in batch]
        chosen = [k for k, go in enumerate(self.routed(batch)) if go]
        if not chosen:
            return out
        if self._encoder is None:
            self._encoder = get_encoder().load()
        heads = self.heads
        probs = heads.probabilities(self._encoder.embed([batch[k].text[:MAX_CHARS] for k in chosen]))
        floor = float(heads.metadata["floors"]["risk"])
        ref = f"encoder:{heads.metadata.get('trained', '')}"
        for row, k in enumerate(chosen):
            span = Span(*trimmed(batch[k].text, 0, len(batch[k].text)))
            found = encoder_finding(probs[row], heads.heads, floor, span, self.id, ref)
            if found is not None:
                out[k].append(found)
        return out
