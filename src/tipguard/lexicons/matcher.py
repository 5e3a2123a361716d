"""Compile every language's lexicon into one Aho-Corasick automaton and scan texts with it.

Why one automaton for all languages: chat is mixed (Taglish, Hinglish), romanised and often
misidentified, so choosing a lexicon by detected language would miss exactly the messages that
matter. Aho-Corasick scans in time linear in the text, whatever the number of terms, and has no
backtracking, so a hostile input cannot make it hang.

The matching view is the normalized text (see ``tipguard.normalize``) with three more
length-tolerant simplifications, each with its offset map: Latin accents and Arabic letter
variants unified, whitespace runs collapsed to one space, and every number replaced by one
placeholder character (so ``{num}`` in a term matches any amount).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import ahocorasick

from tipguard.errors import LexiconError
from tipguard.lexicons.schema import ContextRule, LexiconFile, Rule
from tipguard.normalize.offsets import Edit, OffsetMap, apply_edits, compose
from tipguard.normalize.text import is_dense_script, normalize_term

NUM = "\ue000"
"""The placeholder every number becomes in the matching view."""

_MAX_HITS_PER_SLOT = 32
_SHARED_TERM_RULES = 4
"""Bound on remembered hits per term slot, so a text repeating a term cannot blow up pairing."""


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[code] = base
    for code in range(0x1E00, 0x1F00):  # Latin Extended Additional: Vietnamese
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii():
            table[code] = base
    table.update(
        {
            ord("đ"): "d",
            ord("ı"): "i",
            ord("ł"): "l",
            ord("ø"): "o",
            ord("ɗ"): "d",
            ord("ƙ"): "k",
            ord("ɓ"): "b",
            ord("ƴ"): "y",
            ord("ș"): "s",
            ord("ț"): "t",
            ord("ş"): "s",
            ord("ţ"): "t",
            ord("ğ"): "g",
            ord("ð"): "d",
            ord("þ"): "t",
        }
    )
    # Arabic-script letter variants people write interchangeably.
    table.update(
        {
            ord("أ"): "ا",
            ord("إ"): "ا",
            ord("آ"): "ا",
            ord("ٱ"): "ا",
            ord("ى"): "ي",
            ord("ی"): "ي",
            ord("ې"): "ي",
            ord("ک"): "ك",
            ord("ة"): "ه",
            ord("ۀ"): "ه",
            ord("ہ"): "ه",
            ord("ھ"): "ه",
            ord("ؤ"): "و",
            ord("ئ"): "ي",
            ord("ے"): "ي",
            ord("’"): "'",
            ord("ʼ"): "'",
            ord("‘"): "'",
            ord("`"): "'",
            ord("ʻ"): "'",
            ord("ё"): "е",
        }
    )
    # Ethiopic letters that spell the same sound (ሠ/ሰ, ሐ/ኀ/ሀ, ፀ/ጸ, ዐ/አ), each a series of 8.
    for src, dst in (
        (0x1220, 0x1230),
        (0x1210, 0x1200),
        (0x1280, 0x1200),
        (0x1340, 0x1338),
        (0x12D0, 0x12A0),
    ):
        for k in range(8):
            table[src + k] = chr(dst + k)
    return table


def _char_class(codes: list[int]) -> str:
    """A regular-expression character class of code points, with runs written as ranges."""
    ranges = []
    start = prev = codes[0]
    for code in codes[1:]:
        if code != prev + 1:
            ranges.append((start, prev))
            start = code
        prev = code
    ranges.append((start, prev))
    return (
        "["
        + "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
        )
        + "]"
    )


def _build_symbol_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Punctuation, symbols and emoji, which become spaces (one for one) in the matching view so
    that words are space-delimited; and currency signs, which are kept and set apart by spaces.
    ``+ # @ % &`` are kept as they are: terms use them (``18+``).

    One pass over the code points, at import; the stdlib ``re`` runs these classes faster than
    ``regex``'s Unicode properties.
    """
    keep = set("+#@%&")
    spaces: list[int] = []
    currency: list[int] = []
    for code in (*range(0x20, 0x3400), *range(0xA000, 0x10000), *range(0x1F000, 0x1FB00)):
        if 0xD800 <= code <= 0xDFFF or 0xE000 <= code <= 0xF8FF:
            continue
        ch = chr(code)
        cat = unicodedata.category(ch)
        if cat == "Sc":
            currency.append(code)
        elif cat[0] in "PS" and ch not in keep:
            spaces.append(code)
    return re.compile(_char_class(spaces)), re.compile(_char_class(currency) + "+")


