"""Indicator sharing over HTTP: export (``analyst``), import (``admin``), match (``ingest``).

The library (``tipguard.sharing``) does the work; this module adds who may do what and where
the partners' indicators live. Export reads review items (and the review items escalated into
cases) through the store, so every item read is audited, and writes one more audit row for the
export itself: it is the one route whose output leaves the organisation. Import is ``admin``
because a bundle changes what every later match reports. Match answers with indicator ids and
character spans only; the text never comes back.

Where imported indicators live: a JSON file (``IndicatorIndex.to_json``) beside the SQLite
database, not a table in the store. The library already reads and writes that format, checks it
against the sharing key's id, and never stores the key in it; a table would need a migration and
a PostgreSQL twin for data that is one small document, replaced whole on each import. The file is
written atomically (temporary file, then rename) and each process reloads it when its
modification time changes, so several workers converge on the last import; two imports racing in
two processes can lose one (import again), which is acceptable for an ``admin`` action.

The sharing secret comes from ``TIPGUARD_SHARING_SECRET``; without a valid one every route here
answers 409 ``sharing_not_configured`` instead of being absent, so clients learn why.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import make_url

from tipguard.errors import BundleError, ConfigError
from tipguard.items import ItemKind
from tipguard.service.auth import Principal, require_admin, require_analyst, require_ingest
from tipguard.service.problems import PROBLEM_RESPONSES, Problem, check_batch_size
from tipguard.service.schemas import (
    IndicatorExportRequest,
    IndicatorImportOut,
    IndicatorMatchRequest,
    IndicatorMatchResponse,
    StixBundleOut,
)
from tipguard.service.settings import ServiceSettings
from tipguard.service.state import ServiceState, state_of
from tipguard.sharing import BundleBuilder, ImportSummary, IndicatorIndex, SharingKey, parse_bundle

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/indicators", tags=["indicators"], responses=PROBLEM_RESPONSES)
Ingest = Annotated[Principal, Depends(require_ingest)]
Analyst = Annotated[Principal, Depends(require_analyst)]
Admin = Annotated[Principal, Depends(require_admin)]

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
_TEMPLATE_KINDS = {
    "adverts": {ItemKind.ADVERT.value, ItemKind.PROFILE.value},
    "all": {k.value for k in ItemKind},
    "none": set(),
}


class IndexFile:
    """Partners' indicators in a JSON file: loaded on first use, reloaded when the file changes.

    Readers get an ``IndicatorIndex`` that is never mutated afterwards (an import builds a new
    one and swaps it in), so matches in other threads need no lock.
    """

    def __init__(self, path: Path, key: SharingKey) -> None:
        self.path = path
        self.key = key
        self._lock = threading.Lock()
        self._index: IndicatorIndex | None = None
        self._stamp: tuple[int, int] | None = None

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_size

    def _fresh(self) -> IndicatorIndex:
        """The index as the file holds it now (caller holds the lock).

        Raises:
            BundleError: the file is not an index; ConfigError: it was built for another key.
        """
        stamp = self._stat()
        if self._index is None or stamp != self._stamp:
            if stamp is None:
                self._index = IndicatorIndex(self.key)
            else:
                self._index = IndicatorIndex.from_json(self.path.read_bytes(), self.key)
            self._stamp = stamp
        return self._index

    def current(self) -> IndicatorIndex:
        """The index to match against."""
        with self._lock:
            return self._fresh()

    def add_bundle(self, data: dict[str, Any]) -> tuple[ImportSummary, int]:
        """Parse and add a partner's bundle, persist the result; ``(summary, indicators held)``."""
        bundle = parse_bundle(data)  # slow (stix2 validates every pattern): outside the lock
        with self._lock:
            updated = IndicatorIndex(self.key)
            updated.merge(self._fresh())
            summary = updated.add(bundle)
            self._write(updated.to_json())
            self._index, self._stamp = updated, self._stat()
        return summary, len(updated)

    def _write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".indicators-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass(frozen=True, slots=True)
class Sharing:
    """What the indicator routes need: the group key, the index file, the organisation."""

    key: SharingKey
    index: IndexFile
    organisation: str | None


def default_index_path(database_url: str) -> Path:
    """``<db>.indicators.json`` beside a SQLite file; ``tipguard-indicators.json`` otherwise."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).with_suffix(".indicators.json")
    return Path("tipguard-indicators.json")


def sharing_from(settings: ServiceSettings, database_url: str) -> Sharing | None:
    """The app's sharing context, or ``None`` (logged) when no valid secret is configured."""
    if settings.sharing_secret is None:
        logger.info("indicator sharing is off: TIPGUARD_SHARING_SECRET is not set")
        return None
    try:
        key = SharingKey(settings.sharing_secret.get_secret_value())
    except ConfigError as exc:
        logger.warning("indicator sharing is off: %s", exc)  # the message gives a length, not the key
        return None
    path = Path(settings.indicator_index) if settings.indicator_index else default_index_path(database_url)
    logger.info("indicator sharing on: key id %s, index %s", key.key_id, path)
    return Sharing(key, IndexFile(path, key), settings.organisation)


def sharing_of(request: Request) -> Sharing:
    """The sharing context, or 409 ``sharing_not_configured``."""
    sharing: Sharing | None = getattr(request.app.state, "tipguard_sharing", None)
    if sharing is None:
        raise Problem(
            409,
            "sharing_not_configured",
            "indicator sharing needs a sharing-group secret of at least 16 bytes (TIPGUARD_SHARING_SECRET)",
        )
    return sharing


