"""API behaviour: the output contract, the queue, cases, limits, problem JSON, audit, metrics."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

import pytest
from service_testkit import RISKY, SETTINGS, Service, build_service

from tipguard import Analyzer
from tipguard.io.serialize import verdict_to_dict
from tipguard.service import ServiceSettings
from tipguard.service.schemas import AnalyzeResponse, ConversationResponse
from tipguard.store.htcds import CASE_COLUMNS

PROBLEM = "application/problem+json"


def problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status and body["code"] == code
    return body


def test_analyze_returns_the_output_contract_and_queues_flagged_verdicts(
    service: Service, analyzer: Analyzer
) -> None:
    items = [
        {"id": "a", "text": RISKY},
        {"id": "b", "text": "See you at lunch tomorrow"},
        {"id": "c", "text": " "},
    ]
    response = service.client.post("/v1/analyze", json={"items": items}, headers=service.headers("ingest"))
    assert response.status_code == 200
    body = response.json()
    AnalyzeResponse.model_validate(body)
    direct = analyzer.analyze_batch([i["text"] for i in items], ids=["a", "b", "c"])
    assert body["verdicts"] == json.loads(json.dumps([verdict_to_dict(v) for v in direct]))
    assert body["verdicts"][2]["error"]["code"] == "empty_input"
    assert len(body["queued"]) == 1
    queued = service.client.get(f"/v1/review/{body['queued'][0]}", headers=service.headers("analyst")).json()
    assert (queued["item_id"], queued["text"], queued["status"]) == ("a", RISKY, "open")
    assert queued["verdict"] == body["verdicts"][0]


def test_single_text_and_conversation(service: Service) -> None:
    single = service.client.post(
        "/v1/analyze", json={"text": RISKY, "id": "x9"}, headers=service.headers("ingest")
    )
    assert [v["id"] for v in single.json()["verdicts"]] == ["x9"]
    messages = [
        {
            "text": "Hi dear, I have a job for you in Dubai, free flight",
            "sender": "r",
            "time": "2024-05-01T10:00:00Z",
        },
        {"text": "Give me your passport, we keep it. Talk on telegram @boss_kh", "sender": "r"},
    ]
    conv = service.client.post(
        "/v1/conversations/analyze",
        json={"id": "c1", "messages": messages},
        headers=service.headers("ingest"),
    )
    assert conv.status_code == 200
    body = ConversationResponse.model_validate(conv.json())
    assert body.verdict.kind == "conversation" and body.verdict.id == "c1"
    assert all(len(span) == 3 for f in body.verdict.findings for span in f.spans)
    if body.queued:
        item = service.client.get(f"/v1/review/{body.queued[0]}", headers=service.headers("analyst")).json()
        assert [m["sender"] for m in item["messages"]] == ["r", "r"]


def test_validation_errors_are_problems_that_do_not_echo_input(service: Service) -> None:
    secret = "my-private-message-text"
    body = problem(
        service.client.post(
            "/v1/analyze", json={"text": secret, "items": []}, headers=service.headers("ingest")
        ),
        422,
        "validation_error",
    )
    assert secret not in json.dumps(body) and body["errors"]
    problem(
        service.client.post("/v1/analyze", content=b"{not json", headers=service.headers("ingest")),
        422,
        "validation_error",
    )
    problem(service.client.get("/v1/cases/999999", headers=service.headers("analyst")), 404, "not_found")
    problem(service.client.get("/v1/nothing-here"), 404, "not_found")
    problem(
        service.client.post(
            "/v1/cases", json={"methods_of_control": ["Beatings"]}, headers=service.headers("analyst")
        ),
        422,
        "validation_error",
    )
    problem(
        service.client.post("/v1/analyze", json={"text": "x"}, headers={"Authorization": "Basic abc"}),
        401,
        "auth_malformed",
    )


@pytest.fixture(scope="module")
def limited(analyzer: Analyzer, make_url_for: Callable[[str], str]) -> Iterator[Service]:
    settings = ServiceSettings(
        max_body_bytes=2_000,
        max_batch_items=3,
        max_text_chars=100,
        max_messages=2,
        rate_limit_per_minute=1,
        rate_limit_burst=1_000,
    )
    svc, close = build_service(make_url_for("sqlite"), analyzer, settings)
    yield svc
    close()


def test_limits_answer_413_and_name_the_limit(limited: Service) -> None:
    h = limited.headers("ingest")
    post = limited.client.post
    assert (
        problem(post("/v1/analyze", json={"text": "x" * 3_000}, headers=h), 413, "body_too_large")["limit"]
        == "max_body_bytes"
    )
    assert (
        problem(post("/v1/analyze", json={"items": [{"text": "a"}] * 4}, headers=h), 413, "batch_too_large")[
            "max"
        ]
        == 3
    )
    assert (
        problem(post("/v1/analyze", json={"text": "y" * 101}, headers=h), 413, "text_too_long")["limit"]
        == "max_text_chars"
    )
    msgs = {"messages": [{"text": "a"}] * 3}
    assert (
        problem(post("/v1/conversations/analyze", json=msgs, headers=h), 413, "too_many_messages")["limit"]
        == "max_messages"
    )
    batch = post("/v1/analyze", json={"items": [{"text": "z" * 101}, {"text": "hello"}]}, headers=h).json()
    assert batch["verdicts"][0]["error"]["code"] == "input_too_large"
    assert batch["verdicts"][1]["error"] is None


def test_rate_limit_answers_429_with_retry_after(
    analyzer: Analyzer, make_url_for: Callable[[str], str]
) -> None:
    svc, close = build_service(
        make_url_for("sqlite"), analyzer, ServiceSettings(rate_limit_per_minute=1, rate_limit_burst=2)
    )
    try:
        h = svc.headers("admin")
        assert [svc.client.get("/v1/keys", headers=h).status_code for _ in range(2)] == [200, 200]
        third = svc.client.get("/v1/keys", headers=h)
        problem(third, 429, "rate_limited")
        assert int(third.headers["retry-after"]) >= 1
        assert svc.client.get("/v1/cases", headers=svc.headers("analyst")).status_code == 200  # per key
    finally:
        close()


def test_review_decisions(service: Service) -> None:
    ingest, analyst = service.headers("ingest"), service.headers("analyst")
    texts = [{"text": RISKY, "id": f"d{n}"} for n in range(3)]
    queued = service.client.post("/v1/analyze", json={"items": texts}, headers=ingest).json()["queued"]
    assert len(queued) == 3
    a, b, c = queued
    decide = lambda rid, body: service.client.post(f"/v1/review/{rid}/decision", json=body, headers=analyst)  # noqa: E731
    problem(decide(a, {"decision": "dismiss"}), 422, "reason_required")
    dismissed = decide(a, {"decision": "dismiss", "reason": "awareness post"}).json()
    assert (dismissed["status"], dismissed["reason"]) == ("dismissed", "awareness post")
    problem(decide(a, {"decision": "confirm"}), 409, "conflict")
    assert decide(b, {"decision": "confirm"}).json()["status"] == "confirmed"
    escalated = decide(
        b, {"decision": "escalate", "case": {"title": "Dubai lure", "type_of_exploitation": ["ForcedLabour"]}}
    ).json()
    case = service.client.get(f"/v1/cases/{escalated['case_id']}", headers=analyst).json()
    assert case["title"] == "Dubai lure" and case["review_item_ids"] == [b]
    attached = decide(c, {"decision": "escalate", "case_id": case["id"]}).json()
    assert attached["case_id"] == case["id"]
    listed = service.client.get("/v1/review?status=escalated&limit=500", headers=analyst).json()
    assert {b, c} <= {i["id"] for i in listed["items"]}
    labels = service.client.get("/v1/decisions?limit=500", headers=analyst).json()["items"]
    mine = [(d["review_item_id"], d["label"]) for d in labels if d["review_item_id"] in (a, b, c)]
    assert mine == [(a, False), (b, True), (b, True), (c, True)]


def test_cases_ai_use_persons_and_htcds_export(service: Service) -> None:
    analyst = service.headers("analyst")
    created = service.client.post(
        "/v1/cases",
        json={
            "title": "Scam compound",
            "method_of_recruitment": ["OnlineAdvertisement"],
            "methods_of_control": ["WithholdsDocuments", "DebtBondage"],
            "type_of_exploitation": ["ForcedCriminality"],
            "recruitment_websites_and_apps": ["Facebook", "Telegram"],
            "exploitation_country": "MM",
            "summary": "=cmd()",
        },
        headers=analyst,
    )
    assert created.status_code == 201
    cid = created.json()["id"]
    use = {
        "capability": "Translation",
        "evidence": "threat in Bengali",
        "confidence": "High",
        "platform": "WhatsApp",
        "language": "bn",
    }
    assert service.client.post(f"/v1/cases/{cid}/ai-use", json=use, headers=analyst).status_code == 201
    person = service.client.post(
        f"/v1/cases/{cid}/persons",
        json={"role": "victim", "gender": "Female", "nationality": "BD"},
        headers=analyst,
    )
    assert person.json()["pseudonym"].startswith("V-")
    problem(
        service.client.post(
            f"/v1/cases/{cid}/persons", json={"role": "victim", "name": "Ana"}, headers=analyst
        ),
        422,
        "validation_error",
    )
    patched = service.client.patch(f"/v1/cases/{cid}", json={"status": "FollowUp"}, headers=analyst).json()
    assert patched["status"] == "FollowUp" and patched["title"] == "Scam compound"

    exported = service.client.get("/v1/cases/export?format=csv", headers=analyst)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert list(rows[0]) == [column for _, column in CASE_COLUMNS]
    row = next(r for r in rows if r["cas_Id"] == str(cid))
    assert row["vic_MethodsOfControl"] == "WithholdsDocuments;DebtBondage"
    assert row["aiu_Capability"] == "Translation" and row["aiu_Language"] == "bn"
    assert row["cas_Status"] == "FollowUp" and row["hte_ExploitationCountry"] == "MM"
    assert row["tg_Summary"] == "'=cmd()"  # no formula reaches a spreadsheet
    assert row["vic_Pseudonyms"] == person.json()["pseudonym"]
    as_json = service.client.get("/v1/cases/export?format=json", headers=analyst).json()
    entry = next(e for e in as_json if e["cas_Id"] == cid)
    assert entry["vic_TypeOfExploitation"] == ["ForcedCriminality"]
    assert entry["aiu_Records"][0]["aiu_Confidence"] == "High"
    assert entry["persons"][0]["prs_Nationality"] == "BD"


def test_case_reads_writes_and_refusals_are_audited(service: Service) -> None:
    analyst, admin = service.headers("analyst"), service.headers("admin")
    cid = service.client.post("/v1/cases", json={"title": "audited"}, headers=analyst).json()["id"]
    service.client.get(f"/v1/cases/{cid}", headers=analyst)
    service.client.get("/v1/cases", headers=service.headers("ingest"))  # refused
    rows = service.client.get("/v1/audit?limit=10", headers=admin).json()["items"]
    read = next(r for r in rows if r["action"] == "case.read" and r["target"] == f"case:{cid}")
    assert read["actor"] == "analyst" and read["client"] == "testclient" and read["outcome"] == "ok"
    assert read["key_id"] is not None
    denied = next(r for r in rows if r["action"] == "access.denied")
    assert (denied["actor"], denied["target"], denied["outcome"]) == ("ingest", "GET /v1/cases", "denied")
    assert any(r["action"] == "case.create" and r["target"] == f"case:{cid}" for r in rows)


def test_keys_api_shows_the_secret_once_and_revocation_takes_effect(service: Service) -> None:
    admin = service.headers("admin")
    created = service.client.post(
        "/v1/keys", json={"name": "partner", "roles": ["ingest", "analyst"]}, headers=admin
    ).json()
    secret = created["key"]
    listed = service.client.get("/v1/keys", headers=admin).json()
    assert secret not in json.dumps(listed) and all("key" not in k and "key_hash" not in k for k in listed)
    h = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/v1/cases", headers=h).status_code == 200
    service.client.post(f"/v1/keys/{created['id']}/revoke", headers=admin)
    problem(service.client.get("/v1/cases", headers=h), 401, "key_revoked")
    problem(
        service.client.post("/v1/keys", json={"name": "x", "roles": ["root"]}, headers=admin),
        422,
        "validation_error",
    )


def test_health_metrics_and_openapi(service: Service) -> None:
    service.client.post("/v1/analyze", json={"text": RISKY}, headers=service.headers("ingest"))
    assert service.client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "version": pytest.importorskip("tipguard").__version__,
    }
    text = service.client.get("/metrics").text
    assert 'tipguard_http_requests_total{method="POST",route="/v1/analyze",status="200"}' in text
    assert "tipguard_http_request_duration_seconds_bucket" in text
    assert 'tipguard_verdicts_total{level="' in text
    spec = service.client.get("/openapi.json").json()
    assert "/v1/analyze" in spec["paths"] and "/v1/cases" in spec["paths"]
    schema = spec["components"]["schemas"]
    assert {"AnalyzeResponse", "VerdictOut", "ProblemDetails", "CaseOut"} <= set(schema)
    enum = schema["CaseIn"]["properties"]["methods_of_control"]["anyOf"][0]["items"]["enum"]
    assert "DebtBondage" in enum and "WithholdsDocuments" in enum


def test_default_settings_are_safe() -> None:
    assert SETTINGS.max_body_bytes == ServiceSettings().max_body_bytes
    assert ServiceSettings().review_min_level == "medium"
