"""The refusal texts: every language of the project, every category, in the right script."""

from __future__ import annotations

import pytest

from tipguard.proxy.refusals import refusal, refusal_texts
from tipguard.taxonomy.codes import INDICATORS, Family

LANGUAGES = (
    ["en", "es", "fr", "pt", "ru", "uk", "ro", "pl", "tr", "ar", "fa", "ur", "hi", "bn", "ne", "si", "ta", "th", "vi", "id", "ms", "tl", "km", "my", "lo", "zh", "ko", "sw", "am", "ha", "uz"]
)
GUARD_CODES = [c for c, info in INDICATORS.items() if info.family is Family.GUARD]
SCRIPT = {  # a character range every refusal in that language must mostly use
    "ru": ("\u0400", "\u04ff"),
    "uk": ("\u0400", "\u04ff"),
    "ar": ("\u0600", "\u06ff"),
    "fa": ("\u0600", "\u06ff"),
    "ur": ("\u0600", "\u06ff"),
    "hi": ("\u0900", "\u097f"),
    "ne": ("\u0900", "\u097f"),
    "bn": ("\u0980", "\u09ff"),
    "si": ("\u0d80", "\u0dff"),
    "ta": ("\u0b80", "\u0bff"),
    "th": ("\u0e00", "\u0e7f"),
    "lo": ("\u0e80", "\u0eff"),
    "km": ("\u1780", "\u17ff"),
    "my": ("\u1000", "\u109f"),
    "am": ("\u1200", "\u139f"),
    "ko": ("\uac00", "\ud7af"),
    "zh": ("\u4e00", "\u9fff"),
}


def test_every_project_language_has_a_refusal_with_every_category() -> None:
    texts = refusal_texts()
    assert sorted(texts) == sorted(LANGUAGES)
    for lang, text in texts.items():
        assert set(text.categories) == set(GUARD_CODES), lang
        assert "{category}" in text.template
        assert len(text.template) < 200, lang  # short: it replaces a model's answer


@pytest.mark.parametrize("lang", sorted(SCRIPT))
def test_refusals_are_written_in_their_script(lang: str) -> None:
    low, high = SCRIPT[lang]
    for code in GUARD_CODES:
        letters = [ch for ch in refusal(lang, [code]) if ch.isalpha()]
        native = sum(low <= ch <= high for ch in letters)
        assert native / len(letters) > 0.9, (lang, code)


def test_refusal_names_the_categories_in_words() -> None:
    text = refusal("en", ["GRD_THREAT_TRANSLATION", "GRD_DECEPTIVE_OFFER"])
    assert text == (
        "I can't help with this request. It falls under a safety policy against human trafficking: "
        "threats or coercion, deceptive job or travel offers."
    )
    assert "GRD_" not in refusal("bn", ["GRD_THREAT_TRANSLATION"])


def test_unknown_language_and_category_fall_back() -> None:
    assert refusal("xx", ["GRD_PROCEEDS"]) == refusal("en", ["GRD_PROCEEDS"])
    assert refusal("unknown", []).endswith("content that enables trafficking.")
    assert refusal("es", ["NOT_A_CODE"]).endswith("contenido que facilita la trata.")
