"""Normalization: each evasion is undone, and every span maps back inside the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipguard.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Add me on t e l e g r a m", "add me on telegram"),
        ("t.e.l.e.g.r.a.m", "telegram"),
        ("w-h-a-t-s-a-p-p", "whatsapp"),
        ("send p4ssp0rt copy", "send passport copy"),
        ("t3l3gram", "telegram"),
        ("WhatsАpp", "whatsapp"),  # Cyrillic А
        ("tеlеgrаm", "telegram"),  # Cyrillic е and а
        ("ＷＨＡＴＳＡＰＰ １２３", "whatsapp 123"),  # full-width
        ("te\u200blegram", "telegram"),  # zero-width space
        ("pass\u00adport", "passport"),  # soft hyphen
        ("1\ufe0f\u20e32\ufe0f\u20e3", "12"),  # emoji keycap digits
        ("①②③", "123"),
        ("➊➋➌", "123"),
        ("𝟎𝟖𝟏", "081"),
        ("٠١٢٣", "0123"),  # Arabic-Indic digits
        ("۰۹۱۲", "0912"),  # Persian digits
        ("০১৭", "017"),  # Bengali digits
        ("๐๘๑", "081"),  # Thai digits
        ("Straße", "strasse"),
        ("café", "café"),
        ("cafe\u0301", "café"),
    ],
)
def test_normalize_undoes_evasion(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("call zero eight one two three four five", "0812345"),
        ("llama al cero ocho uno dos tres", "08123"),
        ("appelle zéro six douze", None),  # too few digit words: left alone
        ("ligue zero um nove oito sete", "01987"),
        ("звони восемь девять ноль один два", "89012"),
        ("اتصل صفر خمسة واحد اثنين ثلاثة", "05123"),
        ("call ek do teen char paanch", "12345"),
        ("শূন্য এক সাত তিন দুই", "01732"),
        ("โทร ศูนย์แปดหนึ่งสองสาม", "08123"),
        ("gọi không chín một hai", "0912"),
        ("hubungi nol delapan satu dua", "0812"),
        ("tawag sero siyam isa pito", "0917"),
        ("打零一三八八八", "013888"),
        ("piga sifuri saba moja mbili", "0712"),
    ],
)
def test_number_words_become_digits(text: str, digits: str | None) -> None:
    out = normalize(text).text
    if digits is None:
        assert not any(c.isdigit() for c in out)
    else:
        assert digits in out


@pytest.mark.parametrize(
    "text",
    [
        "one or two people",  # ordinary phrase, not a spelled number
        "covid19 and mp3 at 5pm",  # digits next to letters that are not leetspeak
        "Москва",  # pure Cyrillic words stay Cyrillic
        "Телеграм",
        "I am a b c",  # three single letters: not a spaced-out word
    ],
)
def test_normalize_leaves_ordinary_text_alone(text: str) -> None:
    assert normalize(text).text == text.casefold()


def test_spans_map_to_the_original_characters() -> None:
    original = "Add me: t e l e g r a m or p4ssp0rt ＷＨＡＴＳＡＰＰ"
    n = normalize(original)
    for word, expected in [
        ("telegram", "t e l e g r a m"),
        ("passport", "p4ssp0rt"),
        ("whatsapp", "ＷＨＡＴＳＡＰＰ"),
    ]:
        i = n.text.index(word)
        s, e = n.to_original(i, i + len(word))
        assert original[s:e] == expected


_alphabet = st.sampled_from(
    [
        *"abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.-_@$ ",
        "\u200b",
        "\u00ad",
        "\ufe0f",
        "\u20e3",
        "а",
        "е",
        "о",
        "ß",
        "ﬁ",
        "Ⅻ",
        "①",
        "➊",
        "𝟖",
        "ٔ",
        "é",
        "e\u0301",
        "ก",
        "ข",
        "ี",
        "่",
        "ศูนย์",
        "แปด",
        "zero",
        "one",
        "two",
        " eight",
        "ک",
        "ی",
        "ة",
        "\n",
        "\t",
        "\x00",
        "\x1b",
        "ǅ",
        "İ",
        "ΐ",
        "😀",
        "🇹🇭",
        "ｗ",
        "１",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join))
def test_every_span_maps_inside_the_original(text: str) -> None:
    n = normalize(text)
    length = len(n.text)
    for start in range(0, length + 1, max(1, length // 7 or 1)):
        for end in range(start, length + 1, max(1, length // 5 or 1)):
            s, e = n.to_original(start, end)
            assert 0 <= s <= e <= len(text)
            if start < end:
                assert s < e


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode_maps_inside_the_original(text: str) -> None:
    n = normalize(text)
    for start in range(len(n.text)):
        s, e = n.to_original(start, start + 1)
        assert 0 <= s < e <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_maps_are_monotonic(text: str) -> None:
    n = normalize(text)
    starts = [n.to_original(i, i + 1)[0] for i in range(len(n.text))]
    assert starts == sorted(starts)


def test_burmese_digit_lookalikes_inside_words_stay_letters() -> None:
    out = normalize("၀န်ထမ်း ဖုန်း ၀၉၁၂၃၄၅၆၇").text
    assert out.startswith("ဝန်ထမ်း")  # the letter wa, typed as the digit zero
    assert out.endswith("091234567")
    assert normalize("၁၀ယောက်").text == "10ယောက်"  # a number glued to its classifier stays a number
