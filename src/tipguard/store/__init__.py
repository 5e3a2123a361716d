"""The case store: API keys, the append-only audit log, the review queue, decisions and cases.

SQLite (``tipguard.db``, WAL) by default, PostgreSQL when ``TIPGUARD_DATABASE_URL`` points to it;
Alembic migrations run at open. Only this package and ``tipguard.service`` import SQLAlchemy: the
analysis core never does.

Public surface: ``Store`` and the records it takes and returns (``tipguard.store.records``); the
HTCDS picklists in ``tipguard.store.htcds``.
"""

from tipguard.store.records import (
    DECISIONS,
    REVIEW_STATUSES,
    ROLES,
    Actor,
    AIUseInput,
    AIUseRecord,
    AuditRecord,
    CaseFields,
    CaseRecord,
    DecisionRecord,
    KeyRecord,
    Page,
    PersonRecord,
    QueueEntry,
    ReviewRecord,
)
from tipguard.store.store import Store

__all__ = [
    "DECISIONS",
    "REVIEW_STATUSES",
    "ROLES",
    "AIUseInput",
    "AIUseRecord",
    "Actor",
    "AuditRecord",
    "CaseFields",
    "CaseRecord",
    "DecisionRecord",
    "KeyRecord",
    "Page",
    "PersonRecord",
    "QueueEntry",
    "ReviewRecord",
    "Store",
]
