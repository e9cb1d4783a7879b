"""Extractive cited summaries of one article, as a news editor would cut them: the event, its numbers and its
decisions in about 120–250 characters, no preambles, slogans or attendance lists.

Each sentence is scored by a model fitted on CRUD summaries_dev (rag.answering.summary_model, over the shared
unit features), cut to its informative clause run, and chosen by MMR within a length budget
(rag.answering.selection); every piece is a verbatim span of its paragraph, cited with its offsets and shown in
article order. `ExtractiveSummarizer` adds the cache (by content hash), the corpus overview
(rag.answering.overview), topic summaries and timelines (rag.answering.topics, rag.answering.timeline).
"""

from __future__ import annotations

from typing import Sequence

from rag.answering.overview import overview
from rag.answering.picks import choose
from rag.answering.selection import score_article, shown_pieces
from rag.answering.summary_cache import GuardedSummaries
from rag.answering.timeline import timeline
from rag.answering.topics import topic_summary
from rag.contracts import Summarizer
from rag.ingest.articles import Article
from rag.records import Citation, Summary, TopicMatch

# Bump when the algorithm changes: cached summaries made by an older version are recomputed.
ALGORITHM = "extractive-learned-1"


def citation(n: int, article: Article, paragraph: int, start: int, end: int) -> Citation:
    quote = article.paragraph(paragraph)[start:end]
    return Citation(n, article.id, article.title, article.date, article.source, article.url, paragraph, quote, start, end)


def summarize_article(article: Article) -> Summary:
    """The cited summary of one article, from its own sentences and clause runs; a run whose long list is cut
    shows as its pieces joined by "…", each piece cited."""
    citations: list[Citation] = []
    parts: list[str] = []
    for pick in choose(score_article(article)):
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

    def overview(self, articles: Sequence[Article]) -> Summary:
        return overview(articles)

    def topic(self, match: TopicMatch) -> Summary:
        return topic_summary(match)

    def timeline(self, match: TopicMatch) -> Summary:
        return timeline(match)
