"""Extraction of shareable contact points: canonical values, original-text spans, obfuscations."""

from __future__ import annotations

import pytest
from sharing_synthetic import ARABIC_NUMBER, ARABIC_WA, ID_ADVERT, ID_NUMBER, THAI_HANDLE, THAI_LINE

from tipguard.sharing import ObservableKind, contacts_from_findings, extract_contacts
from tipguard.sharing.observables import canonical_url


def test_obfuscated_indonesian_number_becomes_e164_with_its_original_span() -> None:
    found = extract_contacts(ID_ADVERT, regions=["ID"])
    assert [(o.kind, o.value, o.platform) for o in found] == [(ObservableKind.PHONE, ID_NUMBER, "whatsapp")]
    span = found[0].span
    assert ID_ADVERT[span.start : span.end] == "nol delapan satu dua - 3456 - 7890"


def test_region_is_guessed_from_the_language_when_not_given() -> None:
    assert [o.value for o in extract_contacts(ID_ADVERT)] == [ID_NUMBER]


def test_full_width_digits_are_read() -> None:
    text = "Kerja di Jepang, hubungi WA ０８１２-３４５６-７８９０"
    assert [o.value for o in extract_contacts(text, regions=["ID"])] == [ID_NUMBER]


def test_thai_line_id_is_a_lower_case_handle() -> None:
    found = extract_contacts(THAI_LINE)
    assert [(o.kind, o.value) for o in found] == [(ObservableKind.HANDLE, THAI_HANDLE)]
    assert "Jobs_BKK99" in THAI_LINE[found[0].span.start : found[0].span.end]


def test_arabic_text_with_a_whatsapp_link_yields_the_phone_number() -> None:
    found = extract_contacts(ARABIC_WA)
    assert [(o.kind, o.value, o.platform) for o in found] == [
        (ObservableKind.PHONE, ARABIC_NUMBER, "whatsapp")
    ]
    assert ARABIC_WA[found[0].span.start : found[0].span.end] == "https://wa.me/971501234567"


def test_a_messenger_link_and_a_written_handle_are_one_contact_point() -> None:
    link = extract_contacts("job in Dubai, write t . me / Work_Dubai now")
    handle = extract_contacts("job in Dubai, telegram: @work_dubai")
    assert [o.value for o in link] == [o.value for o in handle] == ["telegram:work_dubai"]
    assert {o.kind for o in link + handle} == {ObservableKind.HANDLE}


def test_web_links_keep_host_and_path_and_drop_query_and_fragment() -> None:
    text = "apply at https://www.Jobs-Abroad.example.com/Apply/?token=S3CR3T#top."
    found = extract_contacts(text)
    assert [(o.kind, o.value) for o in found] == [(ObservableKind.URL, "jobs-abroad.example.com/apply")]
    assert text[found[0].span.start : found[0].span.end].endswith("#top")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.org", "example.org"),
        ("www.example.org/a/b/", "example.org/a/b"),
        ("https://user:pw@Example.org:8080/x?y=1", "example.org/x"),
        ("https://localhost/x", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_unvalidated_digit_runs_and_empty_text_give_nothing() -> None:
    assert extract_contacts("order 1234 5678 9012 3 shipped", regions=["US"]) == []
    assert extract_contacts("   ") == []


def test_contacts_from_findings_equal_direct_extraction(analyzer) -> None:  # type: ignore[no-untyped-def]
    verdict = analyzer.analyze(ARABIC_WA)
    from_findings = contacts_from_findings(verdict.findings)
    direct = extract_contacts(ARABIC_WA)
    assert [(o.kind, o.value, o.span) for o in from_findings] == [(o.kind, o.value, o.span) for o in direct]
