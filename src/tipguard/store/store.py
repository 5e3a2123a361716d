"""The ``Store``: the one way tipguard reads and writes keys, the audit log, the queue and cases.

Every method is one short transaction (retried inside when the database is busy, see
``engine.py``) and returns frozen records, never ORM rows. Methods that read or write case data
(the review queue, decisions, cases, exports) take an ``Actor`` and append the audit row in the
SAME transaction: no access to case data happens without its audit row, and no audit row
claims an access that was rolled back. The audit log has no update or delete method, and the
database refuses both with a trigger.

Example::

    from tipguard.store import Actor, CaseFields, Store

    store = Store()                                  # tipguard.db here, or TIPGUARD_DATABASE_URL
    key, secret = store.create_key("ops", ["analyst"])
    me = Actor(key.name, key.id, "127.0.0.1")
    fields = CaseFields(title="Scam-compound lure", type_of_exploitation=("ForcedCriminality",))
    case = store.create_case(me, fields)
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, selectinload

from tipguard.errors import InvalidRecordError, RecordNotFoundError, StateConflictError
from tipguard.store import export, htcds, keys
from tipguard.store.engine import WRITE_OPTION, make_engine, resolve_url, run_transaction
from tipguard.store.migrate import upgrade
from tipguard.store.models import AIUse, ApiKey, AuditEntry, Case, Decision, Person, ReviewItem
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

R = TypeVar("R")

MAX_PAGE = 500
_STATUS_OF = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
_CASE_LIST_FIELDS = tuple(htcds.CASE_PICKLISTS)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _maybe(value: datetime | None) -> datetime | None:
    return None if value is None else _aware(value)


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidRecordError(f"limit must be between 1 and {MAX_PAGE}; got {limit}")
    if offset < 0:
        raise InvalidRecordError(f"offset must be >= 0; got {offset}")
    return limit, offset


class Store:
    """Keys, audit log, review queue, decisions and cases in SQLite or PostgreSQL.

    Args:
        url: SQLAlchemy URL; default ``TIPGUARD_DATABASE_URL`` or ``sqlite:///tipguard.db``.
        migrate: run the packaged Alembic migrations up to head at open (idempotent, and safe
            when several processes open the same database at once).
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(url)
        self.engine: Engine = make_engine(self.url)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        if migrate:
            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, name: str, work: Callable[[Session], R]) -> R:
        return run_transaction(self.engine, work, name=name)

    def _write(self, name: str, work: Callable[[Session], R]) -> R:
        return run_transaction(self._writer, work, name=name)

    def ping(self) -> bool:
        """Whether the database answers (for health checks)."""
        return bool(self._read("ping", lambda s: s.execute(text("SELECT 1")).scalar_one() == 1))

    # -- API keys -----------------------------------------------------------------------

    def create_key(
        self, name: str, roles: Iterable[str], actor: Actor | None = None
    ) -> tuple[KeyRecord, str]:
        """A new key with ``roles``; returns its record and the secret (shown once, never stored)."""
        wanted = sorted(set(roles))
        if not wanted:
            raise InvalidRecordError(f"a key needs at least one role of {list(ROLES)}")
        for role in wanted:
            htcds.check_value("role", role, ROLES)
        if not name.strip() or len(name) > 200:
            raise InvalidRecordError("key name must be 1-200 characters")
        secret = keys.new_secret()
        by = actor or Actor.system("local")

        def work(session: Session) -> KeyRecord:
            row = ApiKey(
                prefix=secret[: keys.PREFIX_LENGTH],
                key_hash=keys.hash_secret(secret),
                name=name,
                roles=",".join(wanted),
                created_at=_now(),
                revoked_at=None,
            )
            session.add(row)
            session.flush()
            _audit(session, by, "key.create", f"key:{row.id}")
            return _key(row)

        return self._write("create_key", work), secret

    def authenticate(self, secret: str) -> KeyRecord | None:
        """The key ``secret`` belongs to (revoked keys included: check ``is_revoked``), else ``None``."""
        prefix = keys.key_prefix(secret)
        if prefix is None:
            return None

        def work(session: Session) -> KeyRecord | None:
            row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
            if row is None or not keys.matches(secret, row.key_hash):
                return None
            return _key(row)

        return self._read("authenticate", work)

    def list_keys(self) -> list[KeyRecord]:
        """Every key, oldest first, without hashes."""
        return self._read(
            "list_keys", lambda s: [_key(r) for r in s.scalars(select(ApiKey).order_by(ApiKey.id))]
        )

    def revoke_key(self, key_id: int, actor: Actor | None = None) -> KeyRecord:
        """Revoke a key (idempotent); it authenticates nobody afterwards."""
        by = actor or Actor.system("local")

        def work(session: Session) -> KeyRecord:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise RecordNotFoundError(f"no key {key_id}")
            if row.revoked_at is None:
                row.revoked_at = _now()
            _audit(session, by, "key.revoke", f"key:{key_id}")
            return _key(row)

        return self._write("revoke_key", work)

    # -- audit log ----------------------------------------------------------------------

    def record_audit(self, actor: Actor, action: str, target: str, outcome: str = "ok") -> None:
        """Append one audit row on its own (e.g. a refused access); the log is append-only."""
        self._write("record_audit", lambda s: _audit(s, actor, action, target, outcome))

    def list_audit(self, actor: Actor, limit: int = 100, before_id: int | None = None) -> list[AuditRecord]:
        """Audit rows, newest first; ``before_id`` pages further back. Reading is itself audited."""
        _page_bounds(limit, 0)

        def work(session: Session) -> list[AuditRecord]:
            query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if before_id is not None:
                query = query.where(AuditEntry.id < before_id)
            rows = [_audit_record(r) for r in session.scalars(query)]
            _audit(session, actor, "audit.read", f"before:{before_id}" if before_id else "latest")
            return rows

        return self._write("list_audit", work)

    # -- review queue -------------------------------------------------------------------

    def enqueue(self, actor: Actor, entries: Sequence[QueueEntry]) -> list[int]:
        """Put flagged verdicts in the review queue; returns the new review ids in order."""
        if not entries:
            return []

        def work(session: Session) -> list[int]:
            now = _now()
            rows = [_review_row(e, actor.key_id, now) for e in entries]
            session.add_all(rows)
            session.flush()
            for row in rows:
                _audit(session, actor, "review.enqueue", f"review:{row.id}", at=now)
            return [r.id for r in rows]

        return self._write("enqueue", work)

    def list_review(
        self, actor: Actor, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ReviewRecord]:
        """Queue items (newest first), optionally of one status."""
        if status is not None:
            htcds.check_value("status", status, REVIEW_STATUSES)
        _page_bounds(limit, offset)

        def work(session: Session) -> Page[ReviewRecord]:
            query = select(ReviewItem)
            count = select(func.count()).select_from(ReviewItem)
            if status is not None:
                query = query.where(ReviewItem.status == status)
                count = count.where(ReviewItem.status == status)
            rows = session.scalars(query.order_by(ReviewItem.id.desc()).limit(limit).offset(offset)).all()
            total = session.execute(count).scalar_one()
            _audit(session, actor, "review.list", f"status:{status or 'any'}")
            return Page(tuple(_review(r) for r in rows), total)

        return self._write("list_review", work)

    def get_review(self, actor: Actor, review_id: int) -> ReviewRecord:
        """One queue item."""

        def work(session: Session) -> ReviewRecord:
            row = session.get(ReviewItem, review_id)
            if row is None:
                raise RecordNotFoundError(f"no review item {review_id}")
            _audit(session, actor, "review.read", f"review:{review_id}")
            return _review(row)

        return self._write("get_review", work)

    def decide(
        self,
        actor: Actor,
        review_id: int,
        decision: str,
        reason: str | None = None,
        case_id: int | None = None,
        new_case: CaseFields | None = None,
    ) -> ReviewRecord:
        """Confirm, dismiss (``reason`` required) or escalate a queue item, and keep it as a label.

        Open items take any decision; a confirmed item may still be escalated; anything else
        raises ``StateConflictError``. Escalation attaches to ``case_id`` or opens a new case
        (from ``new_case`` when given).
        """
        htcds.check_value("decision", decision, DECISIONS)
        if decision == "dismiss" and not (reason and reason.strip()):
            raise InvalidRecordError("a dismissal needs a reason")
        if decision != "escalate" and (case_id is not None or new_case is not None):
            raise InvalidRecordError("case_id and case apply only to escalate")
        if new_case is not None:
            _check_fields(new_case)

        def work(session: Session) -> ReviewRecord:
            row = session.get(ReviewItem, review_id, with_for_update=True)
            if row is None:
                raise RecordNotFoundError(f"no review item {review_id}")
            if not (row.status == "open" or (row.status == "confirmed" and decision == "escalate")):
                raise StateConflictError(f"review item {review_id} is already {row.status}")
            now = _now()
            if decision == "escalate":
                if case_id is not None:
                    case = session.get(Case, case_id)
                    if case is None:
                        raise RecordNotFoundError(f"no case {case_id}")
                    case.updated_at = now
                    _audit(session, actor, "case.attach", f"case:{case_id}", at=now)
                else:
                    fields = new_case or CaseFields()
                    if fields.title is None:
                        fields = _with_title(fields, f"Escalated from review item {review_id}")
                    case = _new_case(fields, actor, now)
                    session.add(case)
                    session.flush()
                    _audit(session, actor, "case.create", f"case:{case.id}", at=now)
                row.case_id = case.id
            row.status = _STATUS_OF[decision]
            row.reason = reason
            row.decided_by = actor.name
            row.decided_at = now
            session.add(
                Decision(
                    review_item_id=row.id,
                    decision=row.status,
                    label=decision != "dismiss",
                    reason=reason,
                    case_id=row.case_id,
                    level=row.level,
                    risk=row.risk,
                    language=row.language,
                    indicators=list(row.indicators),
                    decided_by=actor.name,
                    decided_at=now,
                )
            )
            _audit(session, actor, f"review.{decision}", f"review:{review_id}", at=now)
            session.flush()
            return _review(row)

        return self._write("decide", work)

    def list_decisions(self, actor: Actor, limit: int = 100, offset: int = 0) -> Page[DecisionRecord]:
        """Decisions as labels, oldest first (for training and evaluation)."""
        _page_bounds(limit, offset)

        def work(session: Session) -> Page[DecisionRecord]:
            rows = session.scalars(select(Decision).order_by(Decision.id).limit(limit).offset(offset)).all()
            total = session.execute(select(func.count()).select_from(Decision)).scalar_one()
            _audit(session, actor, "decision.list", f"offset:{offset}")
            return Page(tuple(_decision(r) for r in rows), total)

        return self._write("list_decisions", work)

    # -- cases --------------------------------------------------------------------------

    def create_case(self, actor: Actor, fields: CaseFields) -> CaseRecord:
        """Open a case; picklist fields take HTCDS value names."""
        _check_fields(fields)

        def work(session: Session) -> CaseRecord:
            now = _now()
            row = _new_case(fields, actor, now)
            session.add(row)
            session.flush()
            _audit(session, actor, "case.create", f"case:{row.id}", at=now)
            return _case(_load_case(session, row.id))

        return self._write("create_case", work)

    def get_case(self, actor: Actor, case_id: int) -> CaseRecord:
        """One case with its persons, AI-use records and review items."""

        def work(session: Session) -> CaseRecord:
            record = _case(_load_case(session, case_id))
            _audit(session, actor, "case.read", f"case:{case_id}")
            return record

        return self._write("get_case", work)

    def list_cases(
        self, actor: Actor, status: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[CaseRecord]:
        """Cases, newest first, optionally of one ``cas_Status``."""
        if status is not None:
            htcds.check_value("status", status, htcds.CASE_STATUS)
        _page_bounds(limit, offset)

        def work(session: Session) -> Page[CaseRecord]:
            query = _case_query()
            count = select(func.count()).select_from(Case)
            if status is not None:
                query = query.where(Case.status == status)
                count = count.where(Case.status == status)
            rows = session.scalars(query.order_by(Case.id.desc()).limit(limit).offset(offset)).all()
            total = session.execute(count).scalar_one()
            _audit(session, actor, "case.list", f"status:{status or 'any'}")
            return Page(tuple(_case(r) for r in rows), total)

        return self._write("list_cases", work)

    def update_case(self, actor: Actor, case_id: int, fields: CaseFields) -> CaseRecord:
        """Change the fields of ``fields`` that are not ``None``."""
        _check_fields(fields)

        def work(session: Session) -> CaseRecord:
            row = _load_case(session, case_id)
            _apply(row, fields)
            row.updated_at = _now()
            _audit(session, actor, "case.update", f"case:{case_id}")
            session.flush()
            return _case(row)

        return self._write("update_case", work)

    def add_ai_use(self, actor: Actor, case_id: int, record: AIUseInput) -> AIUseRecord:
        """Record a suspected use of AI in a case."""
        htcds.check_value("capability", record.capability, htcds.AI_CAPABILITY)
        htcds.check_value("confidence", record.confidence, htcds.AI_CONFIDENCE)
        if not record.evidence.strip():
            raise InvalidRecordError("evidence must not be empty")

        def work(session: Session) -> AIUseRecord:
            case = session.get(Case, case_id)
            if case is None:
                raise RecordNotFoundError(f"no case {case_id}")
            if record.review_item_id is not None and session.get(ReviewItem, record.review_item_id) is None:
                raise RecordNotFoundError(f"no review item {record.review_item_id}")
            now = _now()
            row = AIUse(
                case_id=case_id,
                capability=record.capability,
                evidence=record.evidence,
                confidence=record.confidence,
                platform=record.platform,
                language=record.language,
                review_item_id=record.review_item_id,
                recorded_by=actor.name,
                recorded_at=now,
            )
            session.add(row)
            case.updated_at = now
            session.flush()
            _audit(session, actor, "case.ai_use", f"case:{case_id}", at=now)
            return _ai_use(row)

        return self._write("add_ai_use", work)

    def add_person(
        self,
        actor: Actor,
        case_id: int,
        role: str,
        gender: str = "Unknown",
        nationality: str | None = None,
        role_in_process: Sequence[str] = (),
    ) -> PersonRecord:
        """Add a pseudonymised victim or perpetrator; the pseudonym is generated, never a name."""
        htcds.check_value("role", role, htcds.PERSON_ROLE)
        htcds.check_value("gender", gender, htcds.GENDER)
        roles = htcds.check_values("role_in_process", list(role_in_process), htcds.ROLE_IN_PROCESS)
        if roles and role != "perpetrator":
            raise InvalidRecordError("role_in_process applies to perpetrators only")
        country = _country("nationality", nationality)

        def work(session: Session) -> PersonRecord:
            case = session.get(Case, case_id)
            if case is None:
                raise RecordNotFoundError(f"no case {case_id}")
            now = _now()
            row = Person(
                case_id=case_id,
                pseudonym=("V-" if role == "victim" else "P-") + secrets.token_hex(5).upper(),
                role=role,
                gender=gender,
                nationality=country,
                role_in_process=roles,
                created_at=now,
            )
            session.add(row)
            case.updated_at = now
            session.flush()
            _audit(session, actor, "case.person", f"case:{case_id}", at=now)
            return _person(row)

        return self._write("add_person", work)

    def export_cases(self, actor: Actor, fmt: str = "csv", status: str | None = None) -> str:
        """Every case (optionally of one status) as CSV or JSON with HTCDS column names."""
        htcds.check_value("format", fmt, ("csv", "json"))
        if status is not None:
            htcds.check_value("status", status, htcds.CASE_STATUS)

        def work(session: Session) -> list[CaseRecord]:
            query = _case_query().order_by(Case.id)
            if status is not None:
                query = query.where(Case.status == status)
            cases = [_case(r) for r in session.scalars(query)]
            _audit(session, actor, f"case.export_{fmt}", f"cases:{len(cases)}")
            return cases

        cases = self._write("export_cases", work)
        return export.to_csv(cases) if fmt == "csv" else export.to_json(cases)


# -- helpers --------------------------------------------------------------------------------


def _audit(
    session: Session, actor: Actor, action: str, target: str, outcome: str = "ok", at: datetime | None = None
) -> None:
    session.add(
        AuditEntry(
            at=at or _now(),
            key_id=actor.key_id,
            actor=actor.name[:200],
            action=action[:64],
            target=target[:200],
            client=actor.client[:100] if actor.client else None,
            outcome=outcome[:32],
        )
    )


def _country(field: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise InvalidRecordError(f"{field} must be an ISO 3166 alpha-2 code")
    return value.upper()


def _check_fields(fields: CaseFields) -> None:
    if fields.status is not None:
        htcds.check_value("status", fields.status, htcds.CASE_STATUS)
    for name, allowed in htcds.CASE_PICKLISTS.items():
        values = getattr(fields, name)
        if values is not None:
            htcds.check_values(name, list(values), allowed)
    _country("recruitment_country", fields.recruitment_country)
    _country("exploitation_country", fields.exploitation_country)
    if fields.title is not None and not 1 <= len(fields.title) <= 200:
        raise InvalidRecordError("title must be 1-200 characters")


def _with_title(fields: CaseFields, title: str) -> CaseFields:
    return replace(fields, title=title)


def _new_case(fields: CaseFields, actor: Actor, now: datetime) -> Case:
    row = Case(
        status="Active",
        title="Untitled case",
        summary="",
        method_of_recruitment=[],
        methods_of_control=[],
        type_of_exploitation=[],
        type_of_labour_exploitation=[],
        type_of_sex_exploitation=[],
        recruitment_websites_and_apps=[],
        exploitation_websites_and_apps=[],
        recruitment_country=None,
        exploitation_country=None,
        opened_at=now,
        updated_at=now,
        created_by=actor.name,
    )
    _apply(row, fields)
    return row


def _apply(row: Case, fields: CaseFields) -> None:
    if fields.title is not None:
        row.title = fields.title
    if fields.summary is not None:
        row.summary = fields.summary
    if fields.status is not None:
        row.status = fields.status
    for name in _CASE_LIST_FIELDS:
        values = getattr(fields, name)
        if values is not None:
            setattr(row, name, list(dict.fromkeys(values)))
    if fields.recruitment_country is not None:
        row.recruitment_country = _country("recruitment_country", fields.recruitment_country)
    if fields.exploitation_country is not None:
        row.exploitation_country = _country("exploitation_country", fields.exploitation_country)


def _case_query() -> Any:
    return select(Case).options(
        selectinload(Case.persons), selectinload(Case.ai_uses), selectinload(Case.review_items)
    )


def _load_case(session: Session, case_id: int) -> Case:
    row = session.scalars(_case_query().where(Case.id == case_id)).one_or_none()
    if row is None:
        raise RecordNotFoundError(f"no case {case_id}")
    return row  # type: ignore[no-any-return]


def _review_row(entry: QueueEntry, key_id: int | None, now: datetime) -> ReviewItem:
    verdict = entry.verdict
    return ReviewItem(
        item_id=str(verdict.get("id", ""))[:200],
        kind=str(verdict.get("kind", "message")),
        text=entry.text,
        messages=entry.messages,
        verdict=verdict,
        level=str(verdict.get("level", "none")),
        risk=float(verdict.get("risk", 0.0)),
        language=str(verdict.get("language", "unknown")),
        indicators=list(dict.fromkeys(str(f["indicator"]) for f in verdict.get("findings", []))),
        status="open",
        reason=None,
        decided_by=None,
        decided_at=None,
        case_id=None,
        source_key_id=key_id,
        created_at=now,
    )


def _key(row: ApiKey) -> KeyRecord:
    return KeyRecord(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        roles=tuple(r for r in row.roles.split(",") if r),
        created_at=_aware(row.created_at),
        revoked_at=_maybe(row.revoked_at),
    )


def _audit_record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=_aware(row.at),
        key_id=row.key_id,
        actor=row.actor,
        action=row.action,
        target=row.target,
        client=row.client,
        outcome=row.outcome,
    )


def _review(row: ReviewItem) -> ReviewRecord:
    return ReviewRecord(
        id=row.id,
        item_id=row.item_id,
        kind=row.kind,
        text=row.text,
        messages=row.messages,
        verdict=row.verdict,
        level=row.level,
        risk=row.risk,
        language=row.language,
        indicators=tuple(row.indicators),
        status=row.status,
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=_maybe(row.decided_at),
        case_id=row.case_id,
        created_at=_aware(row.created_at),
    )


def _decision(row: Decision) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        review_item_id=row.review_item_id,
        decision=row.decision,
        label=row.label,
        reason=row.reason,
        case_id=row.case_id,
        level=row.level,
        risk=row.risk,
        language=row.language,
        indicators=tuple(row.indicators),
        decided_by=row.decided_by,
        decided_at=_aware(row.decided_at),
    )


