"""Frozen records the ``Store`` returns and takes: the store's whole public data surface.

ORM rows stay inside the store's short transactions; callers (the API, the CLI, the review page,
benchmarks) get these immutable copies, which are safe to share across threads and never lazy-load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

ROLES = ("ingest", "analyst", "admin")
"""API roles, not hierarchical: ``ingest`` analyses, ``analyst`` reviews and keeps cases,
``admin`` manages keys and reads the audit log. A key may hold several."""

REVIEW_STATUSES = ("open", "confirmed", "dismissed", "escalated")
DECISIONS = ("confirm", "dismiss", "escalate")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who touches case data, and from where: written into every audit row."""

    name: str
    key_id: int | None = None
    client: str | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        """A local actor without an API key (the CLI, a benchmark)."""
        return cls(name=name)


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """An API key without its secret or hash."""

    id: int
    prefix: str
    name: str
    roles: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None

    @property
    def is_revoked(self) -> bool:
        """A revoked key authenticates nobody."""
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One row of the append-only audit log."""

    id: int
    at: datetime
    key_id: int | None
    actor: str
    action: str
    target: str
    client: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """What the analyze endpoints hand to the review queue: one flagged verdict and its text."""

    verdict: dict[str, Any]
    """The verdict in the output contract (``verdict_to_dict``)."""
    text: str
    messages: list[dict[str, Any]] | None = None
    """For a conversation: ``[{text, sender, time}]`` so a reviewer sees who said what."""


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A review-queue item."""

    id: int
    item_id: str
    kind: str
    text: str
    messages: list[dict[str, Any]] | None
    verdict: dict[str, Any]
    level: str
    risk: float
    language: str
    indicators: tuple[str, ...]
    status: str
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    case_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision kept as a label: ``label`` is ``True`` when the flag was right."""

    id: int
    review_item_id: int
    decision: str
    label: bool
    reason: str | None
    case_id: int | None
    level: str
    risk: float
    language: str
    indicators: tuple[str, ...]
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class CaseFields:
    """The editable fields of a case; picklist fields take HTCDS value names (``htcds.py``).

    ``None`` in an update means "leave as is".
    """

    title: str | None = None
    summary: str | None = None
    status: str | None = None
    method_of_recruitment: tuple[str, ...] | None = None
    methods_of_control: tuple[str, ...] | None = None
    type_of_exploitation: tuple[str, ...] | None = None
    type_of_labour_exploitation: tuple[str, ...] | None = None
    type_of_sex_exploitation: tuple[str, ...] | None = None
    recruitment_websites_and_apps: tuple[str, ...] | None = None
    exploitation_websites_and_apps: tuple[str, ...] | None = None
    recruitment_country: str | None = None
    exploitation_country: str | None = None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A pseudonymised person of a case."""

    id: int
    case_id: int
    pseudonym: str
    role: str
    gender: str
    nationality: str | None
    role_in_process: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AIUseInput:
    """A suspected use of AI in a case, as an analyst records it."""

    capability: str
    evidence: str
    confidence: str
    platform: str | None = None
    language: str | None = None
    review_item_id: int | None = None


@dataclass(frozen=True, slots=True)
class AIUseRecord:
    """A stored AI-use record."""

    id: int
    case_id: int
    capability: str
    evidence: str
    confidence: str
    platform: str | None
    language: str | None
    review_item_id: int | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case with its persons, AI-use records and the review items escalated into it."""

    id: int
    status: str
    title: str
    summary: str
    method_of_recruitment: tuple[str, ...]
    methods_of_control: tuple[str, ...]
    type_of_exploitation: tuple[str, ...]
    type_of_labour_exploitation: tuple[str, ...]
    type_of_sex_exploitation: tuple[str, ...]
    recruitment_websites_and_apps: tuple[str, ...]
    exploitation_websites_and_apps: tuple[str, ...]
    recruitment_country: str | None
    exploitation_country: str | None
    opened_at: datetime
    updated_at: datetime
    created_by: str
    persons: tuple[PersonRecord, ...] = ()
    ai_uses: tuple[AIUseRecord, ...] = ()
    review_item_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the total number of matching rows."""

    items: tuple[T, ...]
    total: int
