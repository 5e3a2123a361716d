"""Normalization: one canonical view of a text that evasion tricks do not change.

People who do not want to be found write ``t e l e g r a m``, ``p4ssp0rt``, ``WhatsАpp`` with a
Cyrillic А, phone numbers in full-width or emoji digits or in words, and hide zero-width
characters inside words. Detectors should see through all of that, and still point at the
characters the user sees: every step below records an offset map (see ``offsets.py``).

Steps, in order (each one skipped cheaply when it has nothing to do):

1. invisible characters removed: zero-width, bidi controls, soft hyphens, variation selectors,
   the emoji keycap, control characters other than tab and newline;
2. Unicode NFKC and case folding per grapheme cluster (full-width letters and digits,
   ligatures, circled and mathematical digits), and every decimal digit of any script to ASCII;
3. homoglyphs: Cyrillic and Greek look-alikes inside words that are otherwise Latin;
4. spaced-out letters joined (``t.e.l.e.g.r.a.m`` -> ``telegram``), four letters or more;
5. leetspeak digits inside words (``p4ssp0rt`` -> ``passport``);
6. digits written as words, in runs that look like a number being spelled out
   (``zero eight one two`` -> ``0812``), for the languages in ``data/number_words.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex
import yaml

from tipguard.normalize.offsets import Edit, OffsetMap, apply_edits, compose, map_span

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u20e3\ufe00-\ufe0f\ufeff\U000e0000-\U000e0fff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+"
)

# Decimal digits of other scripts -> ASCII (length-preserving). Blocks are listed by their zero.
_DIGIT_ZEROS = (
    0x0660,
    0x06F0,
    0x07C0,
    0x0966,
    0x09E6,
    0x0A66,
    0x0AE6,
    0x0B66,
    0x0BE6,
    0x0C66,
    0x0CE6,
    0x0D66,
    0x0DE6,
    0x0E50,
    0x0ED0,
    0x0F20,
    0x1040,
    0x1090,
    0x17E0,
    0x1810,
    0x1946,
    0x19D0,
    0x1A80,
    0x1A90,
    0x1B50,
    0x1BB0,
    0x1C40,
    0x1C50,
    0xA620,
    0xA8D0,
    0xA900,
    0xA9D0,
    0xAA50,
    0xABF0,
    0xFF10,
)
_DIGITS = {
    zero + d: str(d)
    for zero in _DIGIT_ZEROS
    for d in range(10)
    if unicodedata.decimal(chr(zero + d), -1) == d
}
# Dingbat negative and sans-serif circled digits have no compatibility decomposition.
_DIGITS.update({0x2776 + d: str(d + 1) for d in range(9)})
_DIGITS.update({0x2780 + d: str(d + 1) for d in range(9)})
_DIGITS.update({0x278A + d: str(d + 1) for d in range(9)})
_DIGIT_TABLE = str.maketrans(_DIGITS)
# Burmese writers often type the digit ၀ for the letter ဝ (wa) and ၇ for ရ (ya): inside a word
# they are letters, not digits.
_MYANMAR_LOOKALIKE = re.compile(
    "(?<=[\u1000-\u103f])[\u1040\u1047]|(?<![\u1040-\u1049])[\u1040\u1047](?=[\u1000-\u103f])"
)


def _myanmar_letter(m: re.Match[str]) -> str:
    return "\u101d" if m.group() == "\u1040" else "\u101b"


_HAS_OTHER_DIGIT = re.compile("[" + "".join(chr(c) for c in sorted(_DIGITS)) + "]")

# Cyrillic and Greek letters that look like Latin ones (lower case: applied after case folding).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ɡ": "g",
        "һ": "h",
        "ԛ": "q",
        "ԝ": "w",
        "ү": "y",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ϲ": "c",
    }
)
_MIXED_WORD = re.compile(r"\w*[a-z]\w*")
_HAS_LATIN = re.compile(r"[a-z]")
_HAS_CONFUSABLE = re.compile("[авеёкмнорстухѕіїјԁɡһԛԝүӏαβεηικνορτυχωϲ]")

_SPACED = re.compile(r"(?<!\w)(?:[^\W\d_][ .\-_*·|/]{1,2}+){3,}[^\W\d_](?!\w)")
_SPACED_SEP = re.compile(r"[ .\-_*·|/]")

_DENSE = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LEET_HINT = re.compile(r"[a-z][013457]|[013457][a-z]")
_LEET_TOKEN = re.compile(r"[a-z0-9]+")
_LEET_INNER = re.compile(r"(?<=[a-z])[013457]{1,2}(?=[a-z])")
_LEET_TABLE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and the way back to the original."""

    original: str
    text: str
    offsets: OffsetMap | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of :attr:`text` to the covering span of :attr:`original`."""
        return map_span(self.offsets, start, end, len(self.original))


def _edits_for(pattern: re.Pattern[str], text: str, repl: str = "") -> list[Edit]:
    return [(m.start(), m.end(), repl) for m in pattern.finditer(text)]


def _strip_invisible(text: str) -> tuple[str, OffsetMap | None]:
    if not _INVISIBLE.search(text):
        return text, None
    return apply_edits(text, _edits_for(_INVISIBLE, text))


_CLUSTER = regex.compile(r"\X")


def _fold(text: str) -> tuple[str, OffsetMap | None]:
    """NFKC + case folding + ASCII digits, one for one where possible."""
    if text.isascii():
        return text.lower(), None
    if _HAS_OTHER_DIGIT.search(text):
        if "\u1040" in text or "\u1047" in text:
            text = _MYANMAR_LOOKALIKE.sub(_myanmar_letter, text)
        text = text.translate(_DIGIT_TABLE)
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if len(folded) == len(text):
            return folded, None
    edits: list[Edit] = []
    for m in _CLUSTER.finditer(text):
        cluster = m.group()
        out = unicodedata.normalize("NFKC", cluster).casefold().replace("i\u0307", "i")
        if out != cluster:
            if not out.isascii() and _HAS_OTHER_DIGIT.search(out):
                out = out.translate(_DIGIT_TABLE)
            edits.append((m.start(), m.end(), out))
    return apply_edits(text, edits)


def _homoglyphs(text: str) -> str:
    """Length-preserving: map look-alikes only inside words that also hold Latin letters."""
    if text.isascii() or not (_HAS_CONFUSABLE.search(text) and _HAS_LATIN.search(text)):
        return text
    out = []
    pos = 0
    for m in _MIXED_WORD.finditer(text):
        word = m.group()
        if _HAS_CONFUSABLE.search(word):
            out.append(text[pos : m.start()])
            out.append(word.translate(_HOMOGLYPHS))
            pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _join_spaced(text: str) -> tuple[str, OffsetMap | None]:
    edits: list[Edit] = []
    for m in _SPACED.finditer(text):
        base = m.start()
        edits.extend((base + s.start(), base + s.end(), "") for s in _SPACED_SEP.finditer(m.group()))
    return apply_edits(text, edits)


def _leet(text: str) -> str:
    """Length-preserving: digits between letters inside a word become the letters they mimic."""
    if not _LEET_HINT.search(text):
        return text
    out = []
    pos = 0
    for m in _LEET_TOKEN.finditer(text):
        token = m.group()
        if _LEET_INNER.search(token) and sum(c.isalpha() for c in token) >= 2:
            out.append(text[pos : m.start()])
            out.append(token.translate(_LEET_TABLE))
            pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=1)
def _number_words() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = yaml.safe_load(
        resources.files("tipguard.normalize").joinpath("data/number_words.yaml").read_text("utf-8")
    )
    words: dict[str, str] = {}
    for table in raw.values():
        for digit, forms in table.items():
            for form in forms:
                key = unicodedata.normalize("NFKC", str(form)).casefold()
                words.setdefault(key, str(digit))
    ordered = sorted(words, key=len, reverse=True)
    spaced = [w for w in ordered if _needs_boundary(w)]
    dense = [w for w in ordered if not _needs_boundary(w)]
    parts = []
    if spaced:
        parts.append(r"(?<!\w)(?:" + "|".join(map(re.escape, spaced)) + r")(?!\w)")
    if dense:
        parts.append("(?:" + "|".join(map(re.escape, dense)) + ")")
    parts.append(r"\d++")
    element = "(?:" + "|".join(parts) + ")"
    run = re.compile(element + r"(?:[\s,.\-/]{0,3}+" + element + "){3,}+")
    return run, words


def _needs_boundary(word: str) -> bool:
    return not any(is_dense_script(c) for c in word)


def is_dense_script(ch: str) -> bool:
    """Scripts written without spaces between words: Thai, Lao, Khmer, Myanmar, CJK, kana."""
    return _DENSE.match(ch) is not None


_ELEMENT_SPLIT = re.compile(r"[\s,.\-/]+")


_WORD = regex.compile(r"\w+")  # the `regex` module's \w includes combining marks


def _may_spell_numbers(text: str, words: dict[str, str]) -> bool:
    """Cheap test: three number words among the tokens, or a script written without spaces."""
    if not text.isascii() and _DENSE.search(text):
        return True
    hits = 0
    for token in _WORD.findall(text):
        if token in words:
            hits += 1
            if hits >= 3:
                return True
    return False


def _spelled_numbers(text: str) -> tuple[str, OffsetMap | None]:
    run, words = _number_words()
    if not _may_spell_numbers(text, words):
        return text, None
    edits: list[Edit] = []
    for m in run.finditer(text):
        segment = m.group()
        if segment.replace(" ", "").isdigit():
            continue
        pieces: list[tuple[int, int, str]] = []
        for tok in _tokenize_run(segment, words):
            pieces.append(tok)
        n_words = sum(1 for _, _, kind in pieces if kind == "w")
        if n_words < 3 or len(pieces) < 4:
            continue
        base = m.start()
        pos = 0
        for s, e, _kind in pieces:
            if s > pos:
                edits.append((base + pos, base + s, ""))
            token = segment[s:e]
            edits.append((base + s, base + e, words.get(token, token)))
            pos = e
    return apply_edits(text, edits)


def _tokenize_run(segment: str, words: dict[str, str]) -> list[tuple[int, int, str]]:
    """Split a matched run into its elements (number words and digit groups)."""
    out: list[tuple[int, int, str]] = []
    i = 0
    n = len(segment)
    longest = max(len(w) for w in words)
    while i < n:
        ch = segment[i]
        if _ELEMENT_SPLIT.match(ch):
            i += 1
            continue
        if ch.isdigit():
            j = i
            while j < n and segment[j].isdigit():
                j += 1
            out.append((i, j, "d"))
            i = j
            continue
        for size in range(min(longest, n - i), 0, -1):
            if segment[i : i + size] in words:
                out.append((i, i + size, "w"))
                i += size
                break
        else:
            i += 1
    return out


def normalize(text: str) -> Normalized:
    """Run every step; the result maps back to ``text``."""
    current, offsets = _strip_invisible(text)
    current, step = _fold(current)
    offsets = compose(offsets, step)
    current = _homoglyphs(current)
    if _SPACED.search(current):
        current, step = _join_spaced(current)
        offsets = compose(offsets, step)
    current = _leet(current)
    current, step = _spelled_numbers(current)
    offsets = compose(offsets, step)
    return Normalized(text, current, offsets)


def normalize_term(term: str) -> str:
    """Normalize a lexicon term exactly as text is normalized, so the two meet."""
    return normalize(term).text