def _index(sharing: Sharing) -> IndicatorIndex:
    try:
        return sharing.index.current()
    except ConfigError:
        raise Problem(
            409,
            "index_key_mismatch",
            "the saved indicator index was built with another sharing key; move it away and "
            "import the partners' bundles again",
        ) from None
    except BundleError:
        logger.error("the indicator index file %s is not readable as an index", sharing.index.path)
        raise Problem(503, "index_unavailable", "the saved indicator index cannot be read") from None


def _check_sizes(limits: ServiceSettings, count: int, texts: Iterable[str]) -> None:
    check_batch_size(count, limits.max_batch_items)
    longest = max((len(t) for t in texts), default=0)
    if longest > limits.max_text_chars:
        raise Problem(
            413,
            "text_too_long",
            f"a text has {longest} characters; the limit is {limits.max_text_chars} (max_text_chars)",
            limit="max_text_chars",
            max_value=limits.max_text_chars,
        )


def _sources(
    state: ServiceState, principal: Principal, body: IndicatorExportRequest
) -> list[tuple[str, str]]:
    """``(text, kind)`` of every review item, case review item and text asked for."""
    review_ids = list(dict.fromkeys(body.review_ids))
    for case_id in body.case_ids:
        case = state.store.get_case(principal.actor, case_id)
        review_ids.extend(r for r in case.review_item_ids if r not in review_ids)
    _check_sizes(state.settings, len(review_ids) + len(body.texts), (t.text for t in body.texts))
    out = []
    for review_id in review_ids:
        record = state.store.get_review(principal.actor, review_id)
        out.append((record.text, record.kind))
    out.extend((t.text, t.kind) for t in body.texts)
    return out


@router.post(
    "/export",
    response_model=StixBundleOut,
    responses={200: {"content": {STIX_MEDIA_TYPE: {}}}},
)
def export_indicators(body: IndicatorExportRequest, request: Request, principal: Analyst) -> JSONResponse:
    """A STIX 2.1 bundle of the contact points (keyed hashes) and templates (keyed MinHash) of
    the given review items, cases' review items and texts; no text, name or number inside."""
    sharing = sharing_of(request)
    if not sharing.organisation:
        raise Problem(
            409,
            "organisation_not_configured",
            "exported bundles name their producer: set TIPGUARD_ORGANISATION",
        )
    state = state_of(request)
    sources = _sources(state, principal, body)
    builder = BundleBuilder(
        sharing.key,
        organisation=sharing.organisation,
        tlp=body.tlp,
        confidence=body.confidence,
        valid_for=timedelta(days=body.valid_days) if body.valid_days else None,
    )
    fingerprinted = _TEMPLATE_KINDS[body.templates]
    for text, kind in sources:
        builder.add_text(text, regions=body.regions, template=kind in fingerprinted)
    try:
        bundle = builder.bundle()
    except ImportError:
        raise Problem(503, "sharing_unavailable", "indicator sharing needs the `sharing` extra") from None
    state.store.record_audit(
        principal.actor, "indicators.export", f"items:{len(sources)} indicators:{builder.size} tlp:{body.tlp}"
    )
    logger.info("exported %d indicator(s) from %d item(s)", builder.size, len(sources))
    return JSONResponse(
        json.loads(bundle.serialize()),
        media_type=STIX_MEDIA_TYPE,
        headers={"X-Tipguard-Indicators": str(builder.size)},
    )


@router.post("/import", response_model=IndicatorImportOut)
def import_indicators(
    request: Request,
    principal: Admin,
    bundle: Annotated[dict[str, Any], Body(description="A partner's STIX 2.1 bundle, as they sent it.")],
) -> IndicatorImportOut:
    """Add a partner's bundle to this service's index (kept across restarts); indicators made
    with another sharing key, expired or revoked ones are counted and skipped."""
    sharing = sharing_of(request)
    _index(sharing)  # a mismatched or unreadable saved index answers before the slow parse
    try:
        summary, total = sharing.index.add_bundle(bundle)
    except BundleError as exc:
        raise Problem(422, "malformed_bundle", str(exc)) from None
    except ImportError:
        raise Problem(503, "sharing_unavailable", "indicator sharing needs the `sharing` extra") from None
    state_of(request).store.record_audit(
        principal.actor, "indicators.import", f"added:{summary.added} total:{total}"
    )
    return IndicatorImportOut(
        added=summary.added,
        other_key=summary.other_key,
        expired=summary.expired,
        ignored=summary.ignored,
        duplicates=summary.duplicates,
        total=total,
    )


@router.post("/match", response_model=IndicatorMatchResponse)
def match_indicators(body: IndicatorMatchRequest, request: Request, principal: Ingest) -> JSONResponse:
    """Which partner indicators each text contains: indicator ids, kinds, spans, partners."""
    sharing = sharing_of(request)
    state = state_of(request)
    _check_sizes(state.settings, len(body.items), (i.text for i in body.items))
    index = _index(sharing)
    results = []
    for n, item in enumerate(body.items):
        found = index.match(item.text, regions=body.regions, templates=body.templates)
        results.append(
            {
                "id": item.id if item.id is not None else str(n),
                "matches": [
                    {
                        "indicator": m.indicator_id,
                        "kind": m.kind.value,
                        "span": [m.span.start, m.span.end],
                        "partner": m.partner_id,
                        "partner_name": m.partner_name,
                        "tlp": m.tlp,
                        "similarity": m.similarity,
                    }
                    for m in found
                ],
            }
        )
    return JSONResponse({"results": results, "indicators": len(index)})
