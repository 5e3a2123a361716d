"""Indicator routes: export from texts, review items and cases; import; match; persistence; errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from service_testkit import SETTINGS, Service, build_service

from tipguard import Analyzer
from tipguard.io.serialize import verdict_to_dict
from tipguard.results import Level, Verdict
from tipguard.service.schemas import IndicatorImportOut, IndicatorMatchResponse, StixBundleOut
from tipguard.sharing import BundleBuilder, SharingKey
from tipguard.store import Actor, CaseFields, QueueEntry

SECRET = "indicator-api-test-secret-0001"
PHONE = "+62 812 3456 7890"
ADVERT = (
    "Hiring now: girls 18-25 for hostess work in Dubai, salary 3000 USD a month, free flight and "
    "visa, no experience needed. Send photos on WhatsApp " + PHONE
)
PROBLEM = "application/problem+json"

Factory = Callable[..., Service]


@pytest.fixture
def make_service(analyzer: Analyzer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Factory]:
    """Apps on a fresh SQLite database; the index file lives beside it unless given."""
    closers: list[Callable[[], None]] = []
    db = tmp_path / "svc.db"

    def make(**overrides: object) -> Service:
        settings = SETTINGS.model_copy(
            update={"sharing_secret": None, "organisation": "NGO A", "guard": False, **overrides}
        )
        svc, close = build_service(f"sqlite:///{db}", analyzer, settings)
        closers.append(close)
        return svc

    yield make
    for close in closers:
        close()


def _secret(value: str = SECRET) -> SecretStr:
    return SecretStr(value)


def _partner_bundle(text: str, *, template: bool = False, group_key: str = SECRET) -> dict[str, object]:
    builder = BundleBuilder(SharingKey(group_key), organisation="Partner NGO", tlp="green")
    builder.add_text(text, template=template)
    bundle: dict[str, object] = json.loads(builder.to_json())
    return bundle


def _problem(response, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code


def test_without_a_secret_every_route_says_sharing_is_not_configured(make_service: Factory) -> None:
    svc = make_service()
    calls = [
        ("analyst", "/v1/indicators/export", {"texts": [{"text": ADVERT}]}),
        ("admin", "/v1/indicators/import", _partner_bundle(ADVERT)),
        ("ingest", "/v1/indicators/match", {"items": [{"text": ADVERT}]}),
    ]
    for role, path, body in calls:
        _problem(svc.client.post(path, json=body, headers=svc.headers(role)), 409, "sharing_not_configured")


def test_a_short_secret_is_refused_like_no_secret(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret("too-short"))
    response = svc.client.post(
        "/v1/indicators/match", json={"items": [{"text": "x"}]}, headers=svc.headers("ingest")
    )
    _problem(response, 409, "sharing_not_configured")


def test_export_from_texts_is_a_stix_bundle_without_the_text(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret())
    response = svc.client.post(
        "/v1/indicators/export",
        json={"texts": [{"text": ADVERT, "kind": "advert"}], "tlp": "red", "confidence": 80},
        headers=svc.headers("analyst"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/stix+json")
    bundle = StixBundleOut.model_validate(response.json())
    indicators = [o for o in bundle.objects if o["type"] == "indicator"]
    kinds = sorted(o["pattern_type"] for o in indicators)
    assert kinds == ["stix", "x-tipguard-minhash"]  # the phone number and the advert template
    assert response.headers["x-tipguard-indicators"] == "2"
    assert all(o["confidence"] == 80 for o in indicators)
    assert [o["name"] for o in bundle.objects if o["type"] == "identity"] == ["NGO A"]
    body = response.text
    for leaked in ("3456", "hostess", "Dubai", "WhatsApp"):
        assert leaked not in body


def test_export_needs_an_organisation_and_a_source(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret(), organisation=None)
    response = svc.client.post(
        "/v1/indicators/export", json={"texts": [{"text": ADVERT}]}, headers=svc.headers("analyst")
    )
    _problem(response, 409, "organisation_not_configured")
    svc = make_service(sharing_secret=_secret())
    _problem(
        svc.client.post("/v1/indicators/export", json={"tlp": "red"}, headers=svc.headers("analyst")),
        422,
        "validation_error",
    )


def test_export_from_review_items_and_cases_is_audited(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret())
    actor = Actor.system("test")
    verdict = verdict_to_dict(Verdict(id="m1", language="en", risk=0.9, level=Level.HIGH))
    in_case, alone = svc.store.enqueue(
        actor,
        [QueueEntry(verdict, "Talk to me on telegram @recruiter_kh"), QueueEntry(verdict, f"Call {PHONE}")],
    )
    case = svc.store.create_case(actor, CaseFields(title="shared"))
    svc.store.decide(actor, in_case, "escalate", case_id=case.id)

    def export(body: dict[str, object]) -> list[str]:
        response = svc.client.post("/v1/indicators/export", json=body, headers=svc.headers("analyst"))
        assert response.status_code == 200, response.text
        return [o["pattern"] for o in response.json()["objects"] if o["type"] == "indicator"]

    from_case = export({"case_ids": [case.id]})
    assert len(from_case) == 1 and "'handle'" in from_case[0]
    both = export({"case_ids": [case.id], "review_ids": [alone, in_case]})
    assert len(both) == 2 and {p.split("'")[1] for p in both} == {"handle", "phone"}
    audit = svc.client.get("/v1/audit", headers=svc.headers("admin")).json()["items"]
    actions = [(a["action"], a["target"]) for a in audit]
    assert ("indicators.export", "items:2 indicators:2 tlp:amber") in actions
    assert ("review.read", f"review:{alone}") in actions
    _problem(
        svc.client.post(
            "/v1/indicators/export", json={"review_ids": [999_999]}, headers=svc.headers("analyst")
        ),
        404,
        "not_found",
    )


def test_import_then_match_reports_spans_only_and_survives_a_restart(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret())
    imported = svc.client.post(
        "/v1/indicators/import", json=_partner_bundle(ADVERT, template=True), headers=svc.headers("admin")
    )
    assert imported.status_code == 200, imported.text
    summary = IndicatorImportOut.model_validate(imported.json())
    assert (summary.added, summary.total, summary.other_key) == (2, 2, 0)
    again = svc.client.post(
        "/v1/indicators/import", json=_partner_bundle(ADVERT, template=True), headers=svc.headers("admin")
    ).json()
    assert (again["added"], again["duplicates"], again["total"]) == (0, 2, 2)

    mine = f"New message: please call {PHONE} tonight"
    items = [{"id": "m1", "text": mine}, {"text": "See you at lunch"}, {"id": "ad", "text": ADVERT}]
    restarted = make_service(sharing_secret=_secret())  # same database, so the same index file
    for app in (svc, restarted):
        response = app.client.post(
            "/v1/indicators/match", json={"items": items}, headers=app.headers("ingest")
        )
        assert response.status_code == 200, response.text
        body = IndicatorMatchResponse.model_validate(response.json())
        assert body.indicators == 2
        assert [r.id for r in body.results] == ["m1", "1", "ad"]
        (hit,) = body.results[0].matches
        assert hit.kind == "phone" and hit.partner_name == "Partner NGO" and hit.tlp == "green"
        assert mine[hit.span[0] : hit.span[1]].replace(" ", "") == PHONE.replace(" ", "")
        assert body.results[1].matches == []
        assert {m.kind for m in body.results[2].matches} == {"phone", "template"}
        assert "tonight" not in response.text and "lunch" not in response.text
    no_templates = restarted.client.post(
        "/v1/indicators/match",
        json={"items": [{"text": ADVERT}], "templates": False},
        headers=restarted.headers("ingest"),
    ).json()
    assert [m["kind"] for m in no_templates["results"][0]["matches"]] == ["phone"]


def test_import_refuses_malformed_bundles_and_skips_other_keys(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret())
    bad = [
        {"hello": "world"},
        {"type": "bundle", "id": "bundle--not-a-uuid", "objects": [{"type": "indicator"}]},
    ]
    for body in bad:
        response = svc.client.post("/v1/indicators/import", json=body, headers=svc.headers("admin"))
        _problem(response, 422, "malformed_bundle")
    assert "world" not in response.text
    other = svc.client.post(
        "/v1/indicators/import",
        json=_partner_bundle(ADVERT, group_key="another-groups-secret-000"),
        headers=svc.headers("admin"),
    ).json()
    assert (other["added"], other["other_key"], other["total"]) == (0, 1, 0)


def test_an_index_built_with_another_key_is_a_conflict(make_service: Factory, tmp_path: Path) -> None:
    index = tmp_path / "shared.json"
    first = make_service(sharing_secret=_secret(), indicator_index=str(index))
    first.client.post("/v1/indicators/import", json=_partner_bundle(ADVERT), headers=first.headers("admin"))
    assert json.loads(index.read_text())["indicators"]
    rotated = make_service(sharing_secret=_secret("a-rotated-sharing-secret-02"), indicator_index=str(index))
    response = rotated.client.post(
        "/v1/indicators/match", json={"items": [{"text": ADVERT}]}, headers=rotated.headers("ingest")
    )
    _problem(response, 409, "index_key_mismatch")


def test_match_limits(make_service: Factory) -> None:
    svc = make_service(sharing_secret=_secret(), max_batch_items=2, max_text_chars=50)
    many = {"items": [{"text": "a"}] * 3}
    _problem(
        svc.client.post("/v1/indicators/match", json=many, headers=svc.headers("ingest")),
        413,
        "batch_too_large",
    )
    long = {"items": [{"text": "x" * 51}]}
    _problem(
        svc.client.post("/v1/indicators/match", json=long, headers=svc.headers("ingest")),
        413,
        "text_too_long",
    )
