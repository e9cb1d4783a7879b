"""Sentence-aware chunks: never cut a sentence that fits, never cross a paragraph, exact offsets for citing.

Every chunk has a hard bound of HARD_FACTOR × the configured size. A sentence within it stays whole, as it
always did (ordinary text chunks exactly as before); a longer "sentence" (a page without punctuation, a
table flattened into one line, a 20 MB file on one line) is cut at clauses (，、：), then at whitespace, then
into fixed windows, so no input makes one chunk that an embedder would take minutes or hours over. The work
is linear in the paragraph's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from rag.ingest.articles import Article
from rag.lang.sentences import CLOSERS, split_sentences

HARD_FACTOR = 2  # no chunk is longer than this many times the configured size
# A clause ends after a comma, enumeration comma or colon (and any closing quotes or brackets after it).
_CLAUSE_END = re.compile(r"[，,、：:]+[" + re.escape(CLOSERS) + r"]*")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences inside one paragraph (or a bounded piece of an overlong one);
    `text == paragraph[start:end]`."""

    article_id: str
    paragraph: int  # numbered from 1
    start: int
    end: int
    text: str


def hard_limit(max_chars: int) -> int:
    """The longest chunk `chunk_paragraph` makes for a configured size."""
    return HARD_FACTOR * max(1, int(max_chars))


def chunk_paragraph(article_id: str, number: int, text: str, max_chars: int) -> list[Chunk]:
    """Greedy packing of whole sentences into chunks of at most `max_chars`; a longer sentence stays whole
    up to `hard_limit(max_chars)` and is cut into bounded pieces past it."""
    hard = hard_limit(max_chars)
    spans = (piece for a, b in split_sentences(text) for piece in _bounded(text, a, b, max_chars, hard))
    return [Chunk(article_id, number, a, b, text[a:b]) for a, b in _pack(spans, max_chars)]


def _pack(spans: Iterable[tuple[int, int]], max_chars: int) -> Iterator[tuple[int, int]]:
    """Consecutive spans joined while the run stays within `max_chars` (a longer span goes alone)."""
    start = end = None
    for a, b in spans:
        if start is not None and b - start > max_chars:
            yield start, end
            start = None
        if start is None:
            start = a
        end = b
    if start is not None:
        yield start, end


def _bounded(text: str, a: int, b: int, soft: int, hard: int) -> Iterator[tuple[int, int]]:
    """The sentence text[a:b] itself when within `hard`; else pieces of it, each within `hard`: clauses,
    then words, then fixed windows of `soft` characters, each level packed up to `soft`."""
    if b - a <= hard:
        yield a, b
        return
    for ca, cb in _pack(_split_after(text, a, b, _CLAUSE_END), soft):
        if cb - ca <= hard:
            yield ca, cb
            continue
        words = ((m.start(), m.end()) for m in _WORD.finditer(text, ca, cb))
        for wa, wb in _pack(words, soft):
            if wb - wa <= hard:
                yield wa, wb
            else:
                yield from ((s, min(s + soft, wb)) for s in range(wa, wb, soft))


def _split_after(text: str, a: int, b: int, marks: re.Pattern) -> Iterator[tuple[int, int]]:
    """text[a:b] cut after each match of `marks`, surrounding whitespace left out of the pieces."""
    pos = a
    for m in marks.finditer(text, a, b):
        yield from _trimmed(text, pos, m.end())
        pos = m.end()
    yield from _trimmed(text, pos, b)


def _trimmed(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        yield a, b


def chunk_article(article: Article, max_chars: int) -> list[Chunk]:
    out: list[Chunk] = []
    for number, para in enumerate(article.paragraphs, start=1):
        out.extend(chunk_paragraph(article.id, number, para, max_chars))
    return out


def chunk_articles(articles: Iterable[Article], max_chars: int) -> list[Chunk]:
    return [c for a in articles for c in chunk_article(a, max_chars)]
