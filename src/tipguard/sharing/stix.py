"""STIX 2.1 bundles of shared indicators: what leaves an organisation, and how it is read back.

A bundle holds an Identity for the producing organisation, the TLP marking definition, the
tipguard extension definition, and one Indicator per distinct observable. Nothing else: no text,
no names, no raw numbers, handles or links, no counts of victims. Every Indicator carries:

* for a contact point, a STIX pattern over a custom observable type whose one property is the
  keyed hash: ``[x-tipguard-contact:kind = 'phone' AND x-tipguard-contact:hmac_sha256 = '<hex>']``.
  STIX has no observable for phone numbers or messenger handles, and putting a hash into
  ``url:value`` or ``user-account:account_login`` would tell every STIX tool that the hash *is*
  the URL or login; a custom type with an honest property name is valid STIX patterning (checked
  by ``stix2``'s pattern validator) and exact equality is the right semantics for a keyed hash;
* for a template, ``pattern_type = "x-tipguard-minhash"`` and the base64 signature as the pattern:
  a MinHash signature matches by similarity, not equality, so a ``stix`` pattern would invite
  tools to compare it wrongly; an unknown pattern type is skipped by tools that cannot run it;
* a STIX 2.1 property extension (``EXTENSION_ID``, defined in the bundle) with the observable
  kind, the scheme and the ``key_id`` of the sharing-group key, so a receiver knows at once
  whether it can match the indicator, and with the MinHash parameters for templates;
* ``indicator_types = ["malicious-activity"]``, labels, ``confidence``, ``valid_from`` (and
  ``valid_until`` when asked), ``created_by_ref`` and the TLP marking.

TLP markings are the TLP 1.0 definitions that ``stix2`` ships (``clear`` is written as TLP:WHITE,
its TLP 1.0 name); on import the TLP 2.0 definitions are recognised too. Indicator ids are
derived from the key id, the kind and the hash, so a re-export updates the same indicators.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tipguard.errors import BundleError, ConfigError
from tipguard.sharing.fingerprint import (
    ALGORITHM,
    DEFAULT_THRESHOLD,
    NUM_PERM,
    SHINGLE,
    TemplateFingerprint,
    fingerprint,
)
from tipguard.sharing.keys import SharingKey
from tipguard.sharing.observables import Observable, ObservableKind, extract_contacts

logger = logging.getLogger(__name__)

SCHEME = "tipguard-sharing/1"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tipguard:sharing")
EXTENSION_ID = f"extension-definition--{uuid.uuid5(_NAMESPACE, 'indicator-extension/1')}"
_EXTENSION_CREATOR = f"identity--{uuid.uuid5(_NAMESPACE, 'tipguard project')}"
_EXTENSION_CREATED = "2025-01-01T00:00:00.000Z"
TEMPLATE_PATTERN_TYPE = "x-tipguard-minhash"
CONTACT_KINDS = (ObservableKind.PHONE, ObservableKind.HANDLE, ObservableKind.URL, ObservableKind.EMAIL)
TLP_LEVELS = ("clear", "green", "amber", "red")
_TLP_ALIASES = {"white": "clear"}
# Marking-definition ids: TLP 1.0 (what stix2 ships) and TLP 2.0 (FIRST / OASIS), by level.
_TLP_BY_ID = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
}
_CONTACT_PATTERN = re.compile(
    r"\[x-tipguard-contact:kind = '(phone|handle|url|email)' AND "
    r"x-tipguard-contact:hmac_sha256 = '([0-9a-f]{64})'\]"
)
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_SCHEMA_TEXT = (
    "tipguard shared indicator, scheme tipguard-sharing/1. Properties: scheme; observable_kind "
    "(phone, handle, url, email, template); key_id (public id of the sharing-group HMAC key). "
    "Contact indicators: pattern over x-tipguard-contact:hmac_sha256, HMAC-SHA256 of "
    "'<kind>\\x1f<canonical value>' under a key derived from the group secret. Template "
    "indicators: pattern_type x-tipguard-minhash, pattern = base64 of a keyed MinHash "
    "signature (algorithm, num_perm, shingle, threshold given)."
)


def _stix2() -> Any:
    """The ``stix2`` module, or an ImportError that says how to install it."""
    try:
        import stix2  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError("indicator sharing needs stix2: pip install 'tipguard[sharing]'") from None
    return stix2


def tlp_level(name: str) -> str:
    """A TLP level name (``clear``, ``white``, ``green``, ``amber``, ``red``), canonical."""
    level = _TLP_ALIASES.get(name.lower(), name.lower())
    if level not in TLP_LEVELS:
        raise ConfigError(f"unknown TLP level {name!r}; levels: {', '.join(TLP_LEVELS)} (or white)")
    return level


def _tlp_marking(level: str) -> Any:
    stix2 = _stix2()
    return {
        "clear": stix2.TLP_WHITE,
        "green": stix2.TLP_GREEN,
        "amber": stix2.TLP_AMBER,
        "red": stix2.TLP_RED,
    }[tlp_level(level)]


def _extension_definition() -> Any:
    return _stix2().ExtensionDefinition(
        id=EXTENSION_ID,
        created_by_ref=_EXTENSION_CREATOR,
        created=_EXTENSION_CREATED,
        modified=_EXTENSION_CREATED,
        name="tipguard shared indicator",
        description="Keyed hashes of contact points and keyed MinHash template fingerprints.",
        schema=_SCHEMA_TEXT,
        version="1.0.0",
        extension_types=["property-extension"],
    )


class BundleBuilder:
    """Collects observables from texts and writes them as one STIX 2.1 bundle.

    Contact points are deduplicated by keyed hash; templates by similarity (a fingerprint within
    ``threshold`` of one already kept is the same template). Not thread-safe: one per export.
    """

    def __init__(
        self,
        key: SharingKey,
        *,
        organisation: str,
        tlp: str = "amber",
        confidence: int = 50,
        valid_for: timedelta | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        if not organisation.strip():
            raise ConfigError("organisation must name the producing organisation")
        if not 0 <= confidence <= 100:
            raise ConfigError(f"confidence must be in [0, 100], got {confidence}")
        if not 0.0 < threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], got {threshold}")
        self.key = key
        self.organisation = organisation
        self.tlp = tlp_level(tlp)
        self.confidence = confidence
        self.valid_for = valid_for
        self.threshold = threshold
        self._contacts: dict[str, ObservableKind] = {}
        self._templates: list[TemplateFingerprint] = []

    @property
    def size(self) -> int:
        """Distinct indicators collected so far."""
        return len(self._contacts) + len(self._templates)

    def add_contacts(self, observables: Iterable[Observable]) -> int:
        """Add contact observables (their keyed hashes); returns how many were new."""
        new = 0
        for obs in observables:
            if obs.kind not in CONTACT_KINDS:
                continue
            digest = self.key.contact_hash(obs.kind.value, obs.value)
            if digest not in self._contacts:
                self._contacts[digest] = obs.kind
                new += 1
        return new

    def add_fingerprint(self, fp: TemplateFingerprint) -> bool:
        """Add a template fingerprint unless a near-duplicate is already kept."""
        if any(fp.similarity(kept) >= self.threshold for kept in self._templates):
            return False
        self._templates.append(fp)
        return True

    def add_text(self, text: str, *, regions: Iterable[str] | None = None, template: bool = False) -> int:
        """Extract and add a text's contact points (and its template when ``template``)."""
        new = self.add_contacts(extract_contacts(text, regions=regions))
        if template:
            fp = fingerprint(text, self.key.template_key)
            if fp is not None and self.add_fingerprint(fp):
                new += 1
        return new

    def bundle(self, *, now: datetime | None = None) -> Any:
        """The ``stix2.Bundle`` of everything added."""
        stix2 = _stix2()
        now = now or datetime.now(UTC)
        identity = stix2.Identity(
            id=f"identity--{uuid.uuid5(_NAMESPACE, 'organisation:' + self.organisation)}",
            name=self.organisation,
            identity_class="organization",
            created=now,
            modified=now,
        )
        marking = _tlp_marking(self.tlp)
        common: dict[str, Any] = {
            "created_by_ref": identity.id,
            "object_marking_refs": [marking.id],
            "valid_from": now,
            "created": now,
            "modified": now,
            "confidence": self.confidence,
            "indicator_types": ["malicious-activity"],
        }
        if self.valid_for is not None:
            common["valid_until"] = now + self.valid_for
        objects: list[Any] = [identity, marking, _extension_definition()]
        for digest, kind in self._contacts.items():
            objects.append(
                stix2.Indicator(
                    id=self._indicator_id(kind.value, digest),
                    name=f"tipguard {kind.value} contact point (keyed hash)",
                    pattern=(
                        f"[x-tipguard-contact:kind = '{kind.value}' AND "
                        f"x-tipguard-contact:hmac_sha256 = '{digest}']"
                    ),
                    pattern_type="stix",
                    pattern_version="2.1",
                    labels=["human-trafficking", f"tipguard-{kind.value}"],
                    extensions={EXTENSION_ID: self._extension(kind)},
                    **common,
                )
            )
        for fp in self._templates:
            signature = fp.to_base64()
            objects.append(
                stix2.Indicator(
                    id=self._indicator_id("template", signature),
                    name="tipguard advert template (keyed MinHash fingerprint)",
                    pattern=signature,
                    pattern_type=TEMPLATE_PATTERN_TYPE,
                    labels=["human-trafficking", "tipguard-template"],
                    extensions={
                        EXTENSION_ID: {
                            **self._extension(ObservableKind.TEMPLATE),
                            "algorithm": ALGORITHM,
                            "num_perm": NUM_PERM,
                            "shingle": SHINGLE,
                            "threshold": self.threshold,
                        }
                    },
                    **common,
                )
            )
        return stix2.Bundle(objects=objects)

    def to_json(self, *, now: datetime | None = None, pretty: bool = True) -> str:
        """The bundle as STIX JSON text."""
        return str(self.bundle(now=now).serialize(pretty=pretty))

    def _indicator_id(self, kind: str, value: str) -> str:
        return f"indicator--{uuid.uuid5(_NAMESPACE, f'{self.key.key_id}|{kind}|{value}')}"

    def _extension(self, kind: ObservableKind) -> dict[str, Any]:
        return {
            "extension_type": "property-extension",
            "scheme": SCHEME,
            "observable_kind": kind.value,
            "key_id": self.key.key_id,
        }


