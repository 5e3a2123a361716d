"""Dashboard counts and the geometry of its bar charts, drawn server-side as inline SVG.

Why draw bars ourselves: the page must work offline inside an NGO's network with a strict
Content-Security-Policy, so no chart library, script or CDN. A horizontal bar chart is a few
rectangles whose lengths come from counts; computing them here keeps the template free of
arithmetic and lets tests check the numbers without a browser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tipguard.store import ReviewRecord

MAX_WEEKS = 26
"""The week chart shows at most the last half year that has findings."""
MAX_BARS = 20
"""Longer tails (rare indicators, languages) are summed into one ``other`` bar."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, count and where it sits in the chart's coordinates."""

    label: str
    count: int
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A horizontal bar chart ready to render (all lengths in SVG user units)."""

    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    bar_height: int

    @property
    def total(self) -> int:
        """The sum of the bars (shown in the caption)."""
        return sum(b.count for b in self.bars)


def bar_chart(
    title: str,
    counts: Sequence[tuple[str, int]],
    width: int = 560,
    label_width: int = 210,
    row: int = 24,
) -> BarChart:
    """Lay out ``counts`` (in the order given) as horizontal bars scaled to the largest count."""
    bar_height = row - 6
    room = width - label_width - 48
    largest = max((c for _, c in counts), default=0)
    bars = tuple(
        Bar(label, count, float(n * row + 4), (room * count / largest) if largest else 0.0)
        for n, (label, count) in enumerate(counts)
    )
    return BarChart(title, bars, width, max(row, len(bars) * row) + 8, label_width, bar_height)


def iso_week(moment: datetime) -> str:
    """``2025-W07``: the ISO year and week a time falls in."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= MAX_BARS:
        return ranked
    head, tail = ranked[: MAX_BARS - 1], ranked[MAX_BARS - 1 :]
    return [*head, ("other", sum(c for _, c in tail))]


def _weeks(days: Counter[date]) -> list[tuple[str, int]]:
    if not days:
        return []
    first_monday = min(days) - timedelta(days=min(days).weekday())
    last_monday = max(days) - timedelta(days=max(days).weekday())
    first_monday = max(first_monday, last_monday - timedelta(weeks=MAX_WEEKS - 1))
    per_week: Counter[str] = Counter()
    for day, count in days.items():
        if day >= first_monday:
            per_week[iso_week(datetime(day.year, day.month, day.day))] += count
    out: list[tuple[str, int]] = []
    monday = first_monday
    while monday <= last_monday:
        label = iso_week(datetime(monday.year, monday.month, monday.day))
        out.append((label, per_week[label]))
        monday += timedelta(weeks=1)
    return out


@dataclass(frozen=True, slots=True)
class Findings:
    """What the flagged items contain: findings per indicator, items per language and week."""

    by_indicator: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    by_week: list[tuple[str, int]]
    items: int


def count_findings(records: Iterable[ReviewRecord]) -> Findings:
    """Count queue items (any status): each indicator once per item, weeks with none included."""
    indicators: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    days: Counter[date] = Counter()
    items = 0
    for record in records:
        items += 1
        indicators.update(set(record.indicators))
        languages[record.language or "unknown"] += 1
        days[record.created_at.date()] += 1
    return Findings(_ranked(indicators), _ranked(languages), _weeks(days), items)
