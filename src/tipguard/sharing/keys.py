"""The sharing-group key: why a partner's hashes can be matched at all, and by whom.

A keyed hash only matches a keyed hash made with the same key, so the secret is not one
organisation's: it is agreed by the members of a sharing group and handed to each of them out of
band. Outsiders who obtain a bundle cannot test guesses ("is +62 812... in it?") without the key;
members can, which is the point of sharing. A leaked key turns every hash it made into a lookup
table for anyone who can enumerate candidates (phone numbers can be enumerated), so rotate the
key when membership changes and re-export.

Three values are derived from the one secret, each with its own label, so that a contact hash
can never be confused with a template hash, and so that the published ``key_id`` says which key
made a bundle without revealing it.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from tipguard.errors import ConfigError

DEFAULT_SECRET_ENV = "TIPGUARD_SHARING_SECRET"  # noqa: S105 - the variable's name, not a secret
MIN_SECRET_BYTES = 16
"""A shorter secret could be brute-forced from the published ``key_id``."""

_CONTACT_LABEL = b"tipguard/sharing/contact/v1"
_TEMPLATE_LABEL = b"tipguard/sharing/template/v1"
_KEY_ID_LABEL = b"tipguard/sharing/key-id/v1"


class SharingKey:
    """A sharing-group secret and the subkeys derived from it; never printed, never exported."""

    __slots__ = ("_contact", "_template", "key_id")

    def __init__(self, secret: bytes | str) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if len(raw) < MIN_SECRET_BYTES:
            raise ConfigError(
                f"the sharing secret has {len(raw)} bytes; at least {MIN_SECRET_BYTES} are required"
            )
        self._contact = hmac.digest(raw, _CONTACT_LABEL, "sha256")
        self._template = hmac.digest(raw, _TEMPLATE_LABEL, "sha256")
        self.key_id: str = hmac.digest(raw, _KEY_ID_LABEL, "sha256").hex()[:16]
        """Public name of the key: published in bundles so that a wrong key is noticed."""

    @classmethod
    def from_env(cls, variable: str = DEFAULT_SECRET_ENV) -> SharingKey:
        """The key from an environment variable (``TIPGUARD_SHARING_SECRET`` by default)."""
        value = os.environ.get(variable)
        if not value:
            raise ConfigError(f"the environment variable {variable} (the sharing secret) is not set")
        return cls(value)

    def __repr__(self) -> str:
        return f"SharingKey(key_id={self.key_id!r})"

    def contact_hash(self, kind: str, value: str) -> str:
        """HMAC-SHA256 (hex) of a canonical contact; the kind is part of the message."""
        message = f"{kind}\x1f{value}".encode()
        return hmac.new(self._contact, message, hashlib.sha256).hexdigest()

    @property
    def template_key(self) -> bytes:
        """The key of the shingle hash of template fingerprints (32 bytes, for BLAKE2b)."""
        return self._template
