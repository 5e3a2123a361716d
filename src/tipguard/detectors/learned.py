"""The fast learned tier as a detector: a character n-gram model's judgement of the whole text.

Lexicons catch the phrasing someone thought of; this model catches texts that read like lures,
coercion or adverts as a whole, including polished machine-written ones with none of the
classic words. It emits at most two findings per item:

- a family-level finding (``REC_LURE``, ``CTL_COERCION``, ``ADV_EXPLOITATION`` or
  ``OFF_PLATFORM_MOVE``, whichever family head is strongest) when the model's ``risk`` head is
  at or above its floor. The floor is low on purpose (chosen on validation data for high
  recall): this tier's job is to pass uncertain items on, and the calibrated scorer, not this
  finding alone, decides the level.
- ``CTL_THREAT_PERSON`` when the ``threat`` head is at or above its validation-chosen threshold.

A conversation is scored message by message (the model was trained on single messages) and its
findings point at the messages that scored; the conversation model judges the arc.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from tipguard.detectors.base import Detector, Example
from tipguard.items import Conversation
from tipguard.lexicons.cases import all_cases
from tipguard.models.ngram import NgramModel, packaged_model
from tipguard.normalize.text import normalize
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Evidence, Finding, Span, trimmed
from tipguard.taxonomy.codes import INDICATORS

MODEL_NAME = "ngram"
FAMILY_CODES: dict[str, str] = {
    "recruitment": "REC_LURE",
    "control": "CTL_COERCION",
    "advert": "ADV_EXPLOITATION",
    "off_platform": "OFF_PLATFORM_MOVE",
}
THREAT_CODE = "CTL_THREAT_PERSON"


def findings_from_probabilities(
    probs: np.ndarray,
    heads: Sequence[str],
    floors: dict[str, float],
    spans: Sequence[tuple[int, int]],
    detector_id: str,
    model_ref: str,
) -> list[Finding]:
    """Findings for one item from its per-unit head probabilities (one row per message).

    Pure, so training can build exactly the findings the detector would emit from out-of-fold
    probabilities when it fits the scorer.
    """
    if probs.size == 0:
        return []
    out: list[Finding] = []
    risk = probs[:, heads.index("risk")]
    if float(risk.max()) >= floors["risk"]:
        families = [f for f in FAMILY_CODES if f in heads]
        best_row = int(np.argmax(risk))
        fam_scores = probs[best_row, [heads.index(f) for f in families]]
        code = FAMILY_CODES[families[int(np.argmax(fam_scores))]]
        out.append(_finding(code, "risk", risk, floors["risk"], spans, detector_id, model_ref))
    if "threat" in heads and "threat" in floors:
        threat = probs[:, heads.index("threat")]
        if float(threat.max()) >= floors["threat"]:
            floor = floors["threat"]
            out.append(_finding(THREAT_CODE, "threat", threat, floor, spans, detector_id, model_ref))
    return out


def _finding(
    code: str,
    head: str,
    scores: np.ndarray,
    floor: float,
    spans: Sequence[tuple[int, int]],
    detector_id: str,
    model_ref: str,
) -> Finding:
    """One finding of a head: the best unit's score, spans on every unit at or above the floor."""
    score = round(float(scores.max()), 4)
    return Finding(
        indicator=code,
        score=score,
        spans=tuple(Span(*spans[k]) for k in range(len(spans)) if scores[k] >= floor),
        detector=detector_id,
        reason=f"{INDICATORS[code].description}: model {head} {score:.2f}",
        evidence=(Evidence("model", f"{model_ref}:{head}", None, score),),
    )


def whole_text_examples() -> list[Example]:
    """Every packaged case, for detectors that judge a whole text: positives must raise a
    family-level finding (any family), look-alikes must stay quiet. The learned tiers never
    trained on these cases (they are the lexicon authors' examples, not the corpus)."""
    family_codes = tuple(FAMILY_CODES.values())
    return [
        Example(case.text, case.language, family_codes if case.is_positive else ()) for case in all_cases()
    ]


class NgramDetector(Detector):
    """Hashed character n-grams with linear heads, trained on the project's own corpora."""

    name: ClassVar[str] = "ngram"
    version: ClassVar[str] = "1"
    indicators: ClassVar[tuple[str, ...]] = (*FAMILY_CODES.values(), THREAT_CODE)
    description: ClassVar[str] = (
        "Fast learned tier: character n-gram model over the normalized text, 31 languages; "
        "whole-text lure/coercion/advert judgement and threats"
    )

    def __init__(self) -> None:
        self._model: NgramModel | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language of the training corpus."""
        return tuple(self.model.metadata.get("languages", ("xx",)))

    @property
    def model(self) -> NgramModel:
        """The packaged model (loaded on first use)."""
        if self._model is None:
            self._model = packaged_model(MODEL_NAME)
        return self._model

    def load(self) -> None:
        """Load the packaged weights."""
        _ = self.model

    def examples(self) -> Sequence[Example]:
        """See :func:`whole_text_examples`."""
        return whole_text_examples()

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """Score every item (a conversation: every message) in one matrix product."""
        model = self.model
        units: list[str] = []
        owners: list[tuple[int, int, int]] = []  # item index, start, end in the original text
        for i, item in enumerate(batch):
            if isinstance(item.item, Conversation):
                offsets = item.item.message_offsets()
                for msg, start in zip(item.item.messages, offsets, strict=True):
                    if msg.text.strip():
                        units.append(normalize(msg.text).text)
                        owners.append((i, *trimmed(item.text, start, start + len(msg.text))))
            elif item.normalized.text.strip():
                units.append(item.normalized.text)
                owners.append((i, *trimmed(item.text, 0, len(item.text))))
        probs = model.probabilities(units)
        floors = {k: float(v) for k, v in model.metadata["floors"].items()}
        rows_of: list[list[int]] = [[] for _ in batch]
        for row, (i, _s, _e) in enumerate(owners):
            rows_of[i].append(row)
        ref = f"{MODEL_NAME}:{model.metadata.get('trained', '')}"
        return [
            findings_from_probabilities(
                probs[rows],
                model.heads,
                floors,
                [(owners[r][1], owners[r][2]) for r in rows],
                self.id,
                ref,
            )
            for rows in rows_of
        ]
