"""STIX 2.1 export: valid bundles, TLP markings, and no raw values or text anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import stix2
from sharing_synthetic import (
    ARABIC_NUMBER,
    ARABIC_WA,
    ID_ADVERT,
    ID_ADVERT_REPOST,
    ID_NUMBER,
    THAI_LINE,
)

from tipguard.errors import ConfigError
from tipguard.sharing import BundleBuilder, SharingKey
from tipguard.sharing.stix import EXTENSION_ID, TEMPLATE_PATTERN_TYPE

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _export(key: SharingKey, tlp: str = "amber", **kwargs: object) -> str:
    builder = BundleBuilder(key, organisation="Example NGO", tlp=tlp, confidence=70, **kwargs)  # type: ignore[arg-type]
    builder.add_text(ID_ADVERT, regions=["ID"], template=True)
    builder.add_text(THAI_LINE)
    builder.add_text(ARABIC_WA)
    return builder.to_json(now=NOW)


def _indicators(bundle_json: str) -> list[dict]:
    return [o for o in json.loads(bundle_json)["objects"] if o["type"] == "indicator"]


def test_export_contains_no_raw_values_or_text(key: SharingKey) -> None:
    text = _export(key)
    forbidden = [
        ID_NUMBER,
        ID_NUMBER.lstrip("+"),
        "081234567890",
        ARABIC_NUMBER.lstrip("+"),
        "jobs_bkk99",
        "Jobs_BKK99",
        "wa.me",
        "Lowongan",
        "pesawat",
        "ไลน์",
        "دبي",
        "synthetic-group-secret",
    ]
    for raw in forbidden:
        assert raw.lower() not in text.lower(), raw


def test_stix2_parses_the_bundle_strictly(key: SharingKey) -> None:
    bundle = stix2.parse(_export(key), allow_custom=False)
    kinds = sorted(o.type for o in bundle.objects)
    assert kinds == [
        "extension-definition",
        "identity",
        "indicator",
        "indicator",
        "indicator",
        "indicator",
        "marking-definition",
    ]


def test_indicators_carry_pattern_marking_identity_and_extension(key: SharingKey) -> None:
    objects = json.loads(_export(key))["objects"]
    identity = next(o for o in objects if o["type"] == "identity")
    assert identity["name"] == "Example NGO" and identity["identity_class"] == "organization"
    assert any(o["id"] == stix2.TLP_AMBER.id for o in objects)
    inds = _indicators(json.dumps({"objects": objects}))
    kinds = sorted(i["extensions"][EXTENSION_ID]["observable_kind"] for i in inds)
    assert kinds == ["handle", "phone", "phone", "template"]
    for ind in inds:
        assert ind["object_marking_refs"] == [stix2.TLP_AMBER.id]
        assert ind["created_by_ref"] == identity["id"]
        assert ind["confidence"] == 70
        assert ind["indicator_types"] == ["malicious-activity"]
        assert ind["valid_from"].startswith("2025-06-01")
        assert ind["extensions"][EXTENSION_ID]["key_id"] == key.key_id
        if ind["pattern_type"] == "stix":
            assert ind["pattern"].startswith("[x-tipguard-contact:kind = ")
            assert "hmac_sha256" in ind["pattern"]
        else:
            assert ind["pattern_type"] == TEMPLATE_PATTERN_TYPE


@pytest.mark.parametrize(
    ("tlp", "marking"),
    [
        ("clear", stix2.TLP_WHITE),
        ("white", stix2.TLP_WHITE),
        ("green", stix2.TLP_GREEN),
        ("red", stix2.TLP_RED),
    ],
)
def test_tlp_is_selectable(key: SharingKey, tlp: str, marking: stix2.MarkingDefinition) -> None:
    inds = _indicators(_export(key, tlp=tlp))
    assert {tuple(i["object_marking_refs"]) for i in inds} == {(marking.id,)}


def test_unknown_tlp_and_bad_settings_are_config_errors(key: SharingKey) -> None:
    with pytest.raises(ConfigError, match="TLP"):
        BundleBuilder(key, organisation="x", tlp="purple")
    with pytest.raises(ConfigError):
        BundleBuilder(key, organisation="x", confidence=101)
    with pytest.raises(ConfigError):
        BundleBuilder(key, organisation=" ")


def test_ids_are_stable_across_exports_and_depend_on_the_key(key: SharingKey, other_key: SharingKey) -> None:
    ids = {i["id"] for i in _indicators(_export(key))}
    assert ids == {i["id"] for i in _indicators(_export(key))}
    assert not ids & {i["id"] for i in _indicators(_export(other_key))}


def test_duplicates_are_exported_once(key: SharingKey) -> None:
    builder = BundleBuilder(key, organisation="Example NGO")
    assert builder.add_text(ARABIC_WA) == 1
    assert builder.add_text("Call +971 50 123 4567 for the visa") == 0  # the same number, written otherwise
    assert builder.add_text(ID_ADVERT, regions=["ID"], template=True) == 2
    assert builder.add_text(ID_ADVERT_REPOST, regions=["ID"], template=True) == 1  # new number, same template
    assert builder.size == 4


def test_valid_for_sets_valid_until(key: SharingKey) -> None:
    inds = _indicators(_export(key, valid_for=timedelta(days=30)))
    assert {i["valid_until"][:10] for i in inds} == {"2025-07-01"}
