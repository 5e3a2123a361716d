"""The shareable observables of a text: its contact points, in one canonical form each.

Partners can only match what both sides write the same way, so every contact point is reduced to
one canonical string before it is hashed: phone numbers to E.164, handles to ``platform:name``
in lower case, web links to host and path (the query and fragment dropped: they carry session
tokens, tracking ids and sometimes the victim's own reference), e-mails to lower case. A
messenger link is the handle it opens (``t.me/name`` and "telegram: @name" are one contact
point), and a WhatsApp link to a number is that phone number.

Finding contacts is the job of ``tipguard.detectors.contacts`` (obfuscations included); this
module only reuses it and canonicalises what it finds, so what is shared is exactly what the
``off_platform`` detector reports. The values here are raw contact points: they stay in memory
and are never logged or exported; only their keyed hashes leave (see ``stix.py``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import phonenumbers

from tipguard.detectors.contacts import Contact, find_contacts
from tipguard.detectors.off_platform import REGION_BY_LANGUAGE
from tipguard.langid import UNKNOWN, LanguageIdentifier
from tipguard.normalize import normalize
from tipguard.results import Finding, Span


class ObservableKind(StrEnum):
    """What an indicator is about."""

    PHONE = "phone"
    HANDLE = "handle"
    URL = "url"
    EMAIL = "email"
    TEMPLATE = "template"


@dataclass(frozen=True, slots=True)
class Observable:
    """A contact point in canonical form, and where it was written in the original text."""

    kind: ObservableKind
    value: str
    """Canonical form (E.164, ``platform:name``, ``host/path``, e-mail): never exported."""
    span: Span
    platform: str | None = None


_WEB_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+")
_URL_TRAILING = ".,;:!?"
FALLBACK_REGIONS: tuple[str, ...] = ("US",)
"""Regions for numbers without a country code when the language is unknown."""
# Indonesian and Malay are hard to tell apart (see langid.py): try both countries.
_EXTRA_REGIONS = {"id": ("ID", "MY"), "ms": ("MY", "ID")}

_identifier: LanguageIdentifier | None = None
_identifier_lock = threading.Lock()


def guess_regions(text: str) -> tuple[str, ...]:
    """Likely phone regions of a text, from its language (best guess, however unsure)."""
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                _identifier = LanguageIdentifier(min_confidence=0.0, second_vote=True)
    language = _identifier.identify(text).language
    if language == UNKNOWN or language not in REGION_BY_LANGUAGE:
        return FALLBACK_REGIONS
    return _EXTRA_REGIONS.get(language, (REGION_BY_LANGUAGE[language],))


def canonical_url(url: str) -> str | None:
    """``host/path`` of a web link, lower-case host without ``www.``; ``None`` if it has no host."""
    url = url.rstrip(_URL_TRAILING)
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = parts.hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.lower().removeprefix("www.").rstrip(".")
    return host + parts.path.rstrip("/")


def _phone_from_digits(digits: str) -> str | None:
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def canonical_contact(kind: str, value: str, platform: str | None) -> tuple[ObservableKind, str] | None:
    """The observable for a contact as ``contacts.py`` (or an ``Entity``) reports it.

    ``None`` for what is not worth sharing: digit runs no region validated (``raw:``).
    """
    if kind == "phone":
        return None if value.startswith("raw:") else (ObservableKind.PHONE, value)
    if kind == "email":
        return ObservableKind.EMAIL, value.lower()
    if kind in ("url", "handle"):
        link_platform, _, name = value.partition(":")
        if not name:
            return None
        if link_platform == "whatsapp" and name.isdigit():
            phone = _phone_from_digits(name)
            if phone is not None:  # else still shared, as the link's handle
                return ObservableKind.PHONE, phone
        return ObservableKind.HANDLE, f"{link_platform}:{name.lower()}"
    return None


def _observable(contact: Contact, span: Span) -> Observable | None:
    canonical = canonical_contact(contact.kind, contact.value, contact.platform)
    if canonical is None:
        return None
    return Observable(canonical[0], canonical[1], span, contact.platform)


def extract_contacts(text: str, *, regions: Iterable[str] | None = None) -> list[Observable]:
    """Every shareable contact point of ``text``, in text order, spans in the original text.

    ``regions`` (ISO 3166 codes) resolve numbers written without a country code; by default
    they are guessed from the text's language. Numbers written with ``+`` need no region.
    """
    if not text.strip():
        return []
    region_list = tuple(regions) if regions is not None else guess_regions(text)
    norm = normalize(text)
    contacts = find_contacts(norm.text, region_list)
    out: list[Observable] = []
    for c in contacts:
        obs = _observable(c, Span(*norm.to_original(c.start, c.end)))
        if obs is not None:
            out.append(obs)
    for m in _WEB_URL.finditer(norm.text):
        if any(m.start() < c.end and c.start < m.end() for c in contacts):
            continue
        value = canonical_url(m.group())
        if value is not None:
            end = m.end() - (len(m.group()) - len(m.group().rstrip(_URL_TRAILING)))
            out.append(Observable(ObservableKind.URL, value, Span(*norm.to_original(m.start(), end))))
    return sorted(out, key=lambda o: o.span.start)


def contacts_from_findings(findings: Iterable[Finding]) -> list[Observable]:
    """The shareable contact points among a verdict's findings (the entities of ``OFF_CONTACT``).

    Spans are the findings' own (original text; with a message index for conversations).
    Web links other than messenger links are not among findings; :func:`extract_contacts` on the
    text finds them too.
    """
    out: list[Observable] = []
    for finding in findings:
        for entity in finding.entities:
            if entity.span is None:
                continue
            canonical = canonical_contact(entity.kind, entity.value, entity.platform)
            if canonical is not None:
                out.append(Observable(canonical[0], canonical[1], entity.span, entity.platform))
    return out
