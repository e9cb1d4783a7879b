"""Sentence-aware chunks: never cut a sentence, never cross a paragraph, exact offsets for citing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rag.ingest.articles import Article
from rag.lang.sentences import split_sentences


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences inside one paragraph; `text == paragraph[start:end]`."""

    article_id: str
    paragraph: int  # numbered from 1
    start: int
    end: int
    text: str


def chunk_paragraph(article_id: str, number: int, text: str, max_chars: int) -> list[Chunk]:
    """Greedy packing of whole sentences into chunks of at most `max_chars` (a longer sentence stays whole)."""
    chunks: list[Chunk] = []
    start = end = None
    for a, b in split_sentences(text):
        if start is not None and b - start > max_chars:
            chunks.append(Chunk(article_id, number, start, end, text[start:end]))
            start = None
        if start is None:
            start = a
        end = b
    if start is not None:
        chunks.append(Chunk(article_id, number, start, end, text[start:end]))
    return chunks


def chunk_article(article: Article, max_chars: int) -> list[Chunk]:
    out: list[Chunk] = []
    for number, para in enumerate(article.paragraphs, start=1):
        out.extend(chunk_paragraph(article.id, number, para, max_chars))
    return out


def chunk_articles(articles: Iterable[Article], max_chars: int) -> list[Chunk]:
    return [c for a in articles for c in chunk_article(a, max_chars)]
