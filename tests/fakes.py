"""Shared fakes for fast unit tests. Each subclasses the real base or contract it stands in for, so a renamed
method or field fails here instead of leaving tests green; everything else in them is real (real BM25, real
articles, the real engine, answerer and summarizer)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from rag.config import Config
from rag.contracts import Retriever
from rag.engine import Engine, Snapshot
from rag.ingest.articles import Article


class LexicalRetriever(Retriever):
    """The retriever contract (`search(query, k, article_ids)`, `search_articles`) over real BM25
    (rag.index.lexical), no embedder; `titles`: each chunk's article title is indexed with it, as the product does."""

    def __init__(self, articles, chunk_chars: int = 160, titles: bool = True):
        from rag.ingest.chunks import chunk_articles
        from rag.index.lexical import LexicalIndex, tokenize

        self.chunks = chunk_articles(articles, chunk_chars)
        title = {a.id: a.title + "\n" if titles else "" for a in articles}
        self.index = LexicalIndex.from_tokens([tokenize(title[c.article_id] + c.text) for c in self.chunks])

    def search(self, query, k=10, article_ids=None):
        import numpy as np

        from rag.index.lexical import tokenize, top_k
        from rag.records import Hit

        mask = None if article_ids is None else np.array([c.article_id in set(article_ids) for c in self.chunks])
        scores, ids = top_k(self.index.scores(tokenize(query)), k, mask)
        return [Hit(self.chunks[i], float(s), None, r) for r, (s, i) in enumerate(zip(scores, ids))]

    def search_articles(self, query, k=10):
        best: dict[str, float] = {}
        for hit in self.search(query, k=50):
            best.setdefault(hit.chunk.article_id, hit.score)
        return list(best.items())[:k]


def lexical_engine(articles: Mapping[str, Article], folder: Path, **settings) -> Engine:
    """The real Engine (answerer, summarizer, summary cache in `folder`) over a BM25-only retriever: no
    embedder, so it answers in milliseconds and loads no model."""
    config = Config(index_dir=Path(folder), **settings)
    retriever = LexicalRetriever(list(articles.values()), titles=False)
    return Engine(config, Snapshot(dict(articles), retriever), embedder=None, log=lambda _m: None)
