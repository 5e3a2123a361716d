"""The multilingual lexicon detector: recruitment lures, control and coercion, exploitation adverts.

The phrases themselves are data (``tipguard/lexicons/data/<iso>.yaml``); this class only turns
the analyzer's lexicon scan into findings. See ``tipguard.lexicons`` for the matching rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from tipguard.detectors._lexical import lexicon_findings
from tipguard.detectors.base import Detector, Example
from tipguard.lexicons.cases import all_cases
from tipguard.lexicons.loader import available_languages
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Finding
from tipguard.taxonomy.codes import WHOLE_TEXT_CODES, Family, codes_in


class LexiconDetector(Detector):
    """Recruitment, control and advert indicators from per-language phrase lexicons."""

    name: ClassVar[str] = "lexicon"
    version: ClassVar[str] = "1"
    indicators: ClassVar[tuple[str, ...]] = tuple(
        c
        for c in codes_in(Family.RECRUITMENT) + codes_in(Family.CONTROL) + codes_in(Family.ADVERT)
        if c not in WHOLE_TEXT_CODES
    )
    requires: ClassVar[tuple[str, ...]] = ("lexicon",)
    description: ClassVar[str] = (
        "Phrase lexicons in 31 languages for recruitment lures, control and coercion, "
        "and exploitation adverts, with benign-context damping"
    )

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language with a lexicon file."""
        return available_languages()

    def examples(self) -> Sequence[Example]:
        """The packaged per-language cases: positives for this detector's indicators, and
        every benign look-alike."""
        wanted = set(self.indicators)
        out = []
        for case in all_cases():
            expect = tuple(c for c in case.expect if c in wanted)
            if case.is_positive and not expect:
                continue
            out.append(Example(case.text, case.language, expect))
        return out

    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """Findings from the lexicon scan of each item."""
        wanted = set(self.indicators)
        return [lexicon_findings(item, wanted, self.id) for item in batch]
