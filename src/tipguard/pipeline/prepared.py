"""What detectors read: the original text plus everything computed once per item."""

from __future__ import annotations

from dataclasses import dataclass

from tipguard.items import Item, ItemKind
from tipguard.lexicons.matcher import ScanResult
from tipguard.normalize.offsets import OffsetMap, map_span
from tipguard.normalize.text import Normalized


@dataclass(frozen=True, slots=True)
class PreparedItem:
    """One item ready for detectors; read-only, shared by every detector of a batch.

    ``text`` is the original text (a conversation's messages joined by newlines), ``normalized``
    its normalized view, ``view`` the lexicon matching view derived from it, and ``scan`` the
    lexicon hits in ``view`` when a detector declared ``requires = ("lexicon",)``.
    """

    item: Item
    text: str
    normalized: Normalized
    view: str
    view_offsets: OffsetMap | None
    language: str
    language_confidence: float
    scan: ScanResult | None = None

    @property
    def kind(self) -> ItemKind:
        """The item's kind."""
        return self.item.kind

    def view_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the matching view to the original text."""
        s, e = map_span(self.view_offsets, start, end, len(self.normalized.text))
        return self.normalized.to_original(s, e)

    def normalized_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text to the original text."""
        return self.normalized.to_original(start, end)
