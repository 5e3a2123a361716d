"""Property: every span the analyzer reports lies inside the original text, whatever the input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tipguard import Analyzer

_FRAGMENTS = st.sampled_from(
    [
        "we keep your passport",
        "p4ssp0rt",
        "t e l e g r a m",
        "WhatsАpp",
        "+66 81 234 5678",
        "zero eight one two three four five six seven",
        "pay the deposit of $1,500",
        "ＷＨＡＴＳＡＰＰ",
        "เงินเดือนสูง",
        "ไม่ต้องมีประสบการณ์",
        "加微信",
        "पासपोर्ट",
        "পাসপোর্ট",
        "جواز السفر",
        "паспорт",
        "\u200b",
        "\u00ad",
        "1\ufe0f\u20e3",
        "é",
        "e\u0301",
        "İ",
        "ß",
        "ﬁ",
        "\n",
        "  ",
        "...",
        "@jobs_kh",
        "t.me/abc_def",
        "name (at) mail (dot) com",
        "😀",
        "🇹🇭",
        "\x00",
        "ǅ",
    ]
)
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), min_size=1, max_size=14).map("".join)


@settings(max_examples=250, deadline=None)
@given(_TEXT)
def test_reported_spans_map_inside_the_original(text: str) -> None:
    analyzer = _analyzer()
    verdict = analyzer.analyze(text)
    for finding in verdict.findings:
        assert 0.0 <= finding.score <= 1.0
        for span in finding.spans:
            assert 0 <= span.start < span.end <= len(text)
        for evidence in finding.evidence:
            if evidence.span is not None:
                assert 0 <= evidence.span.start <= evidence.span.end <= len(text)
        for entity in finding.entities:
            assert entity.span is not None and 0 <= entity.span.start < entity.span.end <= len(text)


_CACHE: list[Analyzer] = []


def _analyzer() -> Analyzer:
    if not _CACHE:
        _CACHE.append(Analyzer().load())
    return _CACHE[0]
