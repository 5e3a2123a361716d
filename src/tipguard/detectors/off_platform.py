"""Off-platform migration: the move of a conversation to another app, and the contacts shared.

Moving the talk from a visible, moderated platform to an end-to-end-encrypted messenger is one
of the most consistent steps of online recruitment and grooming (DOMAIN.md). Two indicators:

* ``OFF_PLATFORM_MOVE``: the intent ("add me on…", "this app is not safe…"), from the
  ``OFF_PLATFORM_MOVE`` rules of every language's lexicon;
* ``OFF_CONTACT``: the contacts themselves, as normalized entities. A contact alone is weak
  evidence (shops and families share numbers all day); its score rises when it is tied to a
  messenger or comes with the intent to move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from tipguard.detectors._lexical import lexicon_findings
from tipguard.detectors.base import Detector
from tipguard.detectors.contacts import Contact, find_contacts, find_raw_numbers
from tipguard.lexicons.loader import available_languages
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Entity, Evidence, Finding, Span

# Likely phone region per language, for numbers written without a country code.
REGION_BY_LANGUAGE: dict[str, str] = {
    "en": "US", "es": "MX", "fr": "FR", "pt": "BR", "ru": "RU", "uk": "UA", "ro": "RO",
    "pl": "PL", "tr": "TR", "ar": "SA", "fa": "IR", "ur": "PK", "hi": "IN", "bn": "BD",
    "ne": "NP", "si": "LK", "ta": "IN", "th": "TH", "vi": "VN", "id": "ID", "ms": "MY",
    "tl": "PH", "km": "KH", "my": "MM", "lo": "LA", "zh": "CN", "ko": "KR", "sw": "TZ",
    "am": "ET", "ha": "NG", "uz": "UZ",
}

CONTACT_SCORE = 0.15
MESSENGER_CONTACT_SCORE = 0.3
CONTACT_WITH_MOVE_BONUS = 0.15


class OffPlatformDetector(Detector):
    """Contacts (phones, handles, links, e-mails) and the intent to move the conversation."""

    name: ClassVar[str] = "off_platform"
    version: ClassVar[str] = "1"
    indicators: ClassVar[tuple[str, ...]] = ("OFF_PLATFORM_MOVE", "OFF_CONTACT")
    requires: ClassVar[tuple[str, ...]] = ("lexicon",)
    description: ClassVar[str] = (
        "Phone numbers, messenger handles and links, e-mails (obfuscated too), and the intent "
        "to move the talk to another app, in every lexicon language"
    )

    @property
    def languages(self) -> tuple[str, ...]:
        """Contacts are language-independent; intent phrases come from every lexicon."""
        return ("xx", *available_languages())

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """Contacts and move intent per item."""
        return [self._one(item) for item in batch]

    def _one(self, item: PreparedItem) -> list[Finding]:
        findings = lexicon_findings(item, {"OFF_PLATFORM_MOVE"}, self.id)
        region = REGION_BY_LANGUAGE.get(item.language, "US")
        text = item.normalized.text
        contacts = find_contacts(text, (region,))
        contacts += find_raw_numbers(text, contacts)
        if contacts:
            findings.append(self._contact_finding(item, contacts, bool(findings)))
        return findings

    def _contact_finding(self, item: PreparedItem, contacts: list[Contact], has_move: bool) -> Finding:
        entities = []
        spans = []
        evidence = []
        messenger = False
        for c in sorted(contacts, key=lambda c: c.start):
            start, end = item.normalized_to_original(c.start, c.end)
            span = Span(start, end)
            spans.append(span)
            entities.append(Entity(c.kind, c.value, c.platform, span))
            evidence.append(Evidence("pattern", f"contact:{c.kind}", span, 1.0))
            messenger = messenger or c.platform is not None
        score = MESSENGER_CONTACT_SCORE if messenger else CONTACT_SCORE
        if has_move:
            score += CONTACT_WITH_MOVE_BONUS
        kinds = sorted({f"{e.platform} {e.kind}" if e.platform else e.kind for e in entities})
        return Finding(
            indicator="OFF_CONTACT",
            score=round(score, 4),
            spans=tuple(spans),
            detector=self.id,
            reason=f"Shares {len(entities)} contact(s): {', '.join(kinds)}",
            evidence=tuple(evidence),
            entities=tuple(entities),
        )