def _person(row: Person) -> PersonRecord:
    return PersonRecord(
        id=row.id,
        case_id=row.case_id,
        pseudonym=row.pseudonym,
        role=row.role,
        gender=row.gender,
        nationality=row.nationality,
        role_in_process=tuple(row.role_in_process),
        created_at=_aware(row.created_at),
    )


def _ai_use(row: AIUse) -> AIUseRecord:
    return AIUseRecord(
        id=row.id,
        case_id=row.case_id,
        capability=row.capability,
        evidence=row.evidence,
        confidence=row.confidence,
        platform=row.platform,
        language=row.language,
        review_item_id=row.review_item_id,
        recorded_by=row.recorded_by,
        recorded_at=_aware(row.recorded_at),
    )


def _case(row: Case) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        status=row.status,
        title=row.title,
        summary=row.summary,
        method_of_recruitment=tuple(row.method_of_recruitment),
        methods_of_control=tuple(row.methods_of_control),
        type_of_exploitation=tuple(row.type_of_exploitation),
        type_of_labour_exploitation=tuple(row.type_of_labour_exploitation),
        type_of_sex_exploitation=tuple(row.type_of_sex_exploitation),
        recruitment_websites_and_apps=tuple(row.recruitment_websites_and_apps),
        exploitation_websites_and_apps=tuple(row.exploitation_websites_and_apps),
        recruitment_country=row.recruitment_country,
        exploitation_country=row.exploitation_country,
        opened_at=_aware(row.opened_at),
        updated_at=_aware(row.updated_at),
        created_by=row.created_by,
        persons=tuple(_person(p) for p in row.persons),
        ai_uses=tuple(_ai_use(a) for a in row.ai_uses),
        review_item_ids=tuple(r.id for r in row.review_items),
    )