_FOLD = _build_fold_table()
_SPACES, _CURRENCY = _build_symbol_patterns()
_WS_RUN = re.compile(r"\s{2,}|[\t\n\r\f\v\u00a0\u2000-\u200a\u3000]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*+")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]+")


def matching_view(text: str) -> tuple[str, OffsetMap | None]:
    """Derive the matching view from a normalized text, with its map back to that text."""
    offsets: OffsetMap | None = None
    if not text.isascii():
        text = text.translate(_FOLD)
        if _ARABIC_MARKS.search(text):
            text, step = apply_edits(text, [(m.start(), m.end(), "") for m in _ARABIC_MARKS.finditer(text)])
            offsets = compose(offsets, step)
    if _WS_RUN.search(text):
        text, step = apply_edits(text, [(m.start(), m.end(), " ") for m in _WS_RUN.finditer(text)])
        offsets = compose(offsets, step)
    edits: list[Edit] = [(m.start(), m.end(), NUM) for m in _NUMBER.finditer(text)]
    if not text.isascii() or "$" in text:
        edits.extend((m.start(), m.end(), f" {m.group()} ") for m in _CURRENCY.finditer(text))
        edits.sort()
    if edits:
        text, step = apply_edits(text, edits)
        offsets = compose(offsets, step)
    return _SPACES.sub(" ", text), offsets


def _view_of_term(term: str) -> str:
    body = term.replace("{num}", "0")
    view, _ = matching_view(normalize_term(body))
    return view.strip()


def _is_word_char(ch: str) -> bool:
    """Letters, digits, combining marks and the number placeholder."""
    return ch.isalnum() or ch == NUM or unicodedata.category(ch)[0] == "M"


def _is_dense(ch: str) -> bool:
    """Terms in these scripts match as substrings: no spaces between words, or (Hangul)
    particles glued to the word."""
    return is_dense_script(ch) or 0xAC00 <= ord(ch) <= 0xD7AF


