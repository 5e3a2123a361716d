"""Import a partner's bundle and match texts: round trip, keys, templates, malformed bundles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import stix2
from sharing_synthetic import (
    ARABIC_WA,
    ID_ADVERT,
    ID_ADVERT_REPOST,
    SECRET,
    THAI_LINE,
    UNRELATED_ADVERT,
)

from tipguard.errors import BundleError, ConfigError, InputError
from tipguard.sharing import (
    BundleBuilder,
    IndicatorIndex,
    ObservableKind,
    SharingKey,
    contacts_from_findings,
    parse_bundle,
)
from tipguard.sharing.stix import EXTENSION_ID


def _bundle(key: SharingKey, tlp: str = "amber", valid_for: timedelta | None = None) -> str:
    builder = BundleBuilder(key, organisation="Partner NGO", tlp=tlp, valid_for=valid_for)
    builder.add_text(ID_ADVERT, regions=["ID"], template=True)
    builder.add_text(THAI_LINE)
    builder.add_text(ARABIC_WA)
    return builder.to_json()


@pytest.fixture(scope="module")
def index(key: SharingKey) -> IndicatorIndex:
    idx = IndicatorIndex(key)
    summary = idx.add_bundle(_bundle(key))
    assert (summary.added, summary.other_key, summary.expired) == (4, 0, 0)
    return idx


def test_round_trip_matches_contacts_with_spans_partner_and_tlp(index: IndicatorIndex) -> None:
    text = "Info kerja: chat me on line id: jobs_bkk99 or WhatsApp +971 50 123 4567"
    matches = index.match(text, templates=False)
    assert [m.kind for m in matches] == [ObservableKind.HANDLE, ObservableKind.PHONE]
    assert "jobs_bkk99" in text[matches[0].span.start : matches[0].span.end]
    assert text[matches[1].span.start : matches[1].span.end] == "+971 50 123 4567"
    for m in matches:
        assert m.partner_name == "Partner NGO" and m.partner_id and m.partner_id.startswith("identity--")
        assert m.tlp == "amber" and m.similarity == 1.0 and m.indicator_id.startswith("indicator--")


def test_the_obfuscated_number_is_matched_when_written_plainly(index: IndicatorIndex) -> None:
    matches = index.match("Hubungi WA +62 812-3456-7890", templates=False)
    assert [m.kind for m in matches] == [ObservableKind.PHONE]


def test_near_duplicate_template_matches_and_unrelated_advert_does_not(index: IndicatorIndex) -> None:
    matches = index.match(ID_ADVERT_REPOST)
    assert [m.kind for m in matches] == [ObservableKind.TEMPLATE]
    assert matches[0].similarity >= 0.5 and (matches[0].span.start, matches[0].span.end) == (
        0,
        len(ID_ADVERT_REPOST),
    )
    assert index.match(UNRELATED_ADVERT) == []


def test_a_different_secret_matches_nothing(key: SharingKey, other_key: SharingKey) -> None:
    idx = IndicatorIndex(other_key)
    summary = idx.add_bundle(_bundle(key))
    assert (summary.added, summary.other_key) == (0, 4)
    assert idx.match(THAI_LINE) == [] and idx.match(ID_ADVERT_REPOST) == []


def test_hashes_made_with_another_key_do_not_collide_even_if_kept(
    key: SharingKey, other_key: SharingKey
) -> None:
    foreign = json.loads(_bundle(other_key))
    for obj in foreign["objects"]:  # pretend the partner mislabelled its key
        if obj["type"] == "indicator":
            obj["extensions"][EXTENSION_ID]["key_id"] = key.key_id
    idx = IndicatorIndex(key)
    assert idx.add_bundle(foreign).added == 4
    assert idx.match(THAI_LINE) == [] and idx.match(ARABIC_WA) == [] and idx.match(ID_ADVERT_REPOST) == []


def test_matching_findings_of_the_analyzer(index: IndicatorIndex, analyzer) -> None:  # type: ignore[no-untyped-def]
    verdict = analyzer.analyze(ARABIC_WA)
    matches = index.match_contacts(contacts_from_findings(verdict.findings))
    assert [m.kind for m in matches] == [ObservableKind.PHONE]


def test_expired_indicators_are_dropped(key: SharingKey) -> None:
    idx = IndicatorIndex(key)
    later = datetime.now(UTC) + timedelta(days=40)
    summary = idx.add_bundle(_bundle(key, valid_for=timedelta(days=30)), now=later)
    assert (summary.added, summary.expired) == (0, 4)


def test_other_stix_content_is_ignored_and_duplicates_counted(key: SharingKey) -> None:
    bundle = json.loads(_bundle(key))
    ip = stix2.Indicator(
        pattern="[ipv4-addr:value = '198.51.100.1']", pattern_type="stix", valid_from="2025-01-01T00:00:00Z"
    )
    bundle["objects"].append(json.loads(ip.serialize()))
    idx = IndicatorIndex(key)
    assert idx.add_bundle(bundle).ignored == 1
    assert idx.add_bundle(bundle).duplicates == 4
    assert len(idx) == 4


def test_tlp_2_marking_ids_are_recognised(key: SharingKey) -> None:
    bundle = json.loads(_bundle(key))
    amber_strict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    for obj in bundle["objects"]:
        if obj["type"] == "indicator":
            obj["object_marking_refs"] = [amber_strict]
    assert {i.tlp for i in parse_bundle(bundle).indicators} == {"amber+strict"}


def test_index_persists_as_json_without_the_secret(
    index: IndicatorIndex, key: SharingKey, other_key: SharingKey
) -> None:
    saved = index.to_json()
    assert SECRET not in saved and "jobs_bkk99" not in saved
    loaded = IndicatorIndex.from_json(saved, key)
    assert len(loaded) == len(index)
    assert [m.indicator_id for m in loaded.match(THAI_LINE)] == [
        m.indicator_id for m in index.match(THAI_LINE)
    ]
    assert loaded.match(ID_ADVERT_REPOST)[0].kind is ObservableKind.TEMPLATE
    with pytest.raises(ConfigError):
        IndicatorIndex.from_json(saved, other_key)
    with pytest.raises(BundleError):
        IndicatorIndex.from_json("{}", key)


CANARY = "CANARY-5551234-victim-name"


def _valid(key: SharingKey) -> dict:
    bundle = json.loads(_bundle(key))
    bundle["objects"][0]["description"] = CANARY  # content that must never reach an error message
    return bundle


def _tamper_pattern(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator" and o["pattern_type"] == "stix")
    ind["pattern"] = f"[x-tipguard-contact:kind = 'phone' AND x-tipguard-contact:hmac_sha256 = '{CANARY}']"
    return b


def _tamper_fingerprint(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator" and o["pattern_type"] != "stix")
    ind["pattern"] = "QUJD"
    return b


def _tamper_kind(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator")
    ind["extensions"][EXTENSION_ID]["observable_kind"] = CANARY
    return b


def _bad_stix_pattern(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator" and o["pattern_type"] == "stix")
    ind["pattern"] = f"[x-tipguard-contact:kind = '{CANARY}'"
    return b


def _bad_id(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator")
    ind["id"] = "indicator--" + CANARY
    return b


def _out_of_range(b: dict) -> dict:
    ind = next(o for o in b["objects"] if o["type"] == "indicator")
    ind["confidence"] = 5551234
    return b


@pytest.mark.parametrize(
    "make",
    [
        lambda b: json.dumps(b)[:-7].encode(),  # truncated JSON
        lambda b: b"\xff\xfe" + json.dumps(b).encode(),  # not UTF-8
        lambda b: json.dumps([b]),  # not an object
        lambda b: json.dumps({**b, "type": "report"}),
        lambda b: json.dumps({**b, "spec_version": "2.0"}),
        lambda b: json.dumps(_bad_stix_pattern(b)),
        lambda b: json.dumps(_bad_id(b)),
        lambda b: json.dumps(_out_of_range(b)),
        lambda b: json.dumps(_tamper_pattern(b)),
        lambda b: json.dumps(_tamper_fingerprint(b)),
        lambda b: json.dumps(_tamper_kind(b)),
    ],
    ids=[
        "truncated",
        "not-utf8",
        "list",
        "not-a-bundle",
        "stix-2.0",
        "invalid-pattern",
        "bad-id",
        "confidence-out-of-range",
        "foreign-hash",
        "bad-fingerprint",
        "unknown-kind",
    ],
)
def test_malformed_bundles_raise_bundle_error_without_content(key: SharingKey, make) -> None:  # type: ignore[no-untyped-def]
    data = make(_valid(key))
    with pytest.raises(BundleError) as err:
        IndicatorIndex(key).add_bundle(data)
    assert isinstance(err.value, InputError) and err.value.code == "malformed_bundle"
    assert CANARY not in str(err.value) and "5551234" not in str(err.value)
    assert str(err.value)
