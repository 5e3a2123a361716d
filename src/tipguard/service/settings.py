"""Service settings from ``TIPGUARD_*`` variables (or keyword arguments in tests).

They share the ``TIPGUARD_`` prefix with the analyzer's configuration (``tipguard.config``) but
not a single name, so one environment configures both; unknown variables are ignored here
because the other half of the prefix belongs to the analyzer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Limits, rate limit and database of the REST service."""

    model_config = SettingsConfigDict(env_prefix="TIPGUARD_", extra="ignore", frozen=True)

    database_url: str | None = None
    """SQLAlchemy URL; ``None``: ``sqlite:///tipguard.db`` in the working directory."""
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    """Requests with a larger body get 413 ``body_too_large``."""
    max_batch_items: int = Field(default=256, ge=1)
    """``items`` lists longer than this get 413 ``batch_too_large``."""
    max_text_chars: int = Field(default=20_000, ge=1)
    """A single text over this gets 413 ``text_too_long``; in a batch, that item gets an
    ``input_too_large`` error verdict and the rest are analysed."""
    max_messages: int = Field(default=500, ge=1)
    """Conversations with more messages get 413 ``too_many_messages``."""
    rate_limit_per_minute: float = Field(default=600.0, gt=0)
    """Sustained requests per minute per key (token bucket)."""
    rate_limit_burst: int = Field(default=60, ge=1)
    """Requests a key may make at once before the sustained rate applies."""
    review_min_level: Literal["low", "medium", "high", "critical"] = "medium"
    """Verdicts at or above this level go to the review queue."""
    key_cache_seconds: float = Field(default=5.0, ge=0)
    """How long a known API key is trusted without asking the database; a key revoked outside
    this process (CLI, another worker) stops working within this time. 0 turns the cache off."""
    guard: bool = True
    """Load the LLM guard at startup for ``POST /v1/guard`` (needs the ``encoder`` extra); when
    false, or when its models cannot load, the route is left out of the app."""
    sharing_secret: SecretStr | None = None
    """The sharing-group key of ``tipguard.sharing`` (``TIPGUARD_SHARING_SECRET``, at least 16
    bytes); without it the ``/v1/indicators`` routes answer 409 ``sharing_not_configured``."""
    organisation: str | None = Field(default=None, min_length=1, max_length=200)
    """The producing organisation named in exported bundles (``TIPGUARD_ORGANISATION``)."""
    indicator_index: str | None = None
    """JSON file of partners' imported indicators; ``None``: beside the SQLite database
    (``<db>.indicators.json``), or ``tipguard-indicators.json`` here for other databases."""
