"""Keyed MinHash template fingerprints: near-duplicates match, unrelated texts do not."""

from __future__ import annotations

import pytest
from sharing_synthetic import ID_ADVERT, ID_ADVERT_REPOST, UNRELATED_ADVERT

from tipguard.sharing import DEFAULT_THRESHOLD, SharingKey, TemplateFingerprint, fingerprint, template_text
from tipguard.sharing.fingerprint import NUM_PERM


def _fp(text: str, key: SharingKey) -> TemplateFingerprint:
    fp = fingerprint(text, key.template_key)
    assert fp is not None
    return fp


def test_a_reposted_template_is_similar_and_an_unrelated_advert_is_not(key: SharingKey) -> None:
    original = _fp(ID_ADVERT, key)
    assert original.similarity(_fp(ID_ADVERT_REPOST, key)) >= DEFAULT_THRESHOLD + 0.15
    assert original.similarity(_fp(UNRELATED_ADVERT, key)) < 0.15
    assert original.similarity(_fp(ID_ADVERT, key)) == 1.0


def test_scripts_without_spaces_are_fingerprinted_too(key: SharingKey) -> None:
    thai = "รับสมัครพนักงานต้อนรับทำงานที่ต่างประเทศ รายได้ดีมาก มีที่พักฟรี ไม่ต้องมีประสบการณ์ ติดต่อด่วน"
    repost = "รับสมัครพนักงานต้อนรับทำงานที่ต่างประเทศ รายได้ดีมากๆ มีที่พักฟรี ไม่ต้องมีประสบการณ์ ติดต่อเลย"
    assert _fp(thai, key).similarity(_fp(repost, key)) >= DEFAULT_THRESHOLD


def test_contacts_links_and_digits_do_not_enter_the_template() -> None:
    canonical = template_text("Kerja di Dubai gaji 1500 USD, telegram: @boss_88 https://x.example.com/a?b=1")
    assert canonical == "kerja di dubai gaji 0 usd"


def test_short_texts_have_no_fingerprint(key: SharingKey) -> None:
    assert fingerprint("hubungi saya sekarang", key.template_key) is None


def test_the_fingerprint_depends_on_the_key(key: SharingKey, other_key: SharingKey) -> None:
    assert _fp(ID_ADVERT, key).similarity(_fp(ID_ADVERT, other_key)) < 0.1


def test_signature_round_trips_through_base64_and_rejects_garbage(key: SharingKey) -> None:
    fp = _fp(ID_ADVERT, key)
    assert len(fp.array()) == NUM_PERM
    assert TemplateFingerprint.from_base64(fp.to_base64()) == fp
    with pytest.raises(ValueError):
        TemplateFingerprint.from_base64("not base64!")
    with pytest.raises(ValueError):
        TemplateFingerprint.from_base64("AAAA")
