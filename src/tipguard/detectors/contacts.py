"""Find contacts in normalized text: phone numbers, messenger links and handles, e-mail addresses.

Each contact is returned as an :class:`Entity` in a canonical form (E.164 phone numbers,
``t.me/name`` links, lower-case handles and e-mails) so that later parts can hash and share it
without sharing the message. Obfuscations are read through: the normalizer has already turned
full-width, emoji and spelled-out digits into ASCII digits and joined spaced-out letters; the
patterns here also accept ``t . me``, ``t[.]me``, ``name (at) gmail (dot) com`` and ``w.a``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

_DOT = r"\s?(?:\.|\[\.\]|\(\.\)|\[dot\]|\(dot\)|\sdot\s)\s?"
_SLASH = r"\s?/\s?"
_NAME = r"@?~?([a-z0-9_][a-z0-9_.\-]{1,40}[a-z0-9_]|\+?\d{6,15})"

# (platform, domain pattern) for links that open a chat with a person or group.
_LINK_DOMAINS: tuple[tuple[str, str], ...] = (
    ("whatsapp", rf"(?:wa{_DOT}me|api{_DOT}whatsapp{_DOT}com/send\?phone=|chat{_DOT}whatsapp{_DOT}com)"),
    ("telegram", rf"(?:t{_DOT}me|telegram{_DOT}(?:me|dog))"),
    ("signal", rf"signal{_DOT}(?:me|group)"),
    ("viber", rf"(?:invite{_DOT}viber{_DOT}com|viber{_DOT}click)"),
    ("line", rf"(?:line{_DOT}me/ti/p|lin{_DOT}ee)"),
    ("wechat", rf"(?:u{_DOT}wechat{_DOT}com|weixin{_DOT}qq{_DOT}com)"),
    ("zalo", rf"zalo{_DOT}me"),
    ("imo", rf"imo{_DOT}im"),
    ("kakaotalk", rf"(?:open{_DOT}kakao{_DOT}com/o|qr{_DOT}kakao{_DOT}com)"),
    ("snapchat", rf"snapchat{_DOT}com/add"),
    ("instagram", rf"(?:instagram{_DOT}com|instagr{_DOT}am)"),
    ("messenger", rf"(?:m{_DOT}me|messenger{_DOT}com/t)"),
    ("facebook", rf"(?:facebook{_DOT}com|fb{_DOT}com|fb{_DOT}me)"),
)
_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?:"
    + "|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(_LINK_DOMAINS))
    + rf"){_SLASH}{_NAME}"
)

# Platform names (as people write them) that may precede an explicit handle.
_HANDLE_PLATFORMS: tuple[tuple[str, str], ...] = (
    ("whatsapp", r"whats\s?app|watsapp|wassap|wasap|w\.a|w/a|wa"),
    ("telegram", r"tele\s?gram|telgram|tg|телеграм|телега"),
    ("signal", r"signal"),
    ("viber", r"viber|вайбер"),
    ("line", r"line|ไลน์|ไอดีไลน์|ライン|라인"),
    ("wechat", r"we\s?chat|weixin|wx|vx|微信|薇信|v信"),
    ("zalo", r"zalo"),
    ("imo", r"imo"),
    ("kakaotalk", r"kakao\s?talk|kakao|카카오톡|카톡"),
    ("snapchat", r"snap\s?chat|snap|sc"),
    ("instagram", r"instagram|insta|ig"),
    ("skype", r"skype"),
    ("discord", r"discord"),
)
_HANDLE = re.compile(
    r"(?<![a-z0-9_])(?:"
    + "|".join(f"(?P<h{i}>{pattern})" for i, (_, pattern) in enumerate(_HANDLE_PLATFORMS))
    + r")(?![a-z0-9_])\s?(?:id|username|user\s?name|handle|acc(?:ount)?|号|아이디|ไอดี)?\s?"
    + r"(?:[:=：]\s?|-\s?|\s@)@?([a-z0-9_][a-z0-9_.\-]{2,40}[a-z0-9_])"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._%+\-]{0,63})\s?(?:@|\[at\]|\(at\)|\sat\s)\s?"
    rf"([a-z0-9\-]{{2,63}}(?:{_DOT}[a-z0-9\-]{{2,63}})*{_DOT}[a-z]{{2,12}})(?![\w])"
)
_DIGIT = re.compile(r"\d")
_HANDLE_HINT = re.compile(r"[:=：@]|-\s?[a-z0-9]")
_PHONE_HINT = re.compile(r"(?:\d\D{0,3}){7}")
_GAP = r"(?:\W+\w{1,4}){0,2}\W{0,6}$"
_BEFORE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (platform, re.compile(f"(?:{pattern})" + _GAP))
    for platform, pattern in (
        ("whatsapp", r"whats\s?app|watsapp|wasap|wassap|w\.a|w/a|\bwa\b|واتساب|واتس|वाट्सएप|व्हाट्सएप"),
        ("telegram", r"tele\s?gram|\btg\b|телеграм|телега"),
        ("viber", r"viber|вайбер"),
        ("zalo", r"zalo"),
        ("line", r"\bline\b|ไลน์"),
        ("wechat", r"wechat|微信"),
        ("imo", r"\bimo\b|ইমো|ایمو"),
        ("signal", r"\bsignal\b"),
        ("kakaotalk", r"kakao|카톡|카카오톡"),
    )
)
_TRAILING = re.compile(r"[.\-_]+$")


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact found in normalized text (offsets in that text)."""

    kind: str
    value: str
    platform: str | None
    start: int
    end: int


