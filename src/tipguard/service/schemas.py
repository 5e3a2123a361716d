"""Wire types of the REST API: the only shapes that cross the HTTP boundary.

Verdicts mirror ``tipguard.io.serialize.verdict_to_dict`` field for field (the output contract);
the routes return that function's dicts as they are, and these models make the OpenAPI schema
exact. Picklist fields accept HTCDS value names only (``tipguard.store.htcds``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from tipguard.store import htcds
from tipguard.store.records import (
    AIUseRecord,
    AuditRecord,
    CaseRecord,
    DecisionRecord,
    KeyRecord,
    PersonRecord,
    ReviewRecord,
)


def _check(name: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{name}: not one of the HTCDS values {list(allowed)}")
        return value

    return check


def _enum(allowed: tuple[str, ...]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": list(allowed)})


_H = htcds
Recruitment = Annotated[
    str,
    AfterValidator(_check("vic_MethodOfRecruitment", _H.METHOD_OF_RECRUITMENT)),
    _enum(_H.METHOD_OF_RECRUITMENT),
]
Control = Annotated[
    str, AfterValidator(_check("vic_MethodsOfControl", _H.METHODS_OF_CONTROL)), _enum(_H.METHODS_OF_CONTROL)
]
Exploitation = Annotated[
    str,
    AfterValidator(_check("vic_TypeOfExploitation", _H.TYPE_OF_EXPLOITATION)),
    _enum(_H.TYPE_OF_EXPLOITATION),
]
LabourExploitation = Annotated[
    str,
    AfterValidator(_check("vic_TypeOfLabourExploitation", _H.TYPE_OF_LABOUR_EXPLOITATION)),
    _enum(_H.TYPE_OF_LABOUR_EXPLOITATION),
]
SexExploitation = Annotated[
    str,
    AfterValidator(_check("vic_TypeOfSexExploitation", _H.TYPE_OF_SEX_EXPLOITATION)),
    _enum(_H.TYPE_OF_SEX_EXPLOITATION),
]
WebsiteOrApp = Annotated[
    str, AfterValidator(_check("WebsitesAndApps", _H.WEBSITES_AND_APPS)), _enum(_H.WEBSITES_AND_APPS)
]
CaseStatus = Annotated[str, AfterValidator(_check("cas_Status", _H.CASE_STATUS)), _enum(_H.CASE_STATUS)]
Gender = Annotated[str, AfterValidator(_check("prs_Gender", _H.GENDER)), _enum(_H.GENDER)]
RoleInProcess = Annotated[
    str, AfterValidator(_check("per_RoleInProcess", _H.ROLE_IN_PROCESS)), _enum(_H.ROLE_IN_PROCESS)
]
AICapability = Annotated[
    str, AfterValidator(_check("aiu_Capability", _H.AI_CAPABILITY)), _enum(_H.AI_CAPABILITY)
]
AIConfidence = Annotated[
    str, AfterValidator(_check("aiu_Confidence", _H.AI_CONFIDENCE)), _enum(_H.AI_CONFIDENCE)
]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]
Role = Literal["ingest", "analyst", "admin"]
MAX_ID = 2_147_483_647
"""Largest record id (a 32-bit INTEGER column in PostgreSQL); larger ids would crash the driver."""
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageOffset = Annotated[int, Query(ge=0, le=MAX_ID)]
ItemKindIn = Literal["message", "advert", "profile", "prompt"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- analyze ------------------------------------------------------------------------------


class AnalyzeItem(_In):
    """One item of a batch."""

    text: str
    id: str | None = Field(default=None, max_length=200)
    kind: ItemKindIn = "message"
    sender: str | None = Field(default=None, max_length=200)
    platform: str | None = Field(default=None, max_length=100)


class AnalyzeRequest(_In):
    """Either one ``text`` (with optional ``id``/``kind``) or a batch of ``items``."""

    text: str | None = None
    id: str | None = Field(default=None, max_length=200)
    kind: ItemKindIn = "message"
    items: list[AnalyzeItem] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> AnalyzeRequest:
        if (self.text is None) == (self.items is None):
            raise ValueError("give exactly one of `text` or `items`")
        return self


class ConversationMessageIn(_In):
    """One turn of a conversation."""

    text: str
    sender: str | None = Field(default=None, max_length=200)
    time: datetime | None = None


class ConversationRequest(_In):
    """Ordered messages, analysed as one conversation."""

    messages: list[ConversationMessageIn] = Field(min_length=1)
    id: str | None = Field(default=None, max_length=200)
    platform: str | None = Field(default=None, max_length=100)


class EntityOut(BaseModel):
    """A contact found in a text (``findings[].entities``)."""

    kind: str
    value: str
    platform: str | None = None
    span: list[int] | None = None


class EvidenceOut(BaseModel):
    """Why a finding fired."""

    kind: str
    ref: str
    weight: float
    span: list[int] | None = None


class FindingOut(BaseModel):
    """One indicator found in an item; spans are ``[start, end]`` or ``[start, end, message]``."""

    indicator: str
    score: float
    spans: list[list[int]]
    detector: str
    reason: str
    language: str | None = None
    entities: list[EntityOut] | None = None
    evidence: list[EvidenceOut] | None = None


class ItemErrorOut(BaseModel):
    """Why an item was not analysed."""

    code: str
    message: str


class DetectorFailureOut(BaseModel):
    """A detector that failed or was skipped on an item."""

    detector: str
    reason: str
    skipped: bool


class VerdictOut(BaseModel):
    """A verdict in the output contract (``schema_version`` 1.0); optional keys may be absent."""

    schema_version: str
    id: str
    kind: str
    language: str
    language_confidence: float
    risk: float
    level: Literal["none", "low", "medium", "high", "critical"]
    calibrated: bool
    findings: list[FindingOut]
    error: ItemErrorOut | None
    detector_failures: list[DetectorFailureOut] | None = None
    note: str | None = None


class AnalyzeResponse(BaseModel):
    """Verdicts in input order, and the review ids of those put in the queue."""

    verdicts: list[VerdictOut]
    queued: list[int]


class ConversationResponse(BaseModel):
    """The conversation's verdict and its review id when it was queued."""

    verdict: VerdictOut
    queued: list[int]