@dataclass(frozen=True, slots=True)
class _Slot:
    """Where a term belongs: a rule group, a rule's `unless` list, or a context rule."""

    kind: int  # 0 = rule group, 1 = unless, 2 = context, 3 = term set
    index: int  # rule or context index
    group: int


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its language, ready to evaluate."""

    language: str
    rule: Rule
    n_groups: int
    set_refs: tuple[tuple[int, ...], ...] = ()
    """Per group, the ids of the term sets (``@name``) it includes."""

    @property
    def ref(self) -> str:
        """``<language>:<rule id>``, the reference stored in evidence."""
        return f"{self.language}:{self.rule.id}"


@dataclass(frozen=True, slots=True)
class CompiledContext:
    """A context rule with its language."""

    language: str
    rule: ContextRule

    @property
    def ref(self) -> str:
        """``<language>:<context id>``."""
        return f"{self.language}:{self.rule.id}"


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One rule that fired, with the spans (matching-view offsets) of the terms that fired it."""

    rule: CompiledRule
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan found in one matching view."""

    matches: tuple[RuleMatch, ...]
    contexts: tuple[tuple[CompiledContext, tuple[int, int]], ...]


@dataclass
class LexiconIndex:
    """An automaton over the terms of many lexicon files; read-only once built."""

    rules: list[CompiledRule] = field(default_factory=list)
    contexts: list[CompiledContext] = field(default_factory=list)
    languages: tuple[str, ...] = ()
    _automaton: ahocorasick.Automaton | None = None
    _set_triggers: dict[int, list[int]] = field(default_factory=dict)
    """Rules whose every group includes a term set, by the sets of their first group."""
    n_terms: int = 0

    @classmethod
    def build(
        cls,
        files: Sequence[LexiconFile],
        shared_sets: Mapping[str, Sequence[str]],
        indicators: Iterable[str] | None = None,
    ) -> LexiconIndex:
        """Compile ``files``; keep only rules for ``indicators`` when given."""
        wanted = set(indicators) if indicators is not None else None
        sets: dict[str, list[str]] = {k: list(v) for k, v in shared_sets.items()}
        for f in files:
            for name, terms in f.sets.items():
                sets.setdefault(name, []).extend(terms)
        index = cls(languages=tuple(sorted({f.language for f in files})))
        table: dict[str, list[_Slot]] = {}
        set_ids: dict[str, int] = {}
        rule_refs: list[list[list[int]]] = []

        def add_key(raw: str, slot: _Slot, where: str) -> None:
            prefix_wild = raw.startswith("*")
            suffix_wild = raw.endswith("*")
            key = _view_of_term(raw.strip("*"))
            if not key:
                raise LexiconError(f"{where}: term {raw!r} is empty after normalization")
            # A word edge must meet a space (punctuation is a space in the view): pad the key,
            # so the automaton itself enforces whole words and the scan needs no checks.
            if not prefix_wild and _is_word_char(key[0]) and not _is_dense(key[0]):
                key = " " + key
            if not suffix_wild and _is_word_char(key[-1]) and not _is_dense(key[-1]):
                key = key + " "
            table.setdefault(key, []).append(slot)

        def set_id(name: str, where: str) -> int:
            """A term set is matched once per text, however many rules use it."""
            if name not in set_ids:
                set_ids[name] = len(set_ids)
                for term in _expand("@" + name, sets, where):
                    add_key(term, _Slot(3, set_ids[name], 0), where)
            return set_ids[name]

        for f in files:
            for rule in f.rules:
                if wanted is not None and rule.indicator not in wanted:
                    continue
                where = f"lexicon {f.language}, rule {rule.id}"
                ridx = len(index.rules)
                groups = [rule.any] if rule.any is not None else list(rule.all or [])
                refs: list[list[int]] = []
                for g, terms in enumerate(groups):
                    group_refs: list[int] = []
                    for term in terms:
                        if term.startswith("@"):
                            if term[1:] not in sets:
                                raise LexiconError(f"{where}: unknown term set {term}; known: {sorted(sets)}")
                            group_refs.append(set_id(term[1:], where))
                        else:
                            add_key(term, _Slot(0, ridx, g), where)
                    refs.append(group_refs)
                index.rules.append(CompiledRule(f.language, rule, len(groups)))
                rule_refs.append(refs)
                for term in rule.unless or ():
                    for expanded in _expand(term, sets, where):
                        add_key(expanded, _Slot(1, ridx, 0), where)
            for ctx in f.context:
                where = f"lexicon {f.language}, context {ctx.id}"
                cidx = len(index.contexts)
                index.contexts.append(CompiledContext(f.language, ctx))
                for term in ctx.any:
                    for expanded in _expand(term, sets, where):
                        add_key(expanded, _Slot(2, cidx, 0), where)
        # A literal shared by many rules ("{num}", "whatsapp") is turned into a term set of its
        # own, so a text full of it costs one step per occurrence rather than one per rule.
        for key, slots in table.items():
            rule_slots = [sl for sl in dict.fromkeys(slots) if sl.kind == 0]
            if len(rule_slots) > _SHARED_TERM_RULES:
                sid = len(set_ids)
                set_ids[f"\x00{key}"] = sid
                for sl in rule_slots:
                    rule_refs[sl.index][sl.group].append(sid)
                table[key] = [sl for sl in slots if sl.kind != 0] + [_Slot(3, sid, 0)]
        for ridx, refs in enumerate(rule_refs):
            index.rules[ridx] = replace(
                index.rules[ridx], set_refs=tuple(tuple(dict.fromkeys(r)) for r in refs)
            )
            if all(refs):
                for sid in dict.fromkeys(refs[0]):
                    index._set_triggers.setdefault(sid, []).append(ridx)
        automaton = ahocorasick.Automaton()
        for key, slots in table.items():
            unique = tuple(dict.fromkeys(slots))
            slots_key = tuple((s.kind, s.index, s.group) for s in unique)
            automaton.add_word(key, (len(key), key[0] == " ", key[-1] == " ", slots_key))
        if table:
            automaton.make_automaton()
            index._automaton = automaton
        index.n_terms = len(table)
        return index

    def scan(self, view: str) -> ScanResult:
        """Find every rule and context that fires in a matching view."""
        if self._automaton is None or not view:
            return ScanResult((), ())
        direct: dict[tuple[int, int], list[tuple[int, int]]] = {}
        set_hits: dict[int, list[tuple[int, int]]] = {}
        unless_hits: dict[int, list[tuple[int, int]]] = {}
        contexts: list[tuple[CompiledContext, tuple[int, int]]] = []
        seen_ctx: set[int] = set()
        padded = f" {view} "
        for end_idx, (length, lpad, rpad, slots) in self._automaton.iter(padded):
            start = end_idx - length + lpad  # -1 for the leading pad of `padded`, +1 if padded key
            end = end_idx - rpad
            for kind, index, group in slots:
                if kind == 0:
                    found = direct.get((index, group))
                    if found is None:
                        direct[(index, group)] = [(start, end)]
                    elif len(found) < _MAX_HITS_PER_SLOT:
                        found.append((start, end))
                elif kind == 3:
                    hits = set_hits.setdefault(index, [])
                    if len(hits) < _MAX_HITS_PER_SLOT:
                        hits.append((start, end))
                elif kind == 1:
                    unless_hits.setdefault(index, []).append((start, end))
                elif index not in seen_ctx:
                    seen_ctx.add(index)
                    contexts.append((self.contexts[index], (start, end)))
        candidates = {ridx for ridx, _ in direct}
        for sid in set_hits:
            candidates.update(self._set_triggers.get(sid, ()))
        group_hits: dict[int, list[list[tuple[int, int]]]] = {}
        for ridx in candidates:
            compiled = self.rules[ridx]
            groups = []
            for g in range(compiled.n_groups):
                hits = list(direct.get((ridx, g), ()))
                for sid in compiled.set_refs[g]:
                    hits.extend(set_hits.get(sid, ()))
                if not hits:
                    break
                groups.append(hits)
            else:
                group_hits[ridx] = groups
        matches = []
        for ridx, groups in sorted(group_hits.items()):
            compiled = self.rules[ridx]
            spans = _combine(groups, compiled.rule.window)
            if spans is None:
                continue
            blockers = unless_hits.get(ridx)
            if blockers and _blocked(spans, blockers, compiled.rule.window):
                continue
            matches.append(RuleMatch(compiled, spans))
        return ScanResult(tuple(matches), tuple(contexts))


def _expand(term: str, sets: Mapping[str, Sequence[str]], where: str, depth: int = 0) -> list[str]:
    if not term.startswith("@"):
        return [term]
    name = term[1:]
    if name not in sets:
        raise LexiconError(f"{where}: unknown term set @{name}; known: {sorted(sets)}")
    if depth > 3:
        raise LexiconError(f"{where}: term sets nested too deeply at @{name}")
    out: list[str] = []
    for t in sets[name]:
        out.extend(_expand(t, sets, where, depth + 1))
    return out


def _combine(groups: list[list[tuple[int, int]]], window: int) -> tuple[tuple[int, int], ...] | None:
    """Pick one hit per group, all within ``window`` characters; ``None`` if impossible."""
    if len(groups) == 1:
        return tuple(groups[0][:4])
    anchor_group = min(range(len(groups)), key=lambda g: len(groups[g]))
    for anchor in groups[anchor_group]:
        chosen = [anchor]
        lo, hi = anchor
        for g, hits in enumerate(groups):
            if g == anchor_group:
                continue
            best = min(hits, key=lambda h: max(hi, h[1]) - min(lo, h[0]))
            if max(hi, best[1]) - min(lo, best[0]) > window:
                break
            chosen.append(best)
            lo, hi = min(lo, best[0]), max(hi, best[1])
        else:
            return tuple(sorted(chosen))
    return None


def _blocked(spans: tuple[tuple[int, int], ...], blockers: list[tuple[int, int]], window: int) -> bool:
    lo = min(s for s, _ in spans)
    hi = max(e for _, e in spans)
    return any(b_end >= lo - window and b_start <= hi + window for b_start, b_end in blockers)
