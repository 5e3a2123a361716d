"""Template fingerprints: keyed MinHash signatures of an advert's wording.

One advert template posted by many accounts is a signal partners want to share, but the advert's
text may not leave the organisation. A MinHash signature keeps only, for each of 128 hash
functions, the smallest hash over the text's character 5-grams, so two signatures agree in about
the share of positions equal to the Jaccard similarity of the two texts' 5-gram sets: enough to
recognise a near-duplicate, not enough to rebuild the text.

The shingle hash is BLAKE2b keyed with the sharing-group key (see ``keys.py``): without the key
nobody can fingerprint a guessed text to test it against a bundle, and only group members can
match. Character shingles rather than words, so Thai, Chinese or Khmer text, written without
spaces, works too. Before shingling the text is normalized (tipguard's normalizer), contact
points and links are removed and digit runs become ``0``, so the same template with another
phone number, price or handle still matches.

Implemented here on numpy (about 40 lines) rather than with ``datasketch``: the signature is a
wire format that partners running different versions must reproduce bit for bit, so its every
step (keyed shingle hash, the hash family, the 32-bit output) is fixed in this module instead of
depending on another library's defaults; and it saves a dependency (with scipy behind it) for
one function.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from tipguard.detectors.contacts import find_emails, find_handles, find_links
from tipguard.normalize import normalize

NUM_PERM = 128
"""Hash functions per signature; the similarity estimate's standard error is about 0.045 at 0.5."""
SHINGLE = 5
MIN_TEMPLATE_CHARS = 50
"""Shorter texts (after canonicalisation) get no fingerprint: too few shingles to be distinctive."""
DEFAULT_THRESHOLD = 0.5
"""Estimated Jaccard similarity at or above which two fingerprints are the same template."""
ALGORITHM = "tipguard-minhash-v1"

_PRIME = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class TemplateFingerprint:
    """A keyed MinHash signature: ``NUM_PERM`` unsigned 32-bit values, little-endian."""

    signature: bytes

    def __post_init__(self) -> None:
        if len(self.signature) != 4 * NUM_PERM:
            raise ValueError(f"a signature has {4 * NUM_PERM} bytes, not {len(self.signature)}")

    def array(self) -> npt.NDArray[np.uint32]:
        """The signature as a numpy vector."""
        return np.frombuffer(self.signature, dtype="<u4")

    def to_base64(self) -> str:
        """The signature as base64 text (what a STIX bundle carries)."""
        return base64.b64encode(self.signature).decode("ascii")

    @classmethod
    def from_base64(cls, text: str) -> TemplateFingerprint:
        """Inverse of :meth:`to_base64`; ``ValueError`` when it is not a signature."""
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise ValueError("a fingerprint is not valid base64") from None
        return cls(raw)

    def similarity(self, other: TemplateFingerprint) -> float:
        """Estimated Jaccard similarity of the two texts' shingle sets, in [0, 1]."""
        return float(np.mean(self.array() == other.array()))


def template_text(text: str) -> str:
    """The canonical text a fingerprint is computed on (contacts, links and digits removed)."""
    norm = normalize(text).text
    cuts = [(c.start, c.end) for f in (find_links, find_handles, find_emails) for c in f(norm)]
    cuts += [(m.start(), m.end()) for m in _URL.finditer(norm)]
    for start, end in sorted(cuts, reverse=True):
        norm = norm[:start] + " " + norm[end:]
    norm = _DIGITS.sub("0", norm)
    kept = "".join(ch if ch == "0" or unicodedata.category(ch)[0] in "LM" else " " for ch in norm)
    return _SPACE.sub(" ", kept).strip()


@lru_cache(maxsize=8)
def _hash_family(key: bytes) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The ``a`` (odd) and ``b`` coefficients of the hash functions, derived from the key."""

    def word(label: bytes) -> int:
        return int.from_bytes(hashlib.blake2b(label, key=key, digest_size=4).digest(), "little")

    a = np.array([word(b"a%d" % i) | 1 for i in range(NUM_PERM)], dtype=np.uint64)
    b = np.array([word(b"b%d" % i) for i in range(NUM_PERM)], dtype=np.uint64)
    return a, b


def fingerprint(text: str, key: bytes) -> TemplateFingerprint | None:
    """The keyed fingerprint of ``text``, or ``None`` when the text is too short to have one."""
    canonical = template_text(text)
    if len(canonical) < MIN_TEMPLATE_CHARS:
        return None
    shingles = {canonical[i : i + SHINGLE] for i in range(len(canonical) - SHINGLE + 1)}
    x = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode("utf-8"), key=key, digest_size=4).digest(), "little")
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    a, b = _hash_family(key)
    # a, x, b < 2**32, so a * x + b < 2**64: no uint64 overflow before the modulus.
    hashed = ((a[:, None] * x[None, :] + b[:, None]) % _PRIME) & _MASK32
    return TemplateFingerprint(hashed.min(axis=1).astype("<u4").tobytes())
