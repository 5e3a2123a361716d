"""The interim scorer: a simple, documented rule until the learned, calibrated scorer ships.

Rule: take each indicator's strongest finding score ``s``; sort them, strongest first
(``s1 >= s2 >= ...``); then

    risk = 1 - (1 - s1) * (1 - SECONDARY * s2) * (1 - SECONDARY * s3) * ...

with ``SECONDARY = 0.5``. One strong signal decides alone; each further, different indicator
adds half its weight, so several weak lures together (high pay + free flight + urgency +
"add me on Telegram") climb to ``medium`` while one weak signal (an honest "no experience
needed") stays ``low``. Findings of one indicator from two detectors are not double counted.

This risk is NOT a calibrated probability: verdicts say ``calibrated: false``.

Levels (fixed by design, not tuned on any test data): none < 0.15 <= low < 0.45 <= medium
< 0.7 <= high < 0.9 <= critical. ``medium`` and above means: send to a human.
"""

from __future__ import annotations

from collections.abc import Sequence

from tipguard.results import Finding, Level

SECONDARY = 0.5
LEVEL_THRESHOLDS: tuple[tuple[float, Level], ...] = (
    (0.9, Level.CRITICAL),
    (0.7, Level.HIGH),
    (0.45, Level.MEDIUM),
    (0.15, Level.LOW),
)


def level_for(risk: float) -> Level:
    """The band a risk falls in."""
    for threshold, level in LEVEL_THRESHOLDS:
        if risk >= threshold:
            return level
    return Level.NONE


class InterimScorer:
    """Stateless; safe to share."""

    calibrated = False
    name = "interim@1"

    def level(self, risk: float) -> Level:
        """The fixed band of a risk."""
        return level_for(risk)

    def risk(self, findings: Sequence[Finding]) -> float:
        """Combine findings by the rule in the module docstring."""
        best: dict[str, float] = {}
        for f in findings:
            if f.score > best.get(f.indicator, 0.0):
                best[f.indicator] = f.score
        if not best:
            return 0.0
        scores = sorted(best.values(), reverse=True)
        miss = 1.0 - scores[0]
        for s in scores[1:]:
            miss *= 1.0 - SECONDARY * s
        return round(min(max(1.0 - miss, 0.0), 1.0), 4)