def _canonical_name(name: str) -> str:
    return _TRAILING.sub("", name.lstrip("@").lower())


def find_links(text: str) -> list[Contact]:
    """Messenger and social links (``t.me/name``, ``wa.me/15551234567``)."""
    if "/" not in text:
        return []
    out = []
    for m in _LINK.finditer(text):
        platform = next(_LINK_DOMAINS[i][0] for i in range(len(_LINK_DOMAINS)) if m.group(f"p{i}"))
        name = _canonical_name(m.group(m.lastindex or 0))
        out.append(Contact("url", f"{platform}:{name}", platform, m.start(), m.end()))
    return out


def find_handles(text: str) -> list[Contact]:
    """Explicit handles after a platform name (``telegram: @name``, ``line id = abc``)."""
    if not _HANDLE_HINT.search(text):
        return []
    out = []
    for m in _HANDLE.finditer(text):
        platform = next(_HANDLE_PLATFORMS[i][0] for i in range(len(_HANDLE_PLATFORMS)) if m.group(f"h{i}"))
        name = _canonical_name(m.group(len(_HANDLE_PLATFORMS) + 1))
        if name.isdigit() and len(name) >= 6:
            continue  # a phone number after "wa:"; the phone finder reports it
        out.append(Contact("handle", f"{platform}:{name}", platform, m.start(), m.end()))
    return out


def find_emails(text: str) -> list[Contact]:
    """E-mail addresses, including ``name (at) domain (dot) com``."""
    if "@" not in text and "at" not in text:
        return []
    out = []
    for m in _EMAIL.finditer(text):
        domain = re.sub(_DOT, ".", m.group(2))
        out.append(Contact("email", f"{m.group(1).lower()}@{domain.lower()}", None, m.start(), m.end()))
    return out


_PHONE_CANDIDATE = re.compile(r"[+(\d][\d\s().\-/]{5,24}\d")
MAX_PHONE_CANDIDATES = 50
"""At most this many candidate numbers are checked per item, which bounds the time a text
full of digits can take; a message with more is a table, not a conversation."""


def find_phones(text: str, regions: tuple[str, ...]) -> list[Contact]:
    """Phone numbers, validated by ``phonenumbers`` for the likely regions of the text."""
    if not _PHONE_HINT.search(text):
        return []
    found: dict[tuple[int, int], Contact] = {}
    for n, cand in enumerate(_PHONE_CANDIDATE.finditer(text)):
        if n >= MAX_PHONE_CANDIDATES:
            break
        lo = max(0, cand.start() - 1)
        for region in regions:
            _match_region(text, lo, cand.end(), region, found)
    return sorted(found.values(), key=lambda c: c.start)


def _match_region(text: str, lo: int, hi: int, region: str, found: dict[tuple[int, int], Contact]) -> None:
    """A validated number for one region in ``text[lo:hi]``, added to ``found``.

    A candidate that does not parse as one valid number is left to :func:`find_raw_numbers`
    (``phonenumbers``' own matcher would look inside it, at three times the cost).
    """
    window = text[lo:hi]
    if len(_DIGIT.findall(window)) < 7:
        return
    stripped = window.strip(" .-/()")
    try:
        number = phonenumbers.parse(stripped, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return
    start = lo + window.index(stripped[0])
    end = start + len(stripped)
    if any(s <= start < e or start <= s < end for s, e in found):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    found[(start, end)] = Contact("phone", e164, _platform_before(text, start), start, end)


def _platform_before(text: str, start: int) -> str | None:
    before = text[max(0, start - 24) : start]
    for platform, pattern in _BEFORE:
        if pattern.search(before):
            return platform
    return None


def find_contacts(text: str, regions: tuple[str, ...]) -> list[Contact]:
    """Every contact in a normalized text, without overlaps, in text order."""
    contacts: list[Contact] = []
    for found in (find_links(text), find_emails(text), find_handles(text), find_phones(text, regions)):
        for c in found:
            if not any(c.start < o.end and o.start < c.end for o in contacts):
                contacts.append(c)
    return sorted(contacts, key=lambda c: c.start)


_RAW_DIGITS = re.compile(r"(?<![\w+])\+?\d(?:[\s\-.]?\d){8,14}(?!\w)")


def find_raw_numbers(text: str, taken: list[Contact]) -> list[Contact]:
    """Long digit runs that no region validated: still worth reporting, marked ``raw:``."""
    if not _PHONE_HINT.search(text):
        return []
    out = []
    for m in _RAW_DIGITS.finditer(text):
        if any(m.start() < c.end and c.start < m.end() for c in taken):
            continue
        digits = re.sub(r"\D", "", m.group())
        out.append(Contact("phone", f"raw:{digits}", _platform_before(text, m.start()), m.start(), m.end()))
    return out
