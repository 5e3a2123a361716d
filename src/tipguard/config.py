"""Analyzer configuration: keyword arguments, a TOML/YAML file, or ``TIPGUARD_*`` variables.

Precedence, highest first: explicit keyword arguments, environment variables, the file, the
profile's defaults. Unknown keys are errors. ``TIPGUARD_DETECTORS`` takes a comma-separated
list.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tipguard.errors import ConfigError

PROFILES: dict[str, tuple[str, ...]] = {
    "fast": ("lexicon", "off_platform"),
    "standard": ("lexicon", "off_platform", "ngram", "arc"),
    "deep": ("lexicon", "off_platform", "ngram", "arc", "encoder"),
}
"""Named detector sets. ``fast``: normalization + language ID + lexicon + contacts, scored by the
interim rule. ``standard`` (the default): ``fast`` plus the learned n-gram tier and the conversation-arc
model, scored by the calibrated scorer. ``deep``: ``standard`` plus the encoder tier on the items the
n-gram tier raises (needs the ``encoder`` extra), scored by the encoder-aware calibrated scorer."""
DEFAULT_PROFILE = "standard"
CALIBRATED_NEEDS = frozenset({"lexicon", "off_platform", "ngram"})
"""The detectors whose findings the calibrated scorer was trained on."""


class AnalyzerConfig(BaseModel):
    """Everything that changes what the analyzer does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str = DEFAULT_PROFILE
    detectors: tuple[str, ...] | None = None
    """Overrides the profile's detector list when given."""
    max_chars: int = Field(default=200_000, ge=1)
    """Items longer than this get an ``input_too_large`` error instead of a verdict."""
    min_language_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    language_second_vote: bool = False
    """Ask py3langid when CLD3 is unsure (about 1 ms more for such texts; off in ``fast``)."""
    on_error: Literal["record", "raise"] = "record"
    lexicon_dir: Path | None = None
    """A directory of lexicon files to use instead of the packaged ones."""
    scorer: Literal["auto", "interim", "calibrated"] = "auto"
    """``auto``: the calibrated scorer when its detectors all run, else the interim rule."""

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value not in PROFILES:
            raise ValueError(f"unknown profile {value!r}; profiles: {sorted(PROFILES)}")
        return value

    @field_validator("detectors", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return value

    @property
    def detector_names(self) -> tuple[str, ...]:
        """The detectors this configuration enables, in order."""
        return self.detectors if self.detectors is not None else PROFILES[self.profile]

    @property
    def scorer_name(self) -> str:
        """The scorer this configuration uses (``auto`` resolved)."""
        if self.scorer != "auto":
            return self.scorer
        return "calibrated" if set(self.detector_names) >= CALIBRATED_NEEDS else "interim"

    def digest(self) -> str:
        """A short hash of the effective configuration, stored with reports and batches."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


_ENV_PREFIX = "TIPGUARD_"


def _from_env() -> dict[str, Any]:
    fields = AnalyzerConfig.model_fields
    out: dict[str, Any] = {}
    for key, value in os.environ.items():
        if key.startswith(_ENV_PREFIX):
            name = key[len(_ENV_PREFIX) :].lower()
            if name in fields:
                out[name] = value
    return out


def _from_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"config file {path} is not valid: {exc}") from None
    if isinstance(data, dict) and "tipguard" in data:
        data = data["tipguard"]
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping (optionally under `tipguard`)")
    return data


def load_config(path: str | Path | None = None, **overrides: Any) -> AnalyzerConfig:
    """Build the effective configuration from a file, the environment and keyword arguments."""
    merged: dict[str, Any] = {}
    if path is not None:
        merged.update(_from_file(Path(path)))
    merged.update(_from_env())
    merged.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return AnalyzerConfig.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration:\n{exc}") from None
