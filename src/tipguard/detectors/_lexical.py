"""Turn lexicon hits into findings; shared by the detectors that read the lexicon scan."""

from __future__ import annotations

from collections.abc import Collection

from tipguard.lexicons.matcher import CompiledContext, RuleMatch
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Evidence, Finding, Span
from tipguard.taxonomy.codes import INDICATORS

MAX_SCORE = 0.99


def lexicon_findings(
    item: PreparedItem,
    indicators: Collection[str],
    detector_id: str,
) -> list[Finding]:
    """Findings for the rules of ``indicators`` that fired in ``item``'s lexicon scan.

    Rules of one indicator and one language combine by noisy-OR (each rule counted once); across
    languages the best language counts, so cognates (Spanish and Portuguese ``urgente``,
    Turkish ``pasaport*`` on Spanish ``pasaporte``) do not add up to a false alarm. Benign context
    (awareness, news, research, honest recruitment, support) found anywhere in the item
    multiplies the score by the strongest applicable ``damp`` and is recorded as evidence.
    """
    scan = item.scan
    if scan is None or not scan.matches:
        return []
    by_indicator: dict[str, list[RuleMatch]] = {}
    for match in scan.matches:
        code = match.rule.rule.indicator
        if code in indicators:
            by_indicator.setdefault(code, []).append(match)
    findings = []
    for code, matches in by_indicator.items():
        spans: list[Span] = []
        evidence: list[Evidence] = []
        miss_by_language: dict[str, float] = {}
        for m in sorted(matches, key=lambda m: -m.rule.rule.score):
            lang = m.rule.language
            miss_by_language[lang] = miss_by_language.get(lang, 1.0) * (1.0 - m.rule.rule.score)
            for s, e in m.spans:
                start, end = item.view_to_original(s, e)
                span = Span(start, end)
                if span not in spans:
                    spans.append(span)
                evidence.append(Evidence("lexicon", m.rule.ref, span, m.rule.rule.score))
        language = min(miss_by_language, key=lambda k: (miss_by_language[k], k))
        score = min(1.0 - miss_by_language[language], MAX_SCORE)
        damp, ctx = _strongest_context(scan.contexts, code)
        reason = f"{INDICATORS[code].description} ({len(matches)} lexicon rule(s))"
        if ctx is not None:
            score *= damp
            start, end = item.view_to_original(*ctx[1])
            evidence.append(Evidence("context", ctx[0].ref, Span(start, end), damp))
            reason += f"; lowered by {ctx[0].rule.kind.replace('_', ' ')} context"
        findings.append(
            Finding(
                indicator=code,
                score=round(score, 4),
                spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))),
                detector=detector_id,
                reason=reason,
                evidence=tuple(evidence),
                language=language,
            )
        )
    findings.sort(key=lambda f: (-f.score, f.indicator))
    return findings


def _strongest_context(
    contexts: tuple[tuple[CompiledContext, tuple[int, int]], ...], code: str
) -> tuple[float, tuple[CompiledContext, tuple[int, int]] | None]:
    best: tuple[CompiledContext, tuple[int, int]] | None = None
    damp = 1.0
    for ctx in contexts:
        if ctx[0].rule.applies(code) and ctx[0].rule.damp < damp:
            damp = ctx[0].rule.damp
            best = ctx
    return damp, best