# -- review queue -------------------------------------------------------------------------


class CaseIn(_In):
    """Fields of a new case (HTCDS value names)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=20_000)
    status: CaseStatus | None = None
    method_of_recruitment: list[Recruitment] | None = None
    methods_of_control: list[Control] | None = None
    type_of_exploitation: list[Exploitation] | None = None
    type_of_labour_exploitation: list[LabourExploitation] | None = None
    type_of_sex_exploitation: list[SexExploitation] | None = None
    recruitment_websites_and_apps: list[WebsiteOrApp] | None = None
    exploitation_websites_and_apps: list[WebsiteOrApp] | None = None
    recruitment_country: Country | None = None
    exploitation_country: Country | None = None


class DecisionRequest(_In):
    """``dismiss`` needs a ``reason``; ``escalate`` attaches to ``case_id`` or opens a case."""

    decision: Literal["confirm", "dismiss", "escalate"]
    reason: str | None = Field(default=None, max_length=2_000)
    case_id: RecordId | None = None
    case: CaseIn | None = None


class ReviewOut(BaseModel):
    """A review-queue item with its text and verdict."""

    id: int
    item_id: str
    kind: str
    text: str
    messages: list[dict[str, Any]] | None
    verdict: VerdictOut
    level: str
    risk: float
    language: str
    indicators: list[str]
    status: Literal["open", "confirmed", "dismissed", "escalated"]
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    case_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, r: ReviewRecord) -> ReviewOut:
        """From a store record."""
        return cls.model_validate({**_fields(r), "indicators": list(r.indicators)})


class ReviewPage(BaseModel):
    """A page of the review queue (verdicts exactly as stored: keys the verdict lacks stay absent)."""

    items: list[ReviewOut]
    total: int
    limit: int
    offset: int


class DecisionOut(BaseModel):
    """A stored decision (a label: ``label`` true when the flag was right)."""

    id: int
    review_item_id: int
    decision: str
    label: bool
    reason: str | None
    case_id: int | None
    level: str
    risk: float
    language: str
    indicators: list[str]
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, r: DecisionRecord) -> DecisionOut:
        """From a store record."""
        return cls.model_validate({**_fields(r), "indicators": list(r.indicators)})


class DecisionPage(BaseModel):
    """A page of decisions, oldest first."""

    items: list[DecisionOut]
    total: int
    limit: int
    offset: int


# -- cases --------------------------------------------------------------------------------


class PersonIn(_In):
    """A pseudonymised person: no name or contact field exists on purpose."""

    role: Literal["victim", "perpetrator"]
    gender: Gender = "Unknown"
    nationality: Country | None = None
    role_in_process: list[RoleInProcess] = Field(default_factory=list)


class PersonOut(BaseModel):
    """A stored person, known only by pseudonym."""

    id: int
    case_id: int
    pseudonym: str
    role: str
    gender: str
    nationality: str | None
    role_in_process: list[str]
    created_at: datetime

    @classmethod
    def of(cls, r: PersonRecord) -> PersonOut:
        """From a store record."""
        return cls.model_validate({**_fields(r), "role_in_process": list(r.role_in_process)})


class AIUseIn(_In):
    """Suspected AI use, as the policy brief asks front-line organisations to record it."""

    capability: AICapability
    evidence: str = Field(min_length=1, max_length=5_000)
    confidence: AIConfidence
    platform: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    review_item_id: RecordId | None = None


class AIUseOut(BaseModel):
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

    @classmethod
    def of(cls, r: AIUseRecord) -> AIUseOut:
        """From a store record."""
        return cls.model_validate(_fields(r))


class CaseOut(BaseModel):
    """A case with its persons, AI-use records and escalated review items."""

    id: int
    status: str
    title: str
    summary: str
    method_of_recruitment: list[str]
    methods_of_control: list[str]
    type_of_exploitation: list[str]
    type_of_labour_exploitation: list[str]
    type_of_sex_exploitation: list[str]
    recruitment_websites_and_apps: list[str]
    exploitation_websites_and_apps: list[str]
    recruitment_country: str | None
    exploitation_country: str | None
    opened_at: datetime
    updated_at: datetime
    created_by: str
    persons: list[PersonOut]
    ai_uses: list[AIUseOut]
    review_item_ids: list[int]

    @classmethod
    def of(cls, r: CaseRecord) -> CaseOut:
        """From a store record."""
        data = _fields(r)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        data["persons"] = [PersonOut.of(p) for p in r.persons]
        data["ai_uses"] = [AIUseOut.of(a) for a in r.ai_uses]
        return cls.model_validate(data)


class CasePage(BaseModel):
    """A page of cases, newest first."""

    items: list[CaseOut]
    total: int
    limit: int
    offset: int


# -- keys and audit -----------------------------------------------------------------------


class KeyCreate(_In):
    """A key to create; roles are not hierarchical."""

    name: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)


class KeyOut(BaseModel):
    """A key without its secret or hash."""

    id: int
    prefix: str
    name: str
    roles: list[str]
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, r: KeyRecord) -> KeyOut:
        """From a store record."""
        return cls.model_validate({**_fields(r), "roles": list(r.roles)})


class KeyCreated(KeyOut):
    """A new key: ``key`` is shown this once and never again."""

    key: str


class AuditOut(BaseModel):
    """One audit row."""

    id: int
    at: datetime
    key_id: int | None
    actor: str
    action: str
    target: str
    client: str | None
    outcome: str

    @classmethod
    def of(cls, r: AuditRecord) -> AuditOut:
        """From a store record."""
        return cls.model_validate(_fields(r))


class AuditPage(BaseModel):
    """Audit rows, newest first; pass ``before_id`` = the last id for the next page."""

    items: list[AuditOut]


class Health(BaseModel):
    """Liveness and the database's answer."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    version: str


