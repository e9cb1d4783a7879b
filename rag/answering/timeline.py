"""Timelines: the articles about a topic as dated lines, one event each (a story republished by several outlets
once, the others named), cited, oldest first.

An event's date is the one its sentence states when it states a full date (2023年7月28日); a month and day
(7月28日) take the year of the article's date, or the year before when that would put the event after the
article; otherwise the article's date. An article whose page gives no year (ISO --MM-DD) and whose sentence
names none is shown with its month and day and "year not given"; an undated article as undated. Neither is
ever given a guessed year: they follow the dated lines, in their own sections."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rag.answering.cues import twin
from rag.answering.headlines import headline
from rag.answering.selection import score_article, shown
from rag.answering.stories import also_carried, carriers, distinct_stories
from rag.answering.topics import Line, nothing_found, pick_lines
from rag.records import Citation, Summary, TopicMatch

EVENT_CHARS = 80  # an event line is at most this long (a clause run of the article's best sentences)
MAX_EVENTS = 30
ARTICLES_READ = 40  # the most relevant articles whose events are considered
_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_YEARLESS = re.compile(r"^--(\d{2})-(\d{2})")


@dataclass(frozen=True)
class When:
    """An event's date: year None when no year is known; month None when nothing is."""

    year: int | None
    month: int | None
    day: int | None
    stated: bool  # the sentence states it (else: the article's date)

    def key(self) -> tuple:
        if self.year is not None:
            return (0, self.year, self.month, self.day)
        if self.month is not None:
            return (1, 0, self.month, self.day)
        return (2, 0, 0, 0)

    def label(self, language: str) -> str:
        if self.year is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.month:02d}-{self.day:02d}（年份不详）" if language == "zh" else f"{self.month:02d}-{self.day:02d} (year not given)"
        return "日期不详" if language == "zh" else "undated"


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def event_date(article_date: str | None, text: str) -> When:
    """The date of the event a sentence reports, from the sentence and the article's date (never guessed)."""
    t = twin(text)
    iso, yearless = _ISO.match(article_date or ""), _YEARLESS.match(article_date or "")
    m = _FULL.search(t)
    if m and _valid(int(m.group(2)), int(m.group(3))):
        return When(int(m.group(1)), int(m.group(2)), int(m.group(3)), True)
    m = _MONTH_DAY.search(t)
    if m and _valid(int(m.group(1)), int(m.group(2))):
        month, day = int(m.group(1)), int(m.group(2))
        if iso:
            year, pub = int(iso.group(1)), (int(iso.group(2)), int(iso.group(3)))
            return When(year - 1 if (month, day) > pub and month - pub[0] > 1 else year, month, day, True)
        return When(None, month, day, True)
    if iso:
        return When(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), False)
    if yearless:
        return When(None, int(yearless.group(1)), int(yearless.group(2)), False)
    return When(None, None, None, False)


def timeline_title(match: TopicMatch) -> str:
    n = len(match.articles)
    return f"“{match.topic}”时间线（{n} 篇报道）" if match.language == "zh" else f"Timeline of “{match.topic}” ({n} articles)"


def timeline_events(match: TopicMatch, max_events: int = MAX_EVENTS) -> list[tuple[When, Line]]:
    """One event per article (its ≤ 80-character line), near-duplicate reports left out, oldest first: dated
    events, then those without a year, then undated ones."""
    lines = []
    for rank, (article, others) in enumerate(distinct_stories(match.articles, ARTICLES_READ)):
        scored = score_article(article)
        span = headline(scored, EVENT_CHARS)
        if span is not None:
            best = float(max(scored.sentence_scores.max(), 0.0)) if len(scored.sentence_scores) else 0.0
            lines.append(Line(article, span, (0.5 + best) / math.sqrt(1 + rank), carriers(article, others)))
    events = pick_lines(lines, max_events)
    return sorted(((event_date(l.article.date, l.text), l) for l in events), key=lambda t: (t[0].key(), t[1].article.id))


def section_heading(kind: int, language: str) -> str:
    """The heading before the events without a year (kind 1) or without a date (kind 2)."""
    if language == "zh":
        return "以下报道未注明年份：" if kind == 1 else "以下报道未注明日期："
    return "Reports that give no year:" if kind == 1 else "Undated reports:"


def event_prefix(when: When, line: Line, language: str) -> str:
    source = line.article.source
    where = (f"（{source}）" if language == "zh" else f" ({source})") if source else ""
    return f"{when.label(language)}{where} "


def timeline(match: TopicMatch, max_events: int = MAX_EVENTS) -> Summary:
    title = timeline_title(match)
    if not match.articles:
        return nothing_found(match, title)
    events = timeline_events(match, max_events)
    out: list[str] = []
    citations: list[Citation] = []
    section = 0
    for when, line in events:
        if when.key()[0] > section:
            section = when.key()[0]
            out.append(section_heading(section, match.language))
        n = len(citations) + 1
        p, a, b = line.span
        art = line.article
        citations.append(Citation(n, art.id, art.title, art.date, art.source, art.url, p, line.text, a, b))
        out.append(f"{event_prefix(when, line, match.language)}{shown(line.text)}[{n}]{also_carried(line.also, match.language)}")
    return Summary(None, title, "\n".join(out), citations, note=coverage_note(match, len(events)))


def coverage_note(match: TopicMatch, events: int) -> str | None:
    if len(match.articles) <= events:
        return None
    return (f"{events} events from {len(match.articles)} matching articles "
            f"(the most relevant {min(len(match.articles), ARTICLES_READ)} read; repeated reports left out)")
