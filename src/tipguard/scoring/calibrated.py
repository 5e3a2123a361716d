"""The calibrated scorer: every detector's findings in, one probability-like ``risk`` out.

Why a learned combination: a lexicon hit, a contact and the n-gram model's judgement are not
independent, and their reliability differs by family; hand weights cannot know by how much. A
small logistic model over a fixed set of finding features learns it from the training corpus
(with the n-gram tier's scores taken out-of-fold, so the scorer never sees the model's view of
its own training texts), then a one-parameter Platt step maps it onto validation data so that
``risk`` 0.8 means that about 80% of items scored there are true positives. That holds for the
validation mix (the project's corpus plus everyday messages); on a platform whose base rate is
far lower, the same risk means fewer true positives: read ``risk`` as a ranking calibrated on a
stated mix, which the model card gives.

Levels come with the weights, chosen on validation only (see the model card):
``medium`` is the lowest risk at which everyday benign validation messages of every proxy set
stay under 1% flagged and F1 on the corpus is best; ``low`` is half of it; ``high`` and
``critical`` split the range above ``medium`` in thirds and are at least 0.8 and 0.95.

With the encoder tier (the ``deep`` profile) the scorer has two more inputs, ``enc_risk`` (the
encoder head's score when it fired) and ``enc_silent`` (the fast tier sent the item on and the
encoder did not fire), and its own weights (``scorer-deep.json``), trained the same way with the
encoder's scores also taken out-of-fold.

Conversations: the arc detector's finding is a probability calibrated on its own (out-of-fold
on the training conversations); the risk of a conversation is the larger of the two.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from tipguard.errors import ModelLoadError
from tipguard.results import Finding, Level
from tipguard.taxonomy.codes import Family, family_of

FEATURES: tuple[str, ...] = (
    "model_risk",
    "model_threat",
    "lex_recruitment",
    "lex_control",
    "lex_advert",
    "lex_off_platform",
    "lex_count",
    "contact",
    "damped",
    "model_x_lexicon",
)
"""The scorer's inputs, in order; each is in [0, 1]."""
ENCODER_FEATURES: tuple[str, ...] = (*FEATURES, "enc_risk", "enc_silent")
"""The inputs of the ``deep`` profile's scorer: the above plus the encoder tier's verdict."""

_LEXICAL_FAMILIES = {
    Family.RECRUITMENT: "lex_recruitment",
    Family.CONTROL: "lex_control",
    Family.ADVERT: "lex_advert",
    Family.OFF_PLATFORM: "lex_off_platform",
}


def features(findings: Sequence[Finding], names: tuple[str, ...] = FEATURES) -> list[float]:
    """The feature vector of one item's findings (the same function in training and use)."""
    f = dict.fromkeys(ENCODER_FEATURES, 0.0)
    lexical: set[str] = set()
    for finding in findings:
        name = finding.detector.split("@", 1)[0]
        if name == "arc":
            continue
        if name == "encoder":
            f["enc_risk"] = max(f["enc_risk"], finding.score)
        elif name == "ngram":
            key = "model_threat" if finding.indicator == "CTL_THREAT_PERSON" else "model_risk"
            f[key] = max(f[key], finding.score)
        elif finding.indicator == "OFF_CONTACT":
            f["contact"] = 1.0
        else:
            key = _LEXICAL_FAMILIES.get(family_of(finding.indicator), "")
            if key:
                f[key] = max(f[key], finding.score)
                lexical.add(finding.indicator)
            if any(e.kind == "context" for e in finding.evidence):
                f["damped"] = 1.0
    f["lex_count"] = min(len(lexical), 4) / 4
    strongest_lexical = max(f[k] for k in _LEXICAL_FAMILIES.values())
    f["model_x_lexicon"] = f["model_risk"] * strongest_lexical
    # the encoder sees exactly the items the n-gram tier raised a finding on (see the encoder
    # detector), so a raised item without an encoder finding is one the encoder judged benign
    f["enc_silent"] = float(f["model_risk"] > 0 and f["enc_risk"] == 0)
    return [f[k] for k in names]


@dataclass(frozen=True)
class CalibratedScorer:
    """Logistic combination + Platt calibration + level bands; immutable, safe to share."""

    coef: tuple[float, ...]
    intercept: float
    platt_a: float
    platt_b: float
    bands: tuple[tuple[float, Level], ...]
    metadata: dict[str, Any]
    feature_names: tuple[str, ...] = FEATURES

    calibrated = True
    name = "calibrated@1"

    def risk(self, findings: Sequence[Finding]) -> float:
        """Calibrated probability that the item is a true positive (on the validation mix)."""
        names = self.feature_names
        x = [0.0] * len(names) if not findings else features(findings, names)
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=True))
        p = _sigmoid(self.platt_a * z + self.platt_b)
        # a conversation's arc is already a calibrated probability of its own (see the arc
        # detector); the item is as risky as the stronger of the two judgements
        arc = max((f.score for f in findings if f.detector.startswith("arc@")), default=0.0)
        return round(max(p, arc), 4)

    def level(self, risk: float) -> Level:
        """The band a risk falls in (thresholds stored with the weights)."""
        for threshold, level in self.bands:
            if risk >= threshold:
                return level
        return Level.NONE

    def to_dict(self) -> dict[str, Any]:
        """The JSON form written by training."""
        return {
            "format": "tipguard-scorer/1",
            "features": list(self.feature_names),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "platt": [self.platt_a, self.platt_b],
            "bands": {level.value: t for t, level in self.bands},
            **self.metadata,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CalibratedScorer:
        """Read the JSON form, refusing weights trained for other features."""
        names = tuple(raw.get("features", ()))
        if raw.get("format") != "tipguard-scorer/1" or names not in (FEATURES, ENCODER_FEATURES):
            raise ModelLoadError("scorer weights do not match this version's features")
        if len(raw.get("coef", ())) != len(names):
            raise ModelLoadError("scorer weights have the wrong number of coefficients")
        raw = dict(raw)
        bands = tuple(sorted(((float(t), Level(name)) for name, t in raw.pop("bands").items()), reverse=True))
        coef = tuple(float(c) for c in raw.pop("coef"))
        intercept = float(raw.pop("intercept"))
        a, b = (float(v) for v in raw.pop("platt"))
        for key in ("format", "features"):
            raw.pop(key)
        return cls(coef, intercept, a, b, bands, raw, names)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_PACKAGED: dict[str, CalibratedScorer] = {}


def packaged_scorer(name: str = "scorer") -> CalibratedScorer:
    """The scorer shipped in ``tipguard/scoring/data/<name>.json``."""
    scorer = _PACKAGED.get(name)
    if scorer is None:
        ref = resources.files("tipguard.scoring").joinpath(f"data/{name}.json")
        try:
            raw = json.loads(ref.read_text("utf-8"))
        except (FileNotFoundError, OSError, ValueError) as exc:
            raise ModelLoadError(f"packaged scorer {name!r} is missing or unreadable") from exc
        scorer = CalibratedScorer.from_dict(raw)
        _PACKAGED[name] = scorer
    return scorer
