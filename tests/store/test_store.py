"""The Store: keys as hashes, an append-only audit log, the review queue, decisions, cases."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tipguard.errors import InvalidRecordError, RecordNotFoundError, StateConflictError
from tipguard.store import Actor, AIUseInput, CaseFields, QueueEntry, Store
from tipguard.store.models import ApiKey, AuditEntry, Person


def verdict(item_id: str, level: str = "high", indicators: tuple[str, ...] = ("REC_LURE",)) -> dict:
    return {
        "schema_version": "1.0",
        "id": item_id,
        "kind": "message",
        "language": "en",
        "risk": 0.9,
        "level": level,
        "findings": [{"indicator": code, "score": 0.9, "spans": [[0, 4]]} for code in indicators],
        "error": None,
    }


def enqueue_one(store: Store, actor: Actor, item_id: str = "m1") -> int:
    return store.enqueue(actor, [QueueEntry(verdict(item_id), "Free flight, we keep your passport")])[0]


def audit_actions(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


# -- keys -------------------------------------------------------------------------------


def test_keys_are_stored_only_as_hashes_and_authenticate(store: Store) -> None:
    record, secret = store.create_key("ops", ["analyst", "ingest"])
    assert secret.startswith("tg_") and len(secret) > 40
    assert record.roles == ("analyst", "ingest")
    with store.engine.connect() as conn:
        row = conn.execute(select(ApiKey)).one()
    assert secret not in (row.key_hash, row.prefix, row.name) and len(row.key_hash) == 64
    assert secret.startswith(row.prefix)
    assert store.authenticate(secret) == record
    assert store.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.authenticate("not-a-key") is None


def test_revoked_key_is_reported_as_revoked(store: Store) -> None:
    record, secret = store.create_key("tmp", ["admin"])
    store.revoke_key(record.id)
    found = store.authenticate(secret)
    assert found is not None and found.is_revoked
    with pytest.raises(RecordNotFoundError):
        store.revoke_key(9999)


def test_key_roles_come_from_the_closed_set(store: Store) -> None:
    with pytest.raises(InvalidRecordError):
        store.create_key("x", ["superuser"])
    with pytest.raises(InvalidRecordError):
        store.create_key("x", [])


# -- audit ------------------------------------------------------------------------------


def test_store_has_no_way_to_change_the_audit_log() -> None:
    names = [n for n in dir(Store) if not n.startswith("_")]
    assert not [n for n in names if "audit" in n and re.search("update|delete|remove|clear", n)]


def test_database_refuses_update_and_delete_of_audit_rows(store: Store, actor: Actor) -> None:
    store.record_audit(actor, "case.read", "case:1")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert audit_actions(store) == ["case.read"]


def test_every_case_data_access_leaves_an_audit_row(store: Store, actor: Actor) -> None:
    review_id = enqueue_one(store, actor)
    store.list_review(actor)
    store.get_review(actor, review_id)
    case = store.create_case(actor, CaseFields(title="t"))
    store.get_case(actor, case.id)
    store.list_cases(actor)
    store.export_cases(actor, "csv")
    assert audit_actions(store) == [
        "review.enqueue",
        "review.list",
        "review.read",
        "case.create",
        "case.read",
        "case.list",
        "case.export_csv",
    ]
    rows = store.list_audit(actor, limit=3)
    assert [r.action for r in rows] == ["case.export_csv", "case.list", "case.read"]
    assert all(r.actor == "analyst-1" and r.client == "10.0.0.7" for r in rows)
    assert audit_actions(store)[-1] == "audit.read"


def test_a_failed_access_leaves_no_audit_row(store: Store, actor: Actor) -> None:
    with pytest.raises(RecordNotFoundError):
        store.get_case(actor, 404)
    assert audit_actions(store) == []


# -- review queue and decisions ---------------------------------------------------------


def test_queue_lists_filters_and_pages(store: Store, actor: Actor) -> None:
    ids = store.enqueue(actor, [QueueEntry(verdict(f"m{n}"), f"text {n}") for n in range(5)])
    page = store.list_review(actor, limit=2)
    assert page.total == 5 and [r.id for r in page.items] == ids[::-1][:2]
    item = store.get_review(actor, ids[0])
    assert item.text == "text 0" and item.indicators == ("REC_LURE",) and item.status == "open"
    store.decide(actor, ids[0], "confirm")
    assert store.list_review(actor, status="open").total == 4
    assert [r.id for r in store.list_review(actor, status="confirmed").items] == [ids[0]]
    with pytest.raises(InvalidRecordError):
        store.list_review(actor, status="weird")


def test_dismiss_needs_a_reason_and_becomes_a_negative_label(store: Store, actor: Actor) -> None:
    review_id = enqueue_one(store, actor)
    with pytest.raises(InvalidRecordError):
        store.decide(actor, review_id, "dismiss")
    done = store.decide(actor, review_id, "dismiss", reason="awareness campaign")
    assert (done.status, done.reason, done.decided_by) == ("dismissed", "awareness campaign", "analyst-1")
    labels = store.list_decisions(actor)
    assert labels.total == 1
    label = labels.items[0]
    assert (label.label, label.decision, label.indicators, label.level) == (
        False,
        "dismissed",
        ("REC_LURE",),
        "high",
    )
    with pytest.raises(StateConflictError):
        store.decide(actor, review_id, "confirm")


def test_confirm_then_escalate_opens_a_case_and_keeps_both_labels(store: Store, actor: Actor) -> None:
    review_id = enqueue_one(store, actor)
    store.decide(actor, review_id, "confirm")
    escalated = store.decide(
        actor, review_id, "escalate", new_case=CaseFields(methods_of_control=("WithholdsDocuments",))
    )
    assert escalated.status == "escalated" and escalated.case_id is not None
    case = store.get_case(actor, escalated.case_id)
    assert case.review_item_ids == (review_id,) and case.methods_of_control == ("WithholdsDocuments",)
    assert [d.label for d in store.list_decisions(actor).items] == [True, True]


def test_escalate_into_an_existing_case(store: Store, actor: Actor) -> None:
    case = store.create_case(actor, CaseFields(title="compound"))
    first, second = store.enqueue(actor, [QueueEntry(verdict("a"), "a"), QueueEntry(verdict("b"), "b")])
    store.decide(actor, first, "escalate", case_id=case.id)
    store.decide(actor, second, "escalate", case_id=case.id)
    assert store.get_case(actor, case.id).review_item_ids == (first, second)
    with pytest.raises(RecordNotFoundError):
        store.decide(actor, enqueue_one(store, actor, "c"), "escalate", case_id=999)


# -- cases ------------------------------------------------------------------------------


def test_case_fields_take_htcds_picklist_values_only(store: Store, actor: Actor) -> None:
    case = store.create_case(
        actor,
        CaseFields(
            title="Typing job lure",
            method_of_recruitment=("OnlineAdvertisement", "OnlineSocialNetwork"),
            methods_of_control=("DebtBondage", "WithholdsDocuments", "DebtBondage"),
            type_of_exploitation=("ForcedCriminality",),
            recruitment_websites_and_apps=("Facebook", "Telegram"),
            recruitment_country="np",
        ),
    )
    assert case.methods_of_control == ("DebtBondage", "WithholdsDocuments")
    assert case.recruitment_country == "NP" and case.status == "Active"
    for bad in (
        CaseFields(methods_of_control=("DebtBondage", "Beatings",)),
        CaseFields(status="Open"),
        CaseFields(recruitment_country="Nepal"),
    ):
        with pytest.raises(InvalidRecordError) as info:
            store.create_case(actor, bad)
        assert not any(v in str(info.value) for v in ("Beatings", "Open", "Nepal"))  # no input text
    updated = store.update_case(actor, case.id, CaseFields(status="FollowUp", summary="moved to Myawaddy"))
    assert (updated.status, updated.summary, updated.title) == (
        "FollowUp",
        "moved to Myawaddy",
        "Typing job lure",
    )


def test_ai_use_records_and_pseudonymised_persons(store: Store, actor: Actor) -> None:
    case = store.create_case(actor, CaseFields(title="t"))
    use = store.add_ai_use(
        actor, case.id, AIUseInput("Translation", "threat rendered in Bengali", "High", "WhatsApp", "bn")
    )
    assert (use.capability, use.confidence, use.platform, use.language) == (
        "Translation",
        "High",
        "WhatsApp",
        "bn",
    )
    with pytest.raises(InvalidRecordError):
        store.add_ai_use(actor, case.id, AIUseInput("Telepathy", "x", "High"))
    victim = store.add_person(actor, case.id, "victim", "Female", "bd")
    recruiter = store.add_person(actor, case.id, "perpetrator", role_in_process=["RecruiterOrIntermediary"])
    assert re.fullmatch(r"V-[0-9A-F]{10}", victim.pseudonym) and recruiter.pseudonym.startswith("P-")
    assert victim.nationality == "BD"
    with pytest.raises(InvalidRecordError):
        store.add_person(actor, case.id, "victim", role_in_process=["Exploiter"])
    loaded = store.get_case(actor, case.id)
    assert [p.pseudonym for p in loaded.persons] == [victim.pseudonym, recruiter.pseudonym]
    assert [a.id for a in loaded.ai_uses] == [use.id]
    columns = {c.name for c in Person.__table__.columns}
    assert not {c for c in columns if "name" in c or "phone" in c or "email" in c}


def test_missing_records_raise_not_found(store: Store, actor: Actor) -> None:
    for call in (
        lambda: store.get_review(actor, 1),
        lambda: store.get_case(actor, 1),
        lambda: store.update_case(actor, 1, CaseFields(title="x")),
        lambda: store.add_ai_use(actor, 1, AIUseInput("Automation", "bots", "Low")),
        lambda: store.add_person(actor, 1, "victim"),
    ):
        with pytest.raises(RecordNotFoundError):
            call()


# -- concurrency ------------------------------------------------------------------------


def test_concurrent_writers_lose_and_duplicate_nothing(store: Store) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        me = Actor(f"w{n}")
        try:
            for i in range(15):
                store.enqueue(me, [QueueEntry(verdict(f"w{n}-{i}"), "x")])
                store.record_audit(me, "probe", f"w{n}-{i}")
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.engine.connect() as conn:
        item_ids = list(conn.execute(text("SELECT item_id FROM review_items")).scalars())
    assert sorted(item_ids) == sorted(f"w{n}-{i}" for n in range(6) for i in range(15))
