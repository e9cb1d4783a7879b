"""Extractive cited summaries of one article, as a news editor would cut them: the event, its numbers and its
decisions in about 120–250 characters, no preambles, slogans or attendance lists, opened by the event's date.

Each sentence is scored by a model fitted on CRUD summaries_dev (rag.answering.summary_model, over the shared
unit features), cut to its informative clause run, and chosen by MMR within a length budget
(rag.answering.selection); every piece is a verbatim span of its paragraph, cited with its offsets and shown in
article order. The summary opens with a dateline (`dateline`): the day of the event the article reports, as the
timeline dates it (rag.answering.timeline.event_date: the first day its lead paragraph states when that is at most
a month before the article's date, else the article's date; here also a bare day early in the lead, 商务部11日…,
up to a week before the article's date in its month), written 2023年8月16日， (2023-08-16: for an article
without Chinese); it is the article's metadata, never a quote, so it carries no citation, and it counts against
the length budget. No dateline when the article's date gives no year, or when the summary opens with a month and
day of its own (2月25日，…: the reader sees when already). A summary that opens with the day alone (26日上午，…) gets
the year and month only (2023年7月26日上午，…, the quote verbatim; no dateline when that day comes after the
dateline's, in an earlier month, or a local one, 当地时间25日…, which may not be the dateline's); one that opens with 当日/当天/同日/当晚 (the day the dateline states) shows the
dateline in its place, its quote starting after those words (2023年7月26日上午，… from 当日上午，…): the date is
never said twice.
`ExtractiveSummarizer` adds the cache (by content hash), the corpus overview
(rag.answering.overview), topic summaries and timelines (rag.answering.topics, rag.answering.timeline).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from rag.answering.headlines import lead_text
from rag.answering.overview import overview
from rag.answering.picks import Cut, Pick, choose
from rag.answering.selection import Scored, score_article, shown_pieces
from rag.answering.summary_cache import GuardedSummaries
from rag.answering.summary_model import DEFAULTS
from rag.answering.timeline import When, event_date, timeline
from rag.answering.topics import topic_summary
from rag.answering.cues import twin
from rag.contracts import Summarizer
from rag.ingest.articles import Article
from rag.lang.script import has_han
from rag.records import Citation, Summary, TopicMatch

# Bump when the algorithm changes: cached summaries made by an older version are recomputed.
ALGORITHM = "extractive-learned-4"
_BARE_DAY = re.compile(r"(?<![\d年月])(\d{1,2})\s*日")  # a day of the article's month: 11日
LEAD_DAY_CHARS = 60  # a bare day counts when the lead states it this early
BARE_DAY_BACK = 7  # ... at most this many days before the article's date (in its month)
_OPENS_DATED = re.compile(r"\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]")  # opens with a month and day
_OPENS_DAY = re.compile(r"\s*(\d{1,2})\s*日(?![元本])")  # opens with a bare day: 26日，… / 26日上午…
_OPENS_LOCAL = re.compile(r"\s*当地时间\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日[，,\s]*")  # 当地时间25日，… (local)
_OPENS_SAME_DAY = re.compile(r"\s*(?:当日|当天|同日|同天|是日|当(?=[晚夜]))[，,\s]*")  # the day just stated
_TIME_OF_DAY = re.compile(r"上午|下午|中午|晚|夜|凌晨|早上|早晨|清晨|傍晚")  # 当日上午 → 2023年7月26日上午


def citation(n: int, article: Article, paragraph: int, start: int, end: int) -> Citation:
    quote = article.paragraph(paragraph)[start:end]
    return Citation(n, article.id, article.title, article.date, article.source, article.url, paragraph, quote, start, end)


def event_when(article: Article, scored: Scored) -> When | None:
    """The day the dateline states (see the module's note), or None when the article's date gives no year."""
    lead = lead_text(scored, whole_paragraph=True)
    when = event_date(article.date, "", lead)
    if when.year is None or when.month is None:
        return None
    bare = _BARE_DAY.search(twin(lead)[:LEAD_DAY_CHARS]) if not when.stated else None
    if bare and when.day - BARE_DAY_BACK <= int(bare.group(1)) <= when.day:  # 商务部11日发布… (published the 12th)
        when = replace(when, day=int(bare.group(1)), stated=True)
    return when


def chinese(article: Article) -> bool:
    return any(has_han(p) for p in article.paragraphs[:3])


def dateline(article: Article, scored: Scored) -> str:
    """The summary's opening date (see the module's note), or "" when the article's date gives no year."""
    when = event_when(article, scored)
    return "" if when is None else dateline_text(article, when)


