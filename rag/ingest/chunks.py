"""Sentence-aware chunks: never cut a sentence, never cross a paragraph, exact offsets for citing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from rag.ingest.articles import Article

# A sentence ends at Chinese 。！？；… (or a run of them), or English .!? followed by space/end,
# and takes any closing quotes or brackets that follow it.
_SENT_END = re.compile(
    r"""(?:[。！？!?；;]+|…+|\.(?=\s|$)|\.{3})[”’"'」』）)\]】]*"""
)


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences inside one paragraph; `text == paragraph[start:end]`."""

    article_id: str
    paragraph: int  # numbered from 1
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering `text`, leading/trailing whitespace excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        _append_span(text, pos, end, spans)
        pos = end
    _append_span(text, pos, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


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
