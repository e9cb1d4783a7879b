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
the length budget. No dateline when the article's date gives no year, or when the summary opens with a day of its
own (2月25日，…: the reader sees when already).
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
from rag.answering.timeline import event_date, timeline
from rag.answering.topics import topic_summary
from rag.answering.cues import twin
from rag.contracts import Summarizer
from rag.ingest.articles import Article
from rag.lang.script import has_han
from rag.records import Citation, Summary, TopicMatch

# Bump when the algorithm changes: cached summaries made by an older version are recomputed.
ALGORITHM = "extractive-learned-2"
_BARE_DAY = re.compile(r"(?<![\d年月])(\d{1,2})\s*日")  # a day of the article's month: 11日
LEAD_DAY_CHARS = 60  # a bare day counts when the lead states it this early
BARE_DAY_BACK = 7  # ... at most this many days before the article's date (in its month)
_OPENS_DATED = re.compile(r"\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]")  # opens with a day


def citation(n: int, article: Article, paragraph: int, start: int, end: int) -> Citation:
    quote = article.paragraph(paragraph)[start:end]
    return Citation(n, article.id, article.title, article.date, article.source, article.url, paragraph, quote, start, end)


def dateline(article: Article, scored: Scored) -> str:
    """The summary's opening date (see the module's note), or "" when the article's date gives no year."""
    lead = lead_text(scored, whole_paragraph=True)
    when = event_date(article.date, "", lead)
    if when.year is None or when.month is None:
        return ""
    bare = _BARE_DAY.search(twin(lead)[:LEAD_DAY_CHARS]) if not when.stated else None
    if bare and when.day - BARE_DAY_BACK <= int(bare.group(1)) <= when.day:  # 商务部11日发布… (published the 12th)
        when = replace(when, day=int(bare.group(1)), stated=True)
    if any(has_han(p) for p in article.paragraphs[:3]):
        return f"{when.year}年{when.month}月{when.day}日，"
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}: "


def opens_dated(article: Article, picks: Sequence[Pick]) -> bool:
    """Whether the summary's first piece opens with a day of its own (2月25日…, 2023年8月16日…)."""
    if not picks:
        return False
    p, a, _ = picks[0].shown[0]
    return bool(_OPENS_DATED.match(twin(article.paragraph(p)[a:a + 24])))


def dated_picks(article: Article, scored: Scored, params: dict, cut: Cut | None = None) -> tuple[str, list[Pick]]:
    """(dateline, picks). Picks (from `cut`, when computed already) that open with a day of their own need no
    dateline; otherwise the picks are chosen again within the length budget less the dateline's length."""
    picks = choose(scored, params, cut)
    line = dateline(article, scored)
    if not line or not picks or opens_dated(article, picks):
        return "", picks
    used = len("".join(line.split()))
    picks = choose(scored, {**params, "target_chars": params["target_chars"] - used,
                            "max_chars": params["max_chars"] - used}, cut)
    return ("" if opens_dated(article, picks) else line), picks


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
