"""The shape of a lexicon data file, validated at load time.

Files are written by translators and analysts, not programmers: every mistake must be reported
with the file and the rule id, and unknown keys are errors rather than silently ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tipguard.taxonomy.codes import INDICATORS, Family

ContextKind = Literal["awareness", "news", "research", "honest_recruitment", "support"]
_FAMILY_PREFIXES = {"REC", "OFF", "CTL", "ADV"}
_LEXICON_FAMILIES = {Family.RECRUITMENT, Family.OFF_PLATFORM, Family.CONTROL, Family.ADVERT}

Term = str
TermList = list[Term]


def _check_terms(terms: list[str]) -> list[str]:
    cleaned = []
    for term in terms:
        if not isinstance(term, str):
            raise ValueError(f"term {term!r} is not a string (quote it in YAML)")
        term = term.strip()
        if not term.strip("*"):
            raise ValueError("empty term")
        cleaned.append(term)
    if not cleaned:
        raise ValueError("empty term list")
    return cleaned


class Rule(BaseModel):
    """One indicator rule: any term of ``any``, or one term of every group of ``all`` nearby."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    indicator: str
    score: float = Field(gt=0.0, le=1.0)
    any: TermList | None = None
    all: list[TermList] | None = None
    window: int = Field(default=100, ge=5, le=300)
    unless: TermList | None = None

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str) -> str:
        info = INDICATORS.get(value)
        if info is None or info.family not in _LEXICON_FAMILIES or value == "OFF_CONTACT":
            allowed = [
                c for c, i in INDICATORS.items() if i.family in _LEXICON_FAMILIES and c != "OFF_CONTACT"
            ]
            raise ValueError(f"indicator {value!r} is not a lexicon indicator; allowed: {allowed}")
        return value

    @field_validator("any", "unless")
    @classmethod
    def _terms(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_terms(value)

    @field_validator("all")
    @classmethod
    def _groups(cls, value: list[list[str]] | None) -> list[list[str]] | None:
        if value is None:
            return None
        if len(value) < 2:
            raise ValueError("`all` needs two or more groups (use `any` for one)")
        return [_check_terms(group) for group in value]

    @model_validator(mode="after")
    def _one_of(self) -> Rule:
        if (self.any is None) == (self.all is None):
            raise ValueError("a rule needs exactly one of `any` or `all`")
        return self


class ContextRule(BaseModel):
    """Phrases that mark a benign look-alike (awareness, news, research, honest hiring, support)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: ContextKind
    damp: float = Field(gt=0.0, lt=1.0)
    applies_to: list[str] | None = None
    any: TermList

    @field_validator("any")
    @classmethod
    def _terms(cls, value: list[str]) -> list[str]:
        return _check_terms(value)

    @field_validator("applies_to", mode="before")
    @classmethod
    def _yaml_off(cls, value: Any) -> Any:
        """YAML 1.1 reads an unquoted ``OFF`` as ``false``; take it as the family it meant."""
        if isinstance(value, list):
            return ["OFF" if v is False else v for v in value]
        return value

    @field_validator("applies_to")
    @classmethod
    def _targets(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        for target in value:
            if target not in _FAMILY_PREFIXES and target not in INDICATORS and target != "all":
                raise ValueError(
                    f"applies_to entry {target!r} is neither a family prefix "
                    f"{sorted(_FAMILY_PREFIXES)} nor an indicator code"
                )
        return value

    def applies(self, indicator: str) -> bool:
        """Whether this context lowers findings of ``indicator``."""
        if self.applies_to is None or "all" in self.applies_to:
            return True
        return indicator in self.applies_to or indicator.split("_", 1)[0] in self.applies_to


class LexiconFile(BaseModel):
    """One language's lexicon file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str
    license: str
    notes: str = ""
    sets: dict[str, TermList] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    context: list[ContextRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> LexiconFile:
        seen: set[str] = set()
        for rid in [r.id for r in self.rules] + [c.id for c in self.context]:
            if rid in seen:
                raise ValueError(f"duplicate rule id {rid!r}")
            seen.add(rid)
        return self


class SharedSets(BaseModel):
    """``_shared.yaml``: term sets every language can reference with ``@name``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    license: str
    sets: dict[str, TermList]
