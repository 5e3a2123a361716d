"""The per-language example cases shipped with the lexicons.

Each ``cases/<iso>.yaml`` holds synthetic positives (with the indicators they must raise) and
benign look-alikes, written natively by the project. They are the lexicon detectors'
``examples()``, drive the contract test suite, and feed the per-language report. They are
development examples, not a held-out test set: held-out evaluation uses separately written
corpora and the public data sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Case:
    """One example text."""

    language: str
    text: str
    expect: tuple[str, ...]
    """Indicators of which at least one must fire; empty for a benign look-alike."""
    family: str = ""
    register: str = ""
    kind: str = ""
    """For benign cases: awareness, news, research, honest_recruitment, support, family, commerce."""

    @property
    def is_positive(self) -> bool:
        """Whether the case is a positive."""
        return bool(self.expect)


def cases_dir() -> Path:
    """Where the case files live inside the package."""
    return Path(str(resources.files("tipguard.lexicons").joinpath("cases")))


def case_languages() -> tuple[str, ...]:
    """ISO codes that have a cases file."""
    return tuple(sorted(p.stem for p in cases_dir().glob("*.yaml")))


@lru_cache(maxsize=64)
def load_cases(language: str) -> tuple[Case, ...]:
    """Positives first, then benign look-alikes, of one language."""
    raw = yaml.safe_load((cases_dir() / f"{language}.yaml").read_text(encoding="utf-8"))
    out = [
        Case(language, c["text"], tuple(c["expect"]), c.get("family", ""), c.get("register", ""))
        for c in raw.get("positives") or []
    ]
    out += [
        Case(language, c["text"], (), kind=c.get("kind", ""), register=c.get("register", ""))
        for c in raw.get("benign") or []
    ]
    return tuple(out)


def all_cases() -> tuple[Case, ...]:
    """Every language's cases."""
    return tuple(c for lang in case_languages() for c in load_cases(lang))
