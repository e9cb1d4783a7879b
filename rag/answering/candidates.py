"""Candidate quotes: the sentences of retrieved chunks and of the articles read whole, and for a long
sentence also runs of its whole clauses, each with exact offsets in its paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rag.ingest.articles import Article
from rag.lang.script import normalize
from rag.lang.sentences import split_sentences

SCAN_RANK_OFFSET = 3  # a sentence found by reading ranks this far below its article's best chunk
SCAN_SENTENCES = 400  # at most this many sentences of one article are read
SPLIT_ABOVE = 70  # a longer sentence may also be quoted as a run of its whole clauses ...
CLAUSE_RUN = 70  # ... of at most this many characters


@dataclass(frozen=True)
class Sentence:
    """A candidate quote: a whole sentence, or a run of whole clauses of a long one, with its rank."""

    article_id: str
    paragraph: int
    start: int
    end: int
    text: str
    rank: float  # rank of the retrieved chunk that held it (0 = best); articles scanned whole rank lower
    sentence: str  # the whole sentence it belongs to (== text unless it is a clause run)

    @property
    def partial(self) -> bool:
        return self.text != self.sentence


# Clause boundaries inside a long sentence: Chinese/ASCII commas and colons (not a comma between digits).
_CLAUSE_END = re.compile(r"[，：:]|,(?!\d)")


@lru_cache(maxsize=8192)
def sentence_spans(paragraph: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(paragraph))


@lru_cache(maxsize=8192)
def clause_runs(sentence: str) -> tuple[tuple[int, int], ...]:
    """Runs of whole clauses of a long sentence, each at most CLAUSE_RUN characters (offsets in the sentence)."""
    if len(sentence) <= SPLIT_ABOVE:
        return ()
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(sentence) if m.end() < len(sentence)] + [len(sentence)]
    runs = []
    for i in range(len(bounds) - 1):
        j = i + 1
        while j + 1 < len(bounds) and bounds[j + 1] - bounds[i] <= CLAUSE_RUN:
            j += 1
        a, b = bounds[i], bounds[j]
        # A run ends before its trailing comma; leading spaces are not quoted.
        while b > a and sentence[b - 1] in "，,：: ":
            b -= 1
        while a < b and sentence[a].isspace():
            a += 1
        if b - a >= 4 and (a, b) != (0, len(sentence)):
            runs.append((a, b))
    return tuple(dict.fromkeys(runs))


@lru_cache(maxsize=4096)
def article_text(article: Article) -> str:
    """The article's title and text in search form (normalised), for article-level matching."""
    return normalize(article.title + "\n" + "\n".join(article.paragraphs))




@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    return normalize(text)


def units(aid: str, p: int, para: str, a: int, b: int, rank: float) -> list[Sentence]:
    """A sentence and, when it is long, its clause runs."""
    text = para[a:b]
    out = [Sentence(aid, p, a, b, text, rank, text)]
    for x, y in clause_runs(text):
        out.append(Sentence(aid, p, a + x, a + y, text[x:y], rank, text))
    return out


def candidates(hits: Sequence, articles: Mapping[str, Article], scan: Iterable[str] = ()) -> list[Sentence]:
    """Sentences of the retrieved chunks (at their rank), plus every sentence of the `scan` articles."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Sentence] = []
    best_rank: dict[str, int] = {}
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        article = articles.get(chunk.article_id)
        if article is None or not 1 <= chunk.paragraph <= len(article.paragraphs):
            continue  # a stale index entry: never cite what the corpus no longer holds
        best_rank.setdefault(chunk.article_id, rank)
        para = article.paragraph(chunk.paragraph)
        for a, b in sentence_spans(para):
            if b <= chunk.start or a >= chunk.end or (chunk.article_id, chunk.paragraph, a) in seen:
                continue
            seen.add((chunk.article_id, chunk.paragraph, a))
            out += units(chunk.article_id, chunk.paragraph, para, a, b, rank)
    for aid in scan:
        article = articles.get(aid)
        if article is None:
            continue
        rank = best_rank.get(aid, len(hits)) + SCAN_RANK_OFFSET
        count = 0
        for p, para in enumerate(article.paragraphs, start=1):
            for a, b in sentence_spans(para):
                count += 1
                if (aid, p, a) in seen or count > SCAN_SENTENCES:
                    continue
                seen.add((aid, p, a))
                out += units(aid, p, para, a, b, rank)
    return out


