"""Language identification per item: the script decides where it can, py3langid where it must.

Many target languages own their script (Thai, Lao, Khmer, Myanmar, Sinhala, Tamil, Bengali,
Ethiopic, Hangul), so counting letters by script answers at once and for free. Where a script is
shared (Latin, Cyrillic, Arabic, Devanagari), Google's CLD3 (``cld3-py``, a compiled neural
model, ~20,000 texts/s) answers first; it also recognises romanised Hindi. When CLD3 is not
reliable, or names a language that does not use the script, py3langid casts a second vote among
the languages of that script only (faster and more accurate than asking it about all 139).
The second vote costs about 1 ms a text (CLD3: about 0.07 ms), so it is off in the ``fast``
profile and switched on with ``language_second_vote``.

The answer is ``"unknown"`` when there are no letters or py3langid's normalised probability is
below ``min_confidence``. Indonesian and Malay are hard to tell apart in short texts: their
probabilities are pooled for the confidence, and either label may come back.

Known weakness: romanised Bengali, Nepali, Urdu or Arabic is identified as some Latin-script
language or ``unknown`` (CLD3 knows romanised Hindi only). The lexicons do not depend on this answer:
they match in every language at once.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

UNKNOWN = "unknown"

TARGET_LANGUAGES: tuple[str, ...] = (
    "en", "es", "fr", "pt", "ru", "uk", "ro", "pl", "tr", "ar", "fa", "ur", "hi", "bn", "ne", "si",
    "ta", "th", "vi", "id", "ms", "tl", "km", "my", "lo", "zh", "ko", "sw", "am", "ha", "uz",
)  # fmt: skip
"""The 31 languages tipguard supports (lexicons, cases, number words, phone regions)."""

# (first code point, script) — code points from a start up to the next start belong to it.
_RANGES: tuple[tuple[int, str], ...] = (
    (0x0000, "latin"),
    (0x0250, "other"),
    (0x0370, "greek"),
    (0x0400, "cyrillic"),
    (0x0530, "armenian"),
    (0x0590, "hebrew"),
    (0x0600, "arabic"),
    (0x0700, "other"),
    (0x0750, "arabic"),
    (0x0780, "other"),
    (0x0900, "devanagari"),
    (0x0980, "bengali"),
    (0x0A00, "gurmukhi"),
    (0x0A80, "gujarati"),
    (0x0B00, "oriya"),
    (0x0B80, "tamil"),
    (0x0C00, "telugu"),
    (0x0C80, "kannada"),
    (0x0D00, "malayalam"),
    (0x0D80, "sinhala"),
    (0x0E00, "thai"),
    (0x0E80, "lao"),
    (0x0F00, "other"),
    (0x1000, "myanmar"),
    (0x10A0, "georgian"),
    (0x1100, "hangul"),
    (0x1200, "ethiopic"),
    (0x13A0, "other"),
    (0x1780, "khmer"),
    (0x1800, "other"),
    (0x1E00, "latin"),
    (0x1F00, "greek"),
    (0x2000, "other"),
    (0x2D80, "ethiopic"),
    (0x2DE0, "other"),
    (0x3040, "kana"),
    (0x3100, "other"),
    (0x3130, "hangul"),
    (0x3190, "other"),
    (0x3400, "han"),
    (0x4DC0, "other"),
    (0x4E00, "han"),
    (0xA000, "other"),
    (0xA960, "hangul"),
    (0xA980, "other"),
    (0xAA60, "myanmar"),
    (0xAA80, "other"),
    (0xAB00, "ethiopic"),
    (0xAB30, "other"),
    (0xAC00, "hangul"),
    (0xD7B0, "other"),
    (0xF900, "han"),
    (0xFB00, "other"),
    (0xFB50, "arabic"),
    (0xFE00, "other"),
    (0xFE70, "arabic"),
    (0xFF00, "other"),
    (0x20000, "han"),
    (0x30000, "other"),
)
_STARTS = [start for start, _ in _RANGES]

_UNIQUE: dict[str, str] = {
    "thai": "th",
    "lao": "lo",
    "khmer": "km",
    "myanmar": "my",
    "sinhala": "si",
    "tamil": "ta",
    "bengali": "bn",
    "ethiopic": "am",
    "hangul": "ko",
    "georgian": "ka",
    "armenian": "hy",
    "hebrew": "he",
    "greek": "el",
    "gujarati": "gu",
    "gurmukhi": "pa",
    "telugu": "te",
    "kannada": "kn",
    "malayalam": "ml",
    "oriya": "or",
    "kana": "ja",
    "han": "zh",
}
_SHARED: dict[str, tuple[str, ...]] = {
    "latin": (
        "en",
        "es",
        "fr",
        "pt",
        "ro",
        "pl",
        "tr",
        "vi",
        "id",
        "ms",
        "tl",
        "sw",
        "ha",
        "uz",
        "de",
        "it",
        "nl",
        "sv",
        "da",
        "no",
        "fi",
        "cs",
        "sk",
        "hu",
        "hr",
        "sl",
        "sq",
        "ca",
        "az",
        "so",
        "yo",
        "ig",
        "zu",
        "af",
        "lt",
        "lv",
        "et",
        "mg",
        "jv",
    ),
    "cyrillic": ("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg", "uz", "tt"),
    "arabic": ("ar", "fa", "ur", "ps", "ug", "ary", "arz", "sdh", "ku"),
    "devanagari": ("hi", "ne", "mr", "sa"),
}
_ALIASES = {
    "ary": "ar",
    "arz": "ar",
    "sdh": "ku",
    "fil": "tl",
    "iw": "he",
    "hi-Latn": "hi",
    "jw": "jv",
    "zh-Latn": "zh",
    "ja-Latn": "ja",
    "ru-Latn": "ru",
    "el-Latn": "el",
    "bg-Latn": "bg",
}
_SAMPLE = 200
"""Characters given to CLD3 (and py3langid): enough to tell a language; cost grows with length."""
_SCRIPT_SAMPLE = 120
_CLD3_BYTES = 400


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """An ISO 639-1 code (or ``unknown``), how sure, and which method decided."""

    language: str
    confidence: float
    method: str


def _script_of(ch: str) -> str:
    """The script of one letter; ``""`` for anything that is not a letter (memoised)."""
    script = _SCRIPT_CACHE.get(ch)
    if script is None:
        if not ch.isalpha():
            script = ""
        else:
            o = ord(ch)
            script = "latin" if o < 0x250 else _RANGES[bisect_right(_STARTS, o) - 1][1]
        if len(_SCRIPT_CACHE) < 50_000:
            _SCRIPT_CACHE[ch] = script
    return script


_SCRIPT_CACHE: dict[str, str] = {}


def dominant_script(text: str) -> tuple[str | None, float]:
    """The script of most letters in (the start of) ``text``, and its share of the letters."""
    head = text[:_SCRIPT_SAMPLE]
    if head.isascii():
        return ("latin", 1.0) if any(c.isalpha() for c in head) else (None, 0.0)
    counts: dict[str, int] = {}
    for ch in head:
        script = _SCRIPT_CACHE.get(ch)
        if script is None:
            script = _script_of(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None, 0.0
    script = max(counts, key=lambda k: counts[k])
    if script == "han" and counts.get("kana"):
        script = "kana"
    return script, counts[script] / sum(counts.values())


class LanguageIdentifier:
    """Thread-safe, lazily loaded identifier; one instance can serve a whole process."""

    def __init__(self, min_confidence: float = 0.5, second_vote: bool = False) -> None:
        self.min_confidence = min_confidence
        self.second_vote = second_vote
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def _cld3(self) -> Any:
        ident = getattr(self._local, "cld3", None)
        if ident is None:
            import gcld3

            ident = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=_CLD3_BYTES)
            self._local.cld3 = ident
        return ident

    def _py3langid(self, script: str) -> Any:
        """py3langid restricted to one script's languages; the full model is loaded once."""
        if not self._models:
            with self._lock:
                if not self._models:
                    from py3langid.langid import MODEL_FILE
                    from py3langid.langid import LanguageIdentifier as _Ident

                    base = _Ident.from_model_file(MODEL_FILE, norm_probs=True)
                    models = {}
                    for name, langs in _SHARED.items():
                        model = _Ident(
                            base.nb_ptc,
                            base.nb_pc,
                            base.nb_classes,
                            base.tk_nextmove,
                            base.tk_output,
                            norm_probs=True,
                            tk_row=base.tk_row,
                        )
                        model.set_languages(list(langs))
                        # keep only the restricted columns, so the full matrix can be freed
                        model._full_model = (model.nb_ptc, model.nb_pc, model.nb_classes)
                        models[name] = model
                    del base
                    self._models.update(models)
        return self._models[script]

    def identify(self, text: str) -> LanguageGuess:
        """Guess the language of one text."""
        script, share = dominant_script(text)
        if script is None:
            return LanguageGuess(UNKNOWN, 0.0, "no-letters")
        if script in _UNIQUE:
            return LanguageGuess(_UNIQUE[script], round(share, 3), "script")
        if script not in _SHARED:
            return LanguageGuess(UNKNOWN, 0.0, f"script:{script}")
        sample = text[:_SAMPLE]
        if not sample.isascii():  # lone surrogates (from undecodable bytes) cannot reach CLD3
            sample = sample.encode("utf-8", "replace").decode("utf-8")
        result = self._cld3().FindLanguage(sample)
        lang = _ALIASES.get(result.language, result.language)
        prob = float(result.probability) * share
        if (
            result.is_reliable
            and prob >= self.min_confidence
            and (lang in _SHARED[script] or (script == "latin" and result.language.endswith("-Latn")))
        ):
            return LanguageGuess(lang, round(prob, 3), "cld3")
        if not self.second_vote:
            return LanguageGuess(UNKNOWN, round(prob, 3), "cld3")
        ranked = self._py3langid(script).rank(sample)
        second, second_prob = ranked[0]
        second = _ALIASES.get(second, second)
        if second in ("id", "ms"):
            second_prob = sum(p for code, p in ranked[:4] if code in ("id", "ms"))
        second_prob = float(second_prob) * share
        if second == lang:
            second_prob = max(second_prob, prob)
        if second_prob < self.min_confidence:
            return LanguageGuess(UNKNOWN, round(max(second_prob, prob), 3), "cld3+py3langid")
        return LanguageGuess(second, round(second_prob, 3), "cld3+py3langid")
