"""Score the packaged per-language cases: the one definition of "caught" and "false positive".

A positive is caught when its verdict reaches ``medium`` (send to a human) and at least one of
its expected indicators fired; a benign look-alike is a false positive when its verdict reaches
``medium``. The lexicon authors' checker, the per-language report and the tests all use this.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipguard.lexicons.cases import Case, load_cases
from tipguard.pipeline.analyzer import Analyzer
from tipguard.results import Level, Verdict


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """One case, its verdict, and whether the analyzer got it right."""

    case: Case
    verdict: Verdict

    @property
    def correct(self) -> bool:
        """Caught (positive) or left below ``medium`` (benign)."""
        flagged = self.verdict.level >= Level.MEDIUM
        if not self.case.is_positive:
            return not flagged
        return flagged and bool({f.indicator for f in self.verdict.findings} & set(self.case.expect))


@dataclass(frozen=True, slots=True)
class LanguageScore:
    """Outcomes of one language's cases."""

    language: str
    outcomes: tuple[CaseOutcome, ...]

    @property
    def positives(self) -> tuple[CaseOutcome, ...]:
        """Outcomes of the positive cases."""
        return tuple(o for o in self.outcomes if o.case.is_positive)

    @property
    def benign(self) -> tuple[CaseOutcome, ...]:
        """Outcomes of the benign look-alikes."""
        return tuple(o for o in self.outcomes if not o.case.is_positive)

    @property
    def recall(self) -> float:
        """Share of positives caught."""
        pos = self.positives
        return sum(o.correct for o in pos) / len(pos) if pos else 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of benign look-alikes that reach ``medium``."""
        neg = self.benign
        return sum(not o.correct for o in neg) / len(neg) if neg else 0.0


def score_language(analyzer: Analyzer, language: str) -> LanguageScore:
    """Analyze one language's cases."""
    cases = load_cases(language)
    verdicts = analyzer.analyze_batch([c.text for c in cases])
    return LanguageScore(language, tuple(CaseOutcome(c, v) for c, v in zip(cases, verdicts, strict=True)))