def _fields(record: Any) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


# -- guard --------------------------------------------------------------------------------


class GuardItem(_In):
    """A prompt to a language model, optionally with its reply and the user's earlier turns."""

    prompt: str
    response: str | None = None
    history: list[str] | None = None
    id: str | None = Field(default=None, max_length=200)


class GuardRequest(_In):
    """Either one prompt (``prompt`` with optional ``response``/``history``/``id``) or ``items``."""

    prompt: str | None = None
    response: str | None = None
    history: list[str] | None = None
    id: str | None = Field(default=None, max_length=200)
    items: list[GuardItem] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> GuardRequest:
        if (self.prompt is None) == (self.items is None):
            raise ValueError("give exactly one of `prompt` or `items`")
        if self.items is not None and (self.response, self.history, self.id) != (None, None, None):
            raise ValueError("`response`, `history` and `id` go inside each of `items`")
        return self


class GuardSpanOut(BaseModel):
    """Where the harmful part is: offsets into the prompt or into the response."""

    start: int
    end: int
    in_: Literal["prompt", "response"] = Field(alias="in")


class GuardResultOut(BaseModel):
    """The guard's answer (``GuardResult.to_dict``); ``error`` only when it could not judge."""

    id: str | None
    decision: Literal["allow", "flag", "block"]
    categories: list[str]
    spans: list[GuardSpanOut]
    reasons: list[str]
    score: float
    judged: bool
    language: str
    error: str | None = None


