"""Signed session cookies and CSRF tokens for the review page, with the standard library only.

Why not starlette's ``SessionMiddleware``: it needs ``itsdangerous`` (not a dependency) and keeps
a whole dict in the cookie. The review page needs three facts - which key signed in, which
session this is, and when - so the cookie carries ``key_id.session_id.issued_at`` plus an
HMAC-SHA256 tag. The API key itself never leaves the login form: a stolen cookie is worth one
session, bounded by ``max_age``, and dies with the key (every request re-reads the key record).

CSRF tokens are an HMAC of the session id under a different label, so a token is valid only
with the cookie it was issued for, and the server keeps no token table. The login form, which
has no session yet, gets the same treatment against a random nonce held in a short-lived
pre-login cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

SECRET_ENV = "TIPGUARD_SESSION_SECRET"  # noqa: S105 - the variable's name, not a secret
"""Set it (32+ characters) so sessions survive restarts and work across several workers."""
MIN_SECRET_BYTES = 32
DEFAULT_MAX_AGE = 8 * 3600
"""A working day: an analyst signs in again each morning."""
_ENDED_CAPACITY = 10_000


@dataclass(frozen=True, slots=True)
class Session:
    """A verified session cookie."""

    key_id: int
    session_id: str
    issued_at: int


def load_secret(value: str | None = None) -> bytes:
    """The signing secret: ``value``, else ``TIPGUARD_SESSION_SECRET``, else random per process.

    A random secret is safe but signs everyone out at restart; too short a configured secret
    is refused rather than silently weakened.
    """
    configured = value if value is not None else os.environ.get(SECRET_ENV)
    if configured is None or configured == "":
        return secrets.token_bytes(MIN_SECRET_BYTES)
    raw = configured.encode("utf-8")
    if len(raw) < MIN_SECRET_BYTES:
        raise ValueError(f"{SECRET_ENV} must be at least {MIN_SECRET_BYTES} bytes; got {len(raw)}")
    return raw


def _tag(secret: bytes, label: str, message: str) -> str:
    digest = hmac.new(secret, f"{label}|{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SessionSigner:
    """Issues and checks session cookies and CSRF tokens under one secret.

    Logged-out session ids are remembered (up to a bound, in memory) so a copied cookie stops
    working at sign-out, not only at expiry.
    """

    def __init__(
        self,
        secret: bytes,
        max_age: int = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"the session secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self.max_age = max_age
        self._clock = clock
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, key_id: int) -> tuple[str, Session]:
        """A new cookie value for ``key_id`` and the session it encodes."""
        session = Session(key_id, secrets.token_urlsafe(18), int(self._clock()))
        payload = f"{session.key_id}.{session.session_id}.{session.issued_at}"
        return f"{payload}.{_tag(self._secret, 'session', payload)}", session

    def verify(self, cookie: str | None) -> Session | None:
        """The session of a cookie, or ``None`` if forged, malformed, expired or ended."""
        if not cookie or len(cookie) > 200:
            return None
        payload, _, tag = cookie.rpartition(".")
        if not hmac.compare_digest(tag, _tag(self._secret, "session", payload)):
            return None
        parts = payload.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
            return None
        session = Session(int(parts[0]), parts[1], int(parts[2]))
        if not 0 <= self._clock() - session.issued_at <= self.max_age:
            return None
        with self._lock:
            if session.session_id in self._ended:
                return None
        return session

    def end(self, session: Session) -> None:
        """Refuse this session's cookie from now on (sign-out)."""
        with self._lock:
            self._ended[session.session_id] = None
            while len(self._ended) > _ENDED_CAPACITY:
                self._ended.popitem(last=False)

    def csrf_token(self, session_id: str) -> str:
        """The token forms of this session must carry."""
        return _tag(self._secret, "csrf", session_id)

    def check_csrf(self, session_id: str, token: str | None) -> bool:
        """Whether ``token`` was issued for this session."""
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session_id))

    @staticmethod
    def login_nonce() -> str:
        """A random value for the pre-login cookie."""
        return secrets.token_urlsafe(18)

    def login_token(self, nonce: str) -> str:
        """The token the login form carries for the pre-login cookie ``nonce``."""
        return _tag(self._secret, "login", nonce)

    def check_login(self, nonce: str | None, token: str | None) -> bool:
        """Whether the login form's ``token`` matches its pre-login cookie."""
        if not nonce or not token or len(nonce) > 100:
            return False
        return hmac.compare_digest(str(token), self.login_token(nonce))
