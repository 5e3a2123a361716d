"""Immutable results: findings, verdicts and failures.

``Finding.score`` is one detector's confidence that its indicator is present; it is not a
probability of trafficking. ``Verdict.risk`` combines the findings; until the learned scorer of a
later release ships it is produced by a documented rule and ``Verdict.calibrated`` is ``False``.
Spans always point into the ORIGINAL text the caller passed in (for a conversation: into the text
of message ``Span.message``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SCHEMA_VERSION = "1.0"
"""Version of the serialised verdict format (independent of the package version)."""


class Level(StrEnum):
    """Risk bands. ``medium`` and above means: send to a human."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Order of the band, 0 (none) to 4 (critical)."""
        return _LEVEL_ORDER.index(self)

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank


_LEVEL_ORDER = (Level.NONE, Level.LOW, Level.MEDIUM, Level.HIGH, Level.CRITICAL)


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` in the original text."""

    start: int
    end: int
    message: int | None = None
    """Index of the message in a conversation; ``None`` for single texts."""

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` shrunk to leave out whitespace at either end, so a span marks words."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a finding was emitted: a lexicon entry, a pattern, a rule or a model."""

    kind: str
    """``lexicon``, ``pattern``, ``context``, ``rule`` or ``model``."""
    ref: str
    """The lexicon rule (``es:fee_deposit``), pattern name, or model name."""
    span: Span | None = None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Entity:
    """A normalized contact (phone number, handle, link, e-mail) that later parts can hash and share."""

    kind: str
    """``phone``, ``email``, ``url`` or ``handle``."""
    value: str
    """Canonical form: E.164 for phones, lower-case for e-mails and handles."""
    platform: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator found by one detector in one item."""

    indicator: str
    score: float
    spans: tuple[Span, ...]
    detector: str
    """``name@version`` of the detector that emitted it."""
    reason: str
    evidence: tuple[Evidence, ...] = ()
    entities: tuple[Entity, ...] = ()
    language: str | None = None
    """Language of the lexicon entry or model that fired, when known."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"finding score {self.score} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class DetectorFailure:
    """A detector that failed or was skipped on an item; the verdict is still produced."""

    detector: str
    reason: str
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class ItemError:
    """Why an item could not be analysed at all."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Everything tipguard concluded about one item."""

    id: str
    language: str
    risk: float
    level: Level
    findings: tuple[Finding, ...] = ()
    failures: tuple[DetectorFailure, ...] = ()
    error: ItemError | None = None
    calibrated: bool = False
    """``False`` while risk comes from the interim rule rather than a calibrated model."""
    language_confidence: float = 0.0
    kind: str = "message"

    @property
    def is_flagged(self) -> bool:
        """Level ``medium`` or above: a human should look."""
        return self.level >= Level.MEDIUM