class GuardBatchResponse(BaseModel):
    """Answers in input order."""

    results: list[GuardResultOut]


# -- indicator sharing ----------------------------------------------------------------------

Region = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2, upper case")]


class IndicatorText(_In):
    """A text to take indicators from; adverts and profiles also give a template fingerprint."""

    text: str
    kind: ItemKindIn = "message"


class IndicatorExportRequest(_In):
    """Where the indicators come from (review items, the review items of cases, texts) and how
    they are marked. At least one source must be given."""

    review_ids: list[RecordId] = Field(default_factory=list)
    case_ids: list[RecordId] = Field(default_factory=list)
    texts: list[IndicatorText] = Field(default_factory=list)
    tlp: Literal["clear", "white", "green", "amber", "red"] = "amber"
    confidence: int = Field(default=50, ge=0, le=100)
    valid_days: int | None = Field(default=None, ge=1, le=3650)
    templates: Literal["adverts", "all", "none"] = "adverts"
    """Which items get a template fingerprint (``adverts``: kinds advert and profile)."""
    regions: list[Region] | None = None
    """Regions for phone numbers without a country code (default: from each text's language)."""

    @model_validator(mode="after")
    def _some_source(self) -> IndicatorExportRequest:
        if not (self.review_ids or self.case_ids or self.texts):
            raise ValueError("give at least one of `review_ids`, `case_ids` or `texts`")
        return self


class StixBundleOut(BaseModel):
    """A STIX 2.1 bundle (``type``, ``id``, ``objects``): keyed hashes and fingerprints only."""

    model_config = ConfigDict(extra="allow")

    type: Literal["bundle"]
    id: str
    objects: list[dict[str, Any]]


class IndicatorImportOut(BaseModel):
    """What importing a partner's bundle did, and how many indicators the index now holds."""

    added: int
    other_key: int
    expired: int
    ignored: int
    duplicates: int
    total: int


class IndicatorMatchItem(_In):
    """A text to match; its ``id`` comes back with its matches, the text never does."""

    text: str
    id: str | None = Field(default=None, max_length=200)


class IndicatorMatchRequest(_In):
    """Texts to match against partners' indicators."""

    items: list[IndicatorMatchItem] = Field(min_length=1)
    templates: bool = True
    """Also compare template fingerprints (adverts); off for short chat messages."""
    regions: list[Region] | None = None


class IndicatorMatchOut(BaseModel):
    """A partner indicator found in a text: where (``[start, end]``), never what."""

    indicator: str
    kind: Literal["phone", "handle", "url", "email", "template"]
    span: list[int]
    partner: str | None
    partner_name: str | None
    tlp: str | None
    similarity: float


class IndicatorMatchResult(BaseModel):
    """The matches of one text (possibly none)."""

    id: str
    matches: list[IndicatorMatchOut]


class IndicatorMatchResponse(BaseModel):
    """Results in input order and the size of the index they were matched against."""

    results: list[IndicatorMatchResult]
    indicators: int
