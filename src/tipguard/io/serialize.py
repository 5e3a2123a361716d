"""The output contract: one JSON object per item, stable field names, a ``schema_version``.

Other tools and later parts of tipguard read this format; change it only with a new
``SCHEMA_VERSION``. Spans are ``[start, end]`` character offsets into the original text (for a
conversation, each span also names its ``message`` index).
"""

from __future__ import annotations

from typing import Any

from tipguard.results import SCHEMA_VERSION, Entity, Evidence, Finding, Span, Verdict


def _span(span: Span) -> list[int]:
    if span.message is None:
        return [span.start, span.end]
    return [span.start, span.end, span.message]


def _entity(entity: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": entity.kind, "value": entity.value}
    if entity.platform:
        out["platform"] = entity.platform
    if entity.span is not None:
        out["span"] = _span(entity.span)
    return out


def _evidence(ev: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": ev.kind, "ref": ev.ref, "weight": round(ev.weight, 4)}
    if ev.span is not None:
        out["span"] = _span(ev.span)
    return out


def finding_to_dict(finding: Finding, *, evidence: bool = True) -> dict[str, Any]:
    """One finding as a JSON-ready dict."""
    out: dict[str, Any] = {
        "indicator": finding.indicator,
        "score": round(finding.score, 4),
        "spans": [_span(s) for s in finding.spans],
        "detector": finding.detector,
        "reason": finding.reason,
    }
    if finding.language:
        out["language"] = finding.language
    if finding.entities:
        out["entities"] = [_entity(e) for e in finding.entities]
    if evidence and finding.evidence:
        out["evidence"] = [_evidence(e) for e in finding.evidence]
    return out


def verdict_to_dict(verdict: Verdict, *, evidence: bool = True) -> dict[str, Any]:
    """One verdict as a JSON-ready dict in the output contract."""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": verdict.id,
        "kind": verdict.kind,
        "language": verdict.language,
        "language_confidence": verdict.language_confidence,
        "risk": verdict.risk,
        "level": verdict.level.value,
        "calibrated": verdict.calibrated,
        "findings": [finding_to_dict(f, evidence=evidence) for f in verdict.findings],
        "error": None,
    }
    if verdict.error is not None:
        out["error"] = {"code": verdict.error.code, "message": verdict.error.message}
    if verdict.failures:
        out["detector_failures"] = [
            {"detector": f.detector, "reason": f.reason, "skipped": f.skipped} for f in verdict.failures
        ]
    if not verdict.calibrated:
        out["note"] = "risk from the interim rule; not yet calibrated"
    return out
