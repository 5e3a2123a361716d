"""Load lexicon files from the package (or a directory given by the user) and validate them."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from tipguard.errors import LexiconError
from tipguard.lexicons.matcher import LexiconIndex
from tipguard.lexicons.schema import LexiconFile, SharedSets

_LOCK = threading.Lock()
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about 10x faster), else the Python one."""


def _data_dir() -> Path:
    return Path(str(resources.files("tipguard.lexicons").joinpath("data")))


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path.name}: cannot read lexicon file ({type(exc).__name__}: {exc})") from None


def load_file(path: Path) -> LexiconFile:
    """Parse and validate one language file; errors name the file and the offending entry."""
    raw = _read_yaml(path)
    try:
        parsed = LexiconFile.model_validate(raw)
    except ValidationError as exc:
        raise LexiconError(f"{path.name}: invalid lexicon:\n{exc}") from None
    if parsed.language != path.stem:
        raise LexiconError(f"{path.name}: `language: {parsed.language}` does not match the file name")
    return parsed


def load_shared(directory: Path | None = None) -> SharedSets:
    """The term sets shared by all languages."""
    path = (directory or _data_dir()) / "_shared.yaml"
    try:
        return SharedSets.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise LexiconError(f"{path.name}: invalid shared sets:\n{exc}") from None


def available_languages(directory: Path | None = None) -> tuple[str, ...]:
    """ISO codes of the lexicon files present."""
    return tuple(
        sorted(p.stem for p in (directory or _data_dir()).glob("*.yaml") if not p.stem.startswith("_"))
    )


def load_files(languages: Iterable[str] | None = None, directory: Path | None = None) -> list[LexiconFile]:
    """Load the files of ``languages`` (all when ``None``)."""
    base = directory or _data_dir()
    wanted = tuple(languages) if languages is not None else available_languages(base)
    missing = [lang for lang in wanted if not (base / f"{lang}.yaml").exists()]
    if missing:
        raise LexiconError(f"no lexicon for {missing}; available: {list(available_languages(base))}")
    return [load_file(base / f"{lang}.yaml") for lang in wanted]


@lru_cache(maxsize=16)
def _cached_index(
    languages: tuple[str, ...] | None, indicators: tuple[str, ...] | None, directory: str | None
) -> LexiconIndex:
    base = Path(directory) if directory else None
    files = load_files(languages, base)
    shared = load_shared(base)
    return LexiconIndex.build(files, shared.sets, indicators)


def build_index(
    languages: Iterable[str] | None = None,
    indicators: Iterable[str] | None = None,
    directory: Path | None = None,
) -> LexiconIndex:
    """A compiled, cached index; safe to call from many threads."""
    key_lang = tuple(sorted(languages)) if languages is not None else None
    key_ind = tuple(sorted(indicators)) if indicators is not None else None
    with _LOCK:
        return _cached_index(key_lang, key_ind, str(directory) if directory else None)
