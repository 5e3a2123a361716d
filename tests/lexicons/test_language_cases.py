"""Every target language has a lexicon and native cases, and meets the per-language figures."""

from __future__ import annotations

from collections import Counter

import pytest

from tipguard import Analyzer
from tipguard.eval.cases import score_language
from tipguard.langid import TARGET_LANGUAGES
from tipguard.lexicons.cases import case_languages, load_cases
from tipguard.lexicons.loader import _data_dir as lexicon_dir
from tipguard.lexicons.loader import available_languages, load_file


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_language_has_lexicon_and_cases(lang: str) -> None:
    assert lang in available_languages()
    assert lang in case_languages()
    lexicon = load_file(lexicon_dir() / f"{lang}.yaml")
    covered = {r.indicator for r in lexicon.rules}
    assert "OFF_PLATFORM_MOVE" in covered
    assert {c.kind for c in lexicon.context} >= {"awareness", "news", "honest_recruitment"}
    assert len([c for c in covered if c.startswith("CTL_")]) >= 6
    assert len([c for c in covered if c.startswith("REC_")]) >= 8


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_cases_cover_families_and_look_alikes(lang: str) -> None:
    cases = load_cases(lang)
    families = Counter(c.family for c in cases if c.is_positive)
    kinds = Counter(c.kind for c in cases if not c.is_positive)
    assert sum(families.values()) >= 15 and sum(kinds.values()) >= 15
    assert families["recruitment"] >= 5 and families["control"] >= 4
    assert families["off_platform"] >= 2 and families["advert"] >= 2
    assert {"awareness", "news", "honest_recruitment", "family"} <= set(kinds)
    assert {"research", "support"} & set(kinds)


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_recall_and_false_positive_rate(analyzer: Analyzer, lang: str) -> None:
    score = score_language(analyzer, lang)
    assert score.recall >= 0.9
    assert score.false_positive_rate <= 0.1