# -- import -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SharedIndicator:
    """One tipguard indicator read from a partner's bundle: a keyed hash or a fingerprint."""

    indicator_id: str
    kind: ObservableKind
    value: str
    """The HMAC-SHA256 hex digest, or the base64 MinHash signature for templates."""
    key_id: str
    partner_id: str | None
    partner_name: str | None
    tlp: str | None
    confidence: int | None = None
    valid_until: datetime | None = None
    threshold: float = DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class PartnerBundle:
    """The tipguard indicators of one parsed bundle, and how many other objects it had."""

    indicators: tuple[SharedIndicator, ...]
    ignored: int = 0
    """Objects that are not tipguard indicators (other STIX content) or are revoked."""


def _load_json(data: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        return data
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BundleError("the bundle is not valid JSON") from None
    if not isinstance(obj, dict):
        raise BundleError("the bundle is not a JSON object")
    return obj


def parse_bundle(data: str | bytes | Mapping[str, Any]) -> PartnerBundle:
    """Validate a partner's bundle with ``stix2`` and read its tipguard indicators.

    Raises:
        BundleError: not JSON, not a STIX 2.1 bundle, or a tipguard indicator that is malformed.
            The message names the problem and the object's position, never the bundle's content.
    """
    stix2 = _stix2()
    raw = _load_json(data)
    if raw.get("type") != "bundle":
        raise BundleError("the JSON is not a STIX bundle (its type is not 'bundle')")
    if "spec_version" in raw:  # STIX 2.0 bundles carry one; 2.1 bundles do not
        raise BundleError("the bundle is not STIX 2.1 (a STIX 2.0 bundle has a spec_version)")
    try:
        bundle = stix2.parse(dict(raw), allow_custom=True, version="2.1")
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as exc:
        raise BundleError(f"the bundle is not valid STIX 2.1 ({type(exc).__name__})") from None
    objects = list(getattr(bundle, "objects", None) or [])
    names = {o["id"]: o.get("name") for o in objects if o.get("type") == "identity"}
    tlp_names = {
        o["id"]: str(o["name"]).removeprefix("TLP:").lower()
        for o in objects
        if o.get("type") == "marking-definition" and str(o.get("name", "")).startswith("TLP:")
    }
    found: list[SharedIndicator] = []
    ignored = 0
    for position, obj in enumerate(objects):
        ext = _tipguard_extension(obj)
        if ext is None or obj.get("revoked"):
            ignored += obj.get("type") not in ("identity", "marking-definition", "extension-definition")
            continue
        found.append(_shared_indicator(obj, ext, position, names, tlp_names))
    logger.info("bundle read: %d tipguard indicator(s), %d other object(s)", len(found), ignored)
    return PartnerBundle(tuple(found), ignored)


def _tipguard_extension(obj: Any) -> Mapping[str, Any] | None:
    if obj.get("type") != "indicator":
        return None
    ext = (obj.get("extensions") or {}).get(EXTENSION_ID)
    if ext is None or ext.get("scheme") != SCHEME:
        return None
    return dict(ext)


def _shared_indicator(
    obj: Any,
    ext: Mapping[str, Any],
    position: int,
    names: Mapping[str, str | None],
    tlp_names: Mapping[str, str],
) -> SharedIndicator:
    where = f"object {position} (a tipguard indicator)"
    try:
        kind = ObservableKind(str(ext.get("observable_kind")))
    except ValueError:
        raise BundleError(f"{where} has an unknown observable_kind") from None
    key_id = ext.get("key_id")
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise BundleError(f"{where} has no valid key_id")
    threshold = DEFAULT_THRESHOLD
    if kind is ObservableKind.TEMPLATE:
        if obj.get("pattern_type") != TEMPLATE_PATTERN_TYPE or ext.get("algorithm") != ALGORITHM:
            raise BundleError(f"{where} is a template with an unknown pattern type or algorithm")
        try:
            value = TemplateFingerprint.from_base64(str(obj["pattern"])).to_base64()
        except ValueError:
            raise BundleError(f"{where} has a malformed fingerprint") from None
        given = ext.get("threshold", DEFAULT_THRESHOLD)
        if not isinstance(given, (int, float)) or not 0.0 < float(given) <= 1.0:
            raise BundleError(f"{where} has a threshold outside (0, 1]")
        threshold = float(given)
    else:
        m = _CONTACT_PATTERN.fullmatch(str(obj.get("pattern", "")))
        if m is None or m.group(1) != kind.value:
            raise BundleError(f"{where} has a pattern that is not a tipguard keyed-hash pattern")
        value = m.group(2)
    confidence = obj.get("confidence")
    if confidence is not None and (
        not isinstance(confidence, int) or isinstance(confidence, bool) or not 0 <= confidence <= 100
    ):
        raise BundleError(f"{where} has a confidence outside [0, 100]")
    markings = list(obj.get("object_marking_refs") or [])
    levels = [_TLP_BY_ID.get(r) or tlp_names.get(r) for r in markings]
    tlp = next((level for level in levels if level), None)
    partner = obj.get("created_by_ref")
    valid_until = obj.get("valid_until")
    return SharedIndicator(
        indicator_id=str(obj["id"]),
        kind=kind,
        value=value,
        key_id=key_id,
        partner_id=str(partner) if partner else None,
        partner_name=names.get(partner) if partner else None,
        tlp=tlp,
        confidence=confidence,
        valid_until=valid_until,
        threshold=threshold,
    )
