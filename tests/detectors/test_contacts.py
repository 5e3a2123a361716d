"""Contacts: phones (spaced, full-width, emoji, spelled out), handles, links, e-mails."""

from __future__ import annotations

import pytest

from tipguard import Analyzer, Message


def entities(analyzer: Analyzer, text: str) -> list[tuple[str, str, str | None, str]]:
    v = analyzer.analyze(Message(text))
    out = []
    for f in v.findings:
        if f.indicator == "OFF_CONTACT":
            for e in f.entities:
                assert e.span is not None
                out.append((e.kind, e.value, e.platform, text[e.span.start : e.span.end]))
    return out


@pytest.mark.parametrize(
    ("text", "value", "platform"),
    [
        ("WhatsApp me +44 7911 123456 tonight", "+447911123456", "whatsapp"),
        ("call +1 (415) 555-0132", "+14155550132", None),
        ("text ＋６６ ８１ ２３４ ５６７８", "+66812345678", None),
        ("wa: +6️⃣6️⃣ 8️⃣1️⃣ 2️⃣3️⃣4️⃣ 5️⃣6️⃣7️⃣8️⃣", "+66812345678", "whatsapp"),
        ("my number plus six six eight one two three four five six seven eight", None, None),
        ("call zero eight one two three four five six seven eight nine", None, None),
        ("telegram: +84 91 234 56 78", "+84912345678", "telegram"),
        ("w.a: +62 812 3456 7890", "+6281234567890", "whatsapp"),
        ("viber: +380 67 123 4567", "+380671234567", "viber"),
        ("imo +880 1712 345678", "+8801712345678", "imo"),
        ("hubungi w/a 081234567890", "raw:081234567890", "whatsapp"),  # no region validated it
    ],
)
def test_phone_numbers(analyzer: Analyzer, text: str, value: str | None, platform: str | None) -> None:
    phones = [e for e in entities(analyzer, text) if e[0] == "phone"]
    assert phones, text
    if value is not None:
        assert phones[0][1] == value
        assert phones[0][2] == platform


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("join t.me/jobs_abroad_2026 now", ("url", "telegram:jobs_abroad_2026", "telegram")),
        ("join t . me / jobs_abroad", ("url", "telegram:jobs_abroad", "telegram")),
        ("join t[.]me/jobsabroad", ("url", "telegram:jobsabroad", "telegram")),
        ("https://wa.me/6281234567890", ("url", "whatsapp:6281234567890", "whatsapp")),
        ("add line.me/ti/p/~model_th", ("url", "line:model_th", "line")),
        ("zalo.me/0912345678", ("url", "zalo:0912345678", "zalo")),
        ("telegram: @lina_jobs", ("handle", "telegram:lina_jobs", "telegram")),
        ("Telegram @lina_jobs", ("handle", "telegram:lina_jobs", "telegram")),
        ("t e l e g r a m = lina_jobs", ("handle", "telegram:lina_jobs", "telegram")),
        ("wechat id: wxid_abc123", ("handle", "wechat:wxid_abc123", "wechat")),
        ("微信号：abc_jobs88", ("handle", "wechat:abc_jobs88", "wechat")),
        ("line id = model.bkk", ("handle", "line:model.bkk", "line")),
        ("kakao id: seoul_job", ("handle", "kakaotalk:seoul_job", "kakaotalk")),
        ("snap: party_girl22", ("handle", "snapchat:party_girl22", "snapchat")),
        ("IG: @dream.jobs", ("handle", "instagram:dream.jobs", "instagram")),
        ("mail lina.k@example.com", ("email", "lina.k@example.com", None)),
        ("mail lina.k (at) example (dot) com", ("email", "lina.k@example.com", None)),
        ("mail lina [at] example [dot] org", ("email", "lina@example.org", None)),
    ],
)
def test_handles_links_and_emails(analyzer: Analyzer, text: str, expected: tuple) -> None:
    found = [(k, v, p) for k, v, p, _ in entities(analyzer, text)]
    assert expected in found, found


@pytest.mark.parametrize(
    "text",
    [
        "I will message you on telegram later",  # a platform name is not a contact
        "the signal is weak here",
        "meet me at 5pm on line 3 of the bus",
        "the price is 1200 and it sold 35 units",
        "call me when you land",
    ],
)
def test_no_contact_in_ordinary_text(analyzer: Analyzer, text: str) -> None:
    assert entities(analyzer, text) == []


def test_contact_spans_cover_the_obfuscated_original(analyzer: Analyzer) -> None:
    text = "pls add t e l e g r a m: @jobs_kh"
    (kind, value, platform, shown) = entities(analyzer, text)[0]
    assert (kind, value, platform) == ("handle", "telegram:jobs_kh", "telegram")
    assert shown == "t e l e g r a m: @jobs_kh"
