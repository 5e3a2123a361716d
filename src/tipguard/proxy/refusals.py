"""The policy refusal a blocked chat gets, in the user's language.

The texts are data (``data/refusals.json``), not code, so a translator can fix or add a
language without reading Python. A refusal names the blocked categories in words, so the user
learns why; the machine-readable codes travel beside it in the ``tipguard`` field. A language
with no entry falls back to English rather than to nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tipguard.errors import ModelLoadError

FALLBACK = "en"


@dataclass(frozen=True, slots=True)
class RefusalText:
    """One language's refusal template and category names."""

    template: str
    """Holds ``{category}``."""
    default: str
    """Said when a category has no name in this language."""
    categories: dict[str, str]


@lru_cache(maxsize=1)
def refusal_texts() -> dict[str, RefusalText]:
    """Every language's refusal, keyed by ISO 639-1 code (read once per process)."""
    source = resources.files("tipguard.proxy").joinpath("data/refusals.json")
    try:
        raw = json.loads(source.read_text("utf-8"))
        out = {
            lang: RefusalText(entry["refusal"], entry["default"], dict(entry["categories"]))
            for lang, entry in raw.items()
            if not lang.startswith("_")
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelLoadError(
            f"proxy refusals: cannot read data/refusals.json ({type(exc).__name__})"
        ) from exc
    if FALLBACK not in out or any("{category}" not in t.template for t in out.values()):
        raise ModelLoadError("proxy refusals: every language needs a template with {category}, English too")
    return out


def refusal(language: str, categories: Sequence[str]) -> str:
    """The refusal in ``language`` (English when it has none), naming ``categories`` in words."""
    texts = refusal_texts()
    text = texts.get(language) or texts[FALLBACK]
    names = list(dict.fromkeys(text.categories.get(c, text.default) for c in categories))
    return text.template.format(category=", ".join(names) or text.default)
