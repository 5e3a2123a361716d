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
from tipguard.detectors.base import Detector, Example
from tipguard.detectors.contacts import Contact, find_contacts, find_raw_numbers
from tipguard.lexicons.cases import all_cases
from tipguard.lexicons.loader import available_languages
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Entity, Evidence, Finding, Span

# Likely phone region per language, for numbers written without a country code.
REGION_BY_LANGUAGE: dict[str, str] = {
    "en": "US",
    "es": "MX",
    "fr": "FR",
    "pt": "BR",
    "ru": "RU",
    "uk": "UA",
    "ro": "RO",
    "pl": "PL",
    "tr": "TR",
    "ar": "SA",
    "fa": "IR",
    "ur": "PK",
    "hi": "IN",
    "bn": "BD",
    "ne": "NP",
    "si": "LK",
    "ta": "IN",
    "th": "TH",
    "vi": "VN",
    "id": "ID",
    "ms": "MY",
    "tl": "PH",
    "km": "KH",
    "my": "MM",
    "lo": "LA",
    "zh": "CN",
    "ko": "KR",
    "sw": "TZ",
    "am": "ET",
    "ha": "NG",
    "uz": "UZ",
}

_C = ("OFF_CONTACT",)
_CONTACT_EXAMPLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Message me on WhatsApp +44 7911 123456", "en", _C),
    ("Escríbeme al wa.me/5215512345678", "es", _C),
    ("Ajoute-moi sur t.me/travail_paris", "fr", _C),
    ("Пиши в телеграм: @rabota_dubai", "ru", _C),
    ("ติดต่อไลน์ไอดี: jobs.bkk", "th", _C),
    ("Liên hệ zalo 0912 345 678", "vi", _C),
    ("加微信号：abc_jobs88", "zh", _C),
    ("카톡 아이디: seoul_job", "ko", _C),
    ("Tuma ujumbe kwa +255 712 345 678", "sw", _C),
    ("mail me: jobs.abroad (at) example (dot) com", "en", _C),
)

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

    def examples(self) -> Sequence[Example]:
        """Contact examples written for this detector, plus the packaged cases that expect
        ``OFF_PLATFORM_MOVE`` and every benign look-alike."""
        out = [Example(text, lang, expect) for text, lang, expect in _CONTACT_EXAMPLES]
        for case in all_cases():
            if not case.is_positive:
                out.append(Example(case.text, case.language))
            elif "OFF_PLATFORM_MOVE" in case.expect:
                out.append(Example(case.text, case.language, ("OFF_PLATFORM_MOVE",)))
        return out

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
