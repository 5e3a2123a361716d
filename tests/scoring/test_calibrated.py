"""The calibrated scorer: features, monotonicity, bands and the shipped weights."""

from __future__ import annotations

import pytest

from tipguard.errors import ModelLoadError
from tipguard.results import Evidence, Finding, Level, Span
from tipguard.scoring.calibrated import (
    ENCODER_FEATURES,
    FEATURES,
    CalibratedScorer,
    features,
    packaged_scorer,
)


def finding(code: str, score: float, detector: str = "lexicon@1", damped: bool = False) -> Finding:
    evidence = (Evidence("context", "en:awareness", Span(0, 1), 0.3),) if damped else ()
    return Finding(code, score, (Span(0, 1),), detector, "r", evidence)


def test_features_read_each_detector() -> None:
    f = dict(
        zip(
            FEATURES,
            features(
                [
                    finding("REC_FEE", 0.7),
                    finding("REC_HIGH_PAY", 0.5),
                    finding("OFF_CONTACT", 0.9, "off_platform@1"),
                    finding("REC_LURE", 0.8, "ngram@1"),
                    finding("CTL_THREAT_PERSON", 0.95, "ngram@1"),
                ]
            ),
            strict=True,
        )
    )
    assert f["lex_recruitment"] == 0.7 and f["lex_count"] == 0.5 and f["contact"] == 1.0
    assert f["model_risk"] == 0.8 and f["model_threat"] == 0.95
    assert f["model_x_lexicon"] == pytest.approx(0.56)
    assert features([])[0] == 0.0


def test_shipped_scorer_is_calibrated_monotone_and_banded() -> None:
    scorer = packaged_scorer()
    assert scorer.calibrated
    thresholds = [t for t, _ in scorer.bands]
    assert thresholds == sorted(thresholds, reverse=True)
    assert scorer.level(0.0) == Level.NONE and scorer.level(1.0) == Level.CRITICAL
    quiet = scorer.risk([])
    lure = scorer.risk([finding("REC_LURE", 0.95, "ngram@1"), finding("REC_FEE", 0.8)])
    assert 0.0 <= quiet < lure <= 1.0
    # the model's evidence counts for more as it grows
    assert scorer.risk([finding("REC_LURE", 0.4, "ngram@1")]) < scorer.risk(
        [finding("REC_LURE", 0.9, "ngram@1")]
    )


def test_weights_for_other_features_are_refused() -> None:
    raw = packaged_scorer().to_dict()
    raw["features"] = ["something_else"]
    with pytest.raises(ModelLoadError):
        CalibratedScorer.from_dict(raw)
    again = CalibratedScorer.from_dict(packaged_scorer().to_dict())
    assert again.bands == packaged_scorer().bands


def test_encoder_features_tell_silence_from_absence() -> None:
    raised = [finding("REC_LURE", 0.6, "ngram@1")]
    judged = dict(zip(ENCODER_FEATURES, features(raised, ENCODER_FEATURES), strict=True))
    assert judged["enc_silent"] == 1.0 and judged["enc_risk"] == 0.0  # routed, encoder said no
    agreed = features([*raised, finding("REC_LURE", 0.9, "encoder@1")], ENCODER_FEATURES)
    assert dict(zip(ENCODER_FEATURES, agreed, strict=True))["enc_risk"] == 0.9
    assert dict(zip(ENCODER_FEATURES, agreed, strict=True))["enc_silent"] == 0.0
    quiet = dict(zip(ENCODER_FEATURES, features([finding("REC_FEE", 0.7)], ENCODER_FEATURES), strict=True))
    assert quiet["enc_silent"] == 0.0  # never routed: nothing to say
    assert features(raised) == features(raised, FEATURES)  # the standard scorer is unchanged


def test_shipped_deep_scorer_uses_the_encoder_features() -> None:
    deep = packaged_scorer("scorer-deep")
    assert deep.feature_names == ENCODER_FEATURES and deep.calibrated
    lure = [finding("REC_LURE", 0.9, "ngram@1")]
    assert deep.risk([*lure, finding("REC_LURE", 0.95, "encoder@1")]) > deep.risk(lure)
