"""The corpus overview (这些文章讲了什么？): one cited line per article of at most about 60 characters — who
did what, and when — cut verbatim from its best sentence (rag.answering.headlines), in one piece or two joined by "…" (each cited); grouped by topic
(rag.answering.clusters) once there are more than ten articles, each group in date order."""

from __future__ import annotations

from typing import Callable, Sequence

from rag.answering.clusters import cluster
from rag.answering.headlines import headline_pieces
from rag.answering.selection import score_article, shown_pieces
from rag.answering.topics import date_key, shown_date
from rag.ingest.articles import Article
from rag.records import Citation, Summary

OVERVIEW_LIMIT = 100  # articles listed; a larger corpus gets a note saying how many were left out

Headline = Callable[[Article], "list[tuple[int, int, int]]"]


def article_headline(article: Article) -> list[tuple[int, int, int]]:
    """The article's ≤ 60-character line as its verbatim pieces (paragraph from 1, start, end): one, or two of
    one sentence shown joined by "…"; [] when it has no sentences."""
    return headline_pieces(score_article(article))


def overview(articles: Sequence[Article], line_of: Headline | None = None, language: str = "zh") -> Summary:
    line_of = line_of or article_headline
    shown_articles = sorted(articles, key=lambda a: a.id)[:OVERVIEW_LIMIT]
    groups = cluster(shown_articles)
    grouped = len(groups) > 1
    lines: list[str] = []
    citations: list[Citation] = []
    for g in groups:
        members = [shown_articles[i] for i in g.members]
        if grouped:
            label = shown_articles[g.central].title
            lines.append(f"【{label}】等 {len(members)} 篇" if language == "zh" else f"[{label}] and related: {len(members)}")
        for article in sorted(members, key=date_key) if grouped else members:
            pieces = line_of(article)
            when = shown_date(article, language)
            if not pieces:
                lines.append(f"{when} 《{article.title}》")
                continue
            cited = [Citation(len(citations) + k, article.id, article.title, article.date, article.source, article.url,
                              p, article.paragraph(p)[a:b], a, b) for k, (p, a, b) in enumerate(pieces, start=1)]
            citations += cited
            lines.append(f"{when} {shown_pieces([c.quote for c in cited])}" + "".join(f"[{c.n}]" for c in cited))
    note = f"showing {len(shown_articles)} of {len(articles)} articles" if len(articles) > len(shown_articles) else None
    title = (f"{len(articles)} 篇文章概览" if articles else "没有文章") if language == "zh" else f"Overview of {len(articles)} articles"
    return Summary(None, title, "\n".join(lines), citations, note=note)
