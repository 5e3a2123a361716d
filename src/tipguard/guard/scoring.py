"""Score a prompt by its worst piece: the guard model's view of every place a payload can hide.

Kept apart from :mod:`tipguard.guard.guard` so training scores validation prompts with exactly
the function the guard uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipguard.guard.segments import Piece, pieces
from tipguard.models.ngram import NgramModel
from tipguard.normalize.text import normalize
from tipguard.taxonomy.codes import INDICATORS, Family

CATEGORIES: tuple[str, ...] = tuple(c for c, info in INDICATORS.items() if info.family is Family.GUARD)
"""The guard categories, in taxonomy order; the model has one head for each after ``harmful``."""


@dataclass(frozen=True, slots=True)
class PromptScore:
    """The worst piece of a prompt and what the model says of it."""

    score: float
    category: str
    piece: Piece | None


def prompt_score(model: NgramModel, prompt: str, history: tuple[str, ...] = ()) -> PromptScore:
    """The highest ``harmful`` probability over the prompt's pieces, with that piece's category."""
    found = pieces(prompt, history)
    if not found:
        return PromptScore(0.0, "", None)
    probs = model.probabilities([normalize(p.text).text for p in found])
    harmful = probs[:, model.head("harmful")]
    best = int(harmful.argmax())
    cats = [model.head(c) for c in CATEGORIES]
    category = CATEGORIES[int(probs[best, cats].argmax())]
    return PromptScore(float(harmful[best]), category, found[best])


def conversation_texts(prompt: str, history: tuple[str, ...] = ()) -> list[str]:
    """What the judge embeds: the prompt, and with earlier turns the last three joined to it.

    A request split across turns only reads as one in the joined text; the prompt alone keeps
    a harmless history from diluting a harmful last turn.
    """
    texts = [prompt]
    if history:
        texts.append("\n".join((*history[-3:], prompt)))
    return texts
