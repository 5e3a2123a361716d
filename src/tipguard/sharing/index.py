"""Match texts against partners' indicators, in memory, without ever seeing their values.

The index holds what partners shared (keyed hashes and template fingerprints) and the key of the
sharing group. To match a text, its contact points are extracted and hashed with the same key,
and its fingerprint is compared with the partners' fingerprints: a hash either equals a shared
one or not; a fingerprint matches when the estimated Jaccard similarity reaches the threshold
the partner set. Indicators made with another key (another ``key_id``) can never match and are
not kept; expired and revoked ones are dropped when a bundle is added.

Templates are compared by brute force over a ``(n, 128)`` matrix, one vectorised comparison per
text: about a millisecond per 10,000 templates, enough for the bundles partners exchange. A
corpus of millions would want MinHash LSH banding instead.

Once built, the index is read-only, so one instance can serve many threads. ``to_json`` and
``from_json`` persist it; the file holds the partners' hashes and fingerprints, never the key.
Persisting matters for large bundles: ``stix2`` validates every STIX pattern with its ANTLR
grammar (about 4 ms an indicator, so about 40 s for 10,000), while a saved index loads in
milliseconds. Import a partner's bundle once, save the index, and match against the index.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from tipguard.errors import BundleError, ConfigError
from tipguard.results import Span
from tipguard.sharing.fingerprint import NUM_PERM, TemplateFingerprint, fingerprint
from tipguard.sharing.keys import SharingKey
from tipguard.sharing.observables import Observable, ObservableKind, extract_contacts
from tipguard.sharing.stix import PartnerBundle, SharedIndicator, parse_bundle

logger = logging.getLogger(__name__)

INDEX_FORMAT = "tipguard-indicator-index"
INDEX_VERSION = 1


@dataclass(frozen=True, slots=True)
class IndicatorMatch:
    """A partner's indicator found in a text.

    ``similarity`` is 1.0 for a contact point (the keyed hashes are equal) and the estimated
    Jaccard similarity for a template; a template's span covers the whole text.
    """

    indicator_id: str
    kind: ObservableKind
    span: Span
    partner_id: str | None
    partner_name: str | None
    tlp: str | None
    similarity: float = 1.0


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What adding a bundle did."""

    added: int
    other_key: int = 0
    """Indicators hashed with another sharing key: they can never match here."""
    expired: int = 0
    ignored: int = 0
    """Objects that are not tipguard indicators, or are revoked."""
    duplicates: int = 0


@dataclass
class _Templates:
    entries: list[SharedIndicator] = field(default_factory=list)
    matrix: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros((0, NUM_PERM), dtype=np.uint32))
    thresholds: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


