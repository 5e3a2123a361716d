"""The detector contract every built-in and third-party detector follows.

A detector is a small class that reads a batch of :class:`PreparedItem` and returns, for each
item, a list of :class:`Finding` (empty when nothing is found; never ``None``). It declares what
it can emit and read as class attributes, is cheap to construct, loads its data in an
idempotent ``load()``, and after that is read-only and safe to share between threads.

Scores are the detector's own confidence that its indicator is present; the overall risk is
the scorer's job. Spans are in ORIGINAL-text offsets. A failure raises ``DetectorError``; the
analyzer records it on the verdict and goes on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from tipguard.items import ItemKind
from tipguard.pipeline.prepared import PreparedItem
from tipguard.results import Finding


@dataclass(frozen=True, slots=True)
class Example:
    """A text a detector must fire on (``expect`` non-empty) or stay quiet on (``expect`` empty)."""

    text: str
    language: str
    expect: tuple[str, ...] = ()


class Detector(ABC):
    """Base class of detectors. Subclasses set the class attributes and implement ``detect``."""

    name: ClassVar[str]
    """Stable snake_case id; never reused for another behaviour."""
    version: ClassVar[str]
    """Bumped whenever behaviour changes; findings record ``name@version``."""
    indicators: ClassVar[tuple[str, ...]]
    item_kinds: ClassVar[tuple[ItemKind, ...]] = tuple(ItemKind)
    requires: ClassVar[tuple[str, ...]] = ()
    """Prepared fields this detector reads: ``lexicon`` asks the analyzer for a lexicon scan."""
    description: ClassVar[str] = ""

    @property
    def id(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"

    @property
    def languages(self) -> tuple[str, ...]:
        """ISO 639-1 codes this detector supports; ``("xx",)`` means any language."""
        return ("xx",)

    def load(self) -> None:  # noqa: B027 - optional hook, default is a no-op
        """Load data or weights; idempotent and thread-safe."""

    @abstractmethod
    def detect(self, batch: Sequence[PreparedItem]) -> list[list[Finding]]:
        """One list of findings per item, in the order of ``batch``."""

    def examples(self) -> Sequence[Example]:
        """Positive examples and benign look-alikes used by the contract test suite."""
        return ()