def opening(article: Article, picks: Sequence[Pick]) -> str:
    p, a, b = picks[0].shown[0]
    return twin(article.paragraph(p)[a:min(b, a + 24)])


def opens_dated(article: Article, picks: Sequence[Pick]) -> bool:
    """Whether the summary's first piece opens with a month and day of its own (2月25日…, 2023年8月16日…)."""
    return bool(picks) and bool(_OPENS_DATED.match(opening(article, picks)))


def fitted_line(article: Article, when: When, picks: list[Pick]) -> tuple[str, list[Pick]]:
    """(dateline, picks) for picks that do not open with a month and day of their own: the whole dateline, or the
    year and month before a bare day (26日…), or the dateline in place of 当日/当天/同日/当晚 or of a local day that
    is the dateline's (当地时间25日): the first piece then starts after those words, still a verbatim span. No
    dateline before a bare day later than the dateline's, or a local day that is not the dateline's."""
    line = dateline_text(article, when)
    if not chinese(article) or not picks:
        return line, picks
    head = opening(article, picks)
    local = _OPENS_LOCAL.match(head)
    if local:
        same_day = (int(local.group(1) or when.month), int(local.group(2))) == (when.month, when.day)
        return in_place(article, line, picks, local.end()) if same_day else ("", picks)
    day = _OPENS_DAY.match(head)
    if day:
        return (f"{when.year}年{when.month}月" if 1 <= int(day.group(1)) <= when.day else ""), picks
    same = _OPENS_SAME_DAY.match(head)
    return in_place(article, line, picks, same.end()) if same else (line, picks)


def in_place(article: Article, line: str, picks: list[Pick], skip: int) -> tuple[str, list[Pick]]:
    """The dateline in place of the first piece's first `skip` characters (a day it says), which it then leaves
    out (the piece stays a verbatim span); joined without a comma to a time of day (2023年7月26日上午，…)."""
    p, a, b = picks[0].shown[0]
    if a + skip >= b:
        return "", picks
    rest = twin(article.paragraph(p)[a + skip:b])
    first = replace(picks[0], pieces=((p, a + skip, b),) + picks[0].shown[1:])
    return line.rstrip("，") + ("" if _TIME_OF_DAY.match(rest) else "，"), [first, *picks[1:]]


def dateline_text(article: Article, when: When) -> str:
    if chinese(article):
        return f"{when.year}年{when.month}月{when.day}日，"
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}: "


def dated_picks(article: Article, scored: Scored, params: dict, cut: Cut | None = None) -> tuple[str, list[Pick]]:
    """(dateline, picks). Picks (from `cut`, when computed already) that open with a month and day of their own
    need no dateline; otherwise the picks are chosen again within the length budget less the whole dateline's
    length, and the dateline fitted to how they open (fitted_line)."""
    picks = choose(scored, params, cut)
    when = event_when(article, scored)
    if when is None or not picks or opens_dated(article, picks):
        return "", picks
    used = len("".join(dateline_text(article, when).split()))
    picks = choose(scored, {**params, "target_chars": params["target_chars"] - used,
                            "max_chars": params["max_chars"] - used}, cut)
    if not picks or opens_dated(article, picks):
        return "", picks
    return fitted_line(article, when, picks)


def summarize_article(article: Article) -> Summary:
    """The cited summary of one article: its dateline, then its own sentences and clause runs; a run whose long
    list is cut shows as its pieces joined by "…", each piece cited."""
    citations: list[Citation] = []
    line, picks = dated_picks(article, score_article(article), DEFAULTS)
    parts: list[str] = [line] if picks else []
    for pick in picks:
        cited = [citation(len(citations) + k, article, *piece) for k, piece in enumerate(pick.shown, start=1)]
        citations += cited
        parts.append(shown_pieces([c.quote for c in cited]) + "".join(f"[{c.n}]" for c in cited))
    note = None if citations else "the article has no sentences to summarise"
    return Summary(article.id, article.title, "".join(parts), citations, note=note)


class ExtractiveSummarizer(Summarizer):
    """The extractive summaries, cached by content hash when given a cache."""

    backend = "extractive"

    def __init__(self, cache: GuardedSummaries | None = None):
        self.cache = cache

    def summarize(self, article: Article) -> Summary:
        if self.cache is None:
            return summarize_article(article)
        return self.cache.get_or_make(article, summarize_article, ALGORITHM)

    def overview(self, articles: Sequence[Article], language: str = "zh") -> Summary:
        return overview(articles, language=language)

    def topic(self, match: TopicMatch) -> Summary:
        return topic_summary(match)

    def timeline(self, match: TopicMatch) -> Summary:
        return timeline(match)