class IndicatorIndex:
    """Partners' indicators, ready to match texts hashed with the same sharing-group key."""

    def __init__(self, key: SharingKey) -> None:
        self.key = key
        self._contacts: dict[str, list[SharedIndicator]] = {}
        self._templates = _Templates()
        self._ids: set[str] = set()

    def __len__(self) -> int:
        return len(self._ids)

    # -- building ---------------------------------------------------------------------------

    def add_bundle(
        self, data: str | bytes | Mapping[str, Any], *, now: datetime | None = None
    ) -> ImportSummary:
        """Parse a partner's STIX bundle (see :func:`parse_bundle`) and add its indicators."""
        return self.add(parse_bundle(data), now=now)

    def add(self, bundle: PartnerBundle, *, now: datetime | None = None) -> ImportSummary:
        """Add the indicators of a parsed bundle that this key can match and that are valid now."""
        now = now or datetime.now(UTC)
        added = other_key = expired = duplicates = 0
        new_templates: list[SharedIndicator] = []
        for ind in bundle.indicators:
            if ind.key_id != self.key.key_id:
                other_key += 1
            elif ind.valid_until is not None and ind.valid_until < now:
                expired += 1
            elif ind.indicator_id in self._ids:
                duplicates += 1
            else:
                self._ids.add(ind.indicator_id)
                added += 1
                if ind.kind is ObservableKind.TEMPLATE:
                    new_templates.append(ind)
                else:
                    self._contacts.setdefault(ind.value, []).append(ind)
        if new_templates:
            self._add_templates(new_templates)
        if other_key:
            logger.warning(
                "%d shared indicator(s) were hashed with another sharing key (not key id %s); "
                "they cannot match and were skipped",
                other_key,
                self.key.key_id,
            )
        return ImportSummary(added, other_key, expired, bundle.ignored, duplicates)

    def entries(self) -> tuple[SharedIndicator, ...]:
        """Every indicator held, contact points first."""
        contacts = [ind for inds in self._contacts.values() for ind in inds]
        return (*contacts, *self._templates.entries)

    def merge(self, other: IndicatorIndex) -> ImportSummary:
        """Add the indicators of another index built for the same key."""
        if other.key.key_id != self.key.key_id:
            raise ConfigError("cannot merge indexes built for different sharing keys")
        return self.add(PartnerBundle(other.entries()))

    def _add_templates(self, new: list[SharedIndicator]) -> None:
        rows = np.stack([TemplateFingerprint.from_base64(t.value).array() for t in new])
        t = self._templates
        t.entries = [*t.entries, *new]
        t.matrix = np.concatenate([t.matrix, rows])
        t.thresholds = np.concatenate([t.thresholds, np.array([x.threshold for x in new])])

    # -- matching ---------------------------------------------------------------------------

    def match(
        self, text: str, *, regions: Iterable[str] | None = None, templates: bool = True
    ) -> list[IndicatorMatch]:
        """Every partner indicator found in ``text``: contact points, then the template.

        ``regions`` resolve phone numbers written without a country code (guessed from the
        language by default); ``templates=False`` skips the fingerprint (short messages).
        """
        out = self.match_contacts(extract_contacts(text, regions=regions)) if self._contacts else []
        if templates and self._templates.entries:
            fp = fingerprint(text, self.key.template_key)
            if fp is not None:
                out.extend(self.match_fingerprint(fp, Span(0, len(text))))
        return out

    def match_contacts(self, observables: Iterable[Observable]) -> list[IndicatorMatch]:
        """Matches for contact observables already extracted (e.g. from a verdict's findings)."""
        out = []
        for obs in observables:
            for ind in self._contacts.get(self.key.contact_hash(obs.kind.value, obs.value), ()):
                if ind.kind is obs.kind:
                    out.append(
                        IndicatorMatch(
                            ind.indicator_id, ind.kind, obs.span, ind.partner_id, ind.partner_name, ind.tlp
                        )
                    )
        return out

    def match_fingerprint(self, fp: TemplateFingerprint, span: Span) -> list[IndicatorMatch]:
        """Partner templates similar to ``fp``, most similar first."""
        t = self._templates
        if not t.entries:
            return []
        similarity = (t.matrix == fp.array()[None, :]).mean(axis=1)
        hits = np.nonzero(similarity >= t.thresholds)[0]
        hits = hits[np.argsort(-similarity[hits], kind="stable")]
        return [
            IndicatorMatch(
                t.entries[i].indicator_id,
                ObservableKind.TEMPLATE,
                span,
                t.entries[i].partner_id,
                t.entries[i].partner_name,
                t.entries[i].tlp,
                round(float(similarity[i]), 4),
            )
            for i in hits
        ]

    # -- persistence ------------------------------------------------------------------------

    def to_json(self) -> str:
        """The index as JSON: partners' hashes and fingerprints and the key id, never the key."""
        return json.dumps(
            {
                "format": INDEX_FORMAT,
                "version": INDEX_VERSION,
                "key_id": self.key.key_id,
                "indicators": [_entry_to_dict(e) for e in self.entries()],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: str | bytes, key: SharingKey) -> IndicatorIndex:
        """Load an index written by :meth:`to_json`; the key must be the one it was built for."""
        try:
            obj = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise BundleError("the index file is not valid JSON") from None
        if not isinstance(obj, dict) or obj.get("format") != INDEX_FORMAT:
            raise BundleError(f"the file is not a {INDEX_FORMAT}")
        if obj.get("version") != INDEX_VERSION:
            raise BundleError(f"index version {obj.get('version')!r} is not supported (only {INDEX_VERSION})")
        if obj.get("key_id") != key.key_id:
            raise ConfigError(
                f"the index was built for sharing key id {obj.get('key_id')!r}; the given key has id "
                f"{key.key_id!r}"
            )
        try:
            indicators = tuple(_entry_from_dict(e) for e in obj.get("indicators", []))
        except (KeyError, TypeError, ValueError):
            raise BundleError("the index file has a malformed indicator entry") from None
        index = cls(key)
        index.add(PartnerBundle(indicators))
        return index


def _entry_to_dict(ind: SharedIndicator) -> dict[str, Any]:
    return {
        "id": ind.indicator_id,
        "kind": ind.kind.value,
        "value": ind.value,
        "key_id": ind.key_id,
        "partner_id": ind.partner_id,
        "partner_name": ind.partner_name,
        "tlp": ind.tlp,
        "confidence": ind.confidence,
        "valid_until": ind.valid_until.isoformat() if ind.valid_until else None,
        "threshold": ind.threshold,
    }


def _entry_from_dict(d: Mapping[str, Any]) -> SharedIndicator:
    kind = ObservableKind(d["kind"])
    value = str(d["value"])
    if kind is ObservableKind.TEMPLATE:
        TemplateFingerprint.from_base64(value)  # validates
    elif len(value) != 64:
        raise ValueError("not a keyed hash")
    valid_until = datetime.fromisoformat(d["valid_until"]) if d.get("valid_until") else None
    return SharedIndicator(
        indicator_id=str(d["id"]),
        kind=kind,
        value=value,
        key_id=str(d["key_id"]),
        partner_id=d.get("partner_id"),
        partner_name=d.get("partner_name"),
        tlp=d.get("tlp"),
        confidence=d.get("confidence"),
        valid_until=valid_until,
        threshold=float(d.get("threshold", 0.5)),
    )
