"""API key secrets: generated once, shown once, stored only as a SHA-256.

A key is ``tg_`` plus 43 URL-safe characters (256 random bits), so a fast unsalted hash is safe:
nobody can brute-force that space, and a lookup costs one hash. The first 11 characters (``tg_`` and
8 more) are the non-secret prefix that finds the row; the comparison of hashes is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_MARK = "tg_"
PREFIX_LENGTH = len(KEY_MARK) + 8


def new_secret() -> str:
    """A fresh API key."""
    return KEY_MARK + secrets.token_urlsafe(32)


def key_prefix(secret: str) -> str | None:
    """The lookup prefix of ``secret``, or ``None`` when it cannot be a tipguard key."""
    if not secret.startswith(KEY_MARK) or len(secret) < PREFIX_LENGTH + 16:
        return None
    return secret[:PREFIX_LENGTH]


def hash_secret(secret: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def matches(secret: str, stored_hash: str) -> bool:
    """Whether ``secret`` hashes to ``stored_hash`` (constant-time)."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)
