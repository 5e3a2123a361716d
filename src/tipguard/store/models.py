"""The tables of the case store, as typed SQLAlchemy 2 ORM classes.

These classes never leave ``tipguard.store``: the ``Store`` turns rows into the frozen records of
``tipguard.store.records`` inside its transactions, so callers never hold a live session. The
Alembic migrations in ``migrations/versions`` create exactly these tables; a test compares the
two, so a change here needs a new migration.

Column names of case data carry their HTCDS prefix (``cas_``, ``vic_``, ``per_``, ``prs_``,
``hte_``) and tipguard's AI-use extension the prefix ``aiu_``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every tipguard table."""

    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class ApiKey(Base):
    """An API key: only its SHA-256 is kept; ``prefix`` finds the row without the secret."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200))
    """Comma-separated, sorted; roles are not hierarchical."""
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One access to case data or to keys. Append-only: no code path updates or deletes rows."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(32))


class Case(Base):
    """A case, with HTCDS fields (multi-select picklists stored as JSON lists)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column("cas_status", String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    method_of_recruitment: Mapped[list[str]] = mapped_column("vic_method_of_recruitment")
    methods_of_control: Mapped[list[str]] = mapped_column("vic_methods_of_control")
    type_of_exploitation: Mapped[list[str]] = mapped_column("vic_type_of_exploitation")
    type_of_labour_exploitation: Mapped[list[str]] = mapped_column("vic_type_of_labour_exploitation")
    type_of_sex_exploitation: Mapped[list[str]] = mapped_column("vic_type_of_sex_exploitation")
    recruitment_websites_and_apps: Mapped[list[str]] = mapped_column("vic_recruitment_websites_and_apps")
    exploitation_websites_and_apps: Mapped[list[str]] = mapped_column("vic_exploitation_websites_and_apps")
    recruitment_country: Mapped[str | None] = mapped_column("hte_recruitment_country", String(2))
    exploitation_country: Mapped[str | None] = mapped_column("hte_exploitation_country", String(2))
    opened_at: Mapped[datetime] = mapped_column("cas_opened_at")
    updated_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))

    persons: Mapped[list[Person]] = relationship(order_by="Person.id")
    ai_uses: Mapped[list[AIUse]] = relationship(order_by="AIUse.id")
    review_items: Mapped[list[ReviewItem]] = relationship(order_by="ReviewItem.id", back_populates="case")


class Person(Base):
    """A pseudonymised victim or perpetrator: no name, no contact, nothing that identifies."""

    __tablename__ = "case_persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str] = mapped_column("prs_gender", String(32))
    nationality: Mapped[str | None] = mapped_column("prs_nationality", String(2))
    role_in_process: Mapped[list[str]] = mapped_column("per_role_in_process")
    created_at: Mapped[datetime]


class AIUse(Base):
    """Suspected AI use in a case: the record the brief asks for and HTCDS lacks."""

    __tablename__ = "ai_use_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    capability: Mapped[str] = mapped_column("aiu_capability", String(32))
    evidence: Mapped[str] = mapped_column("aiu_evidence", Text)
    confidence: Mapped[str] = mapped_column("aiu_confidence", String(16))
    platform: Mapped[str | None] = mapped_column("aiu_platform", String(64))
    language: Mapped[str | None] = mapped_column("aiu_language", String(16))
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class ReviewItem(Base):
    """A flagged verdict waiting for (or carrying) an analyst's decision."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    messages: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    verdict: Mapped[dict[str, Any]]
    level: Mapped[str] = mapped_column(String(16))
    risk: Mapped[float] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(16))
    indicators: Mapped[list[str]]
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    source_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime]

    case: Mapped[Case | None] = relationship(back_populates="review_items")


class Decision(Base):
    """An analyst's decision on a review item, kept as a training/evaluation label.

    A snapshot of the verdict's level, risk, language and indicators is copied in, so a label
    stays meaningful if the review item is later changed (escalated after a confirmation).
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    label: Mapped[bool] = mapped_column(Boolean)
    """``True``: the flag was right (confirmed or escalated); ``False``: dismissed."""
    reason: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    level: Mapped[str] = mapped_column(String(16))
    risk: Mapped[float] = mapped_column(Float)
    language: Mapped[str] = mapped_column(String(16))
    indicators: Mapped[list[str]]
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
