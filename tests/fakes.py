"""Shared fakes for fast unit tests. Each subclasses the real base or contract it stands in for, so a renamed
method or field fails here instead of leaving tests green; everything else in them is real (real BM25, real
articles, the real engine, answerer and summarizer)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping, Sequence

from rag.chat import Conversation
from rag.config import Config
from rag.contracts import Retriever
from rag.engine import Engine, Snapshot
from rag.index.pipeline import IngestReport
from rag.ingest.articles import Article, load_file
from rag.records import Filter, Reply
from rag.uploads import place_upload


class LexicalRetriever(Retriever):
    """The retriever contract (`search(query, k, article_ids, filter)`, `search_articles`) over real BM25
    (rag.index.lexical), no embedder; `titles`: each chunk's article title is indexed with it, as the product does.
    A filter is applied as the product's scope applies it (rag.scope.facts: year-less dates, outlet groups), as
    a mask inside the BM25 search."""

    def __init__(self, articles, chunk_chars: int = 160, titles: bool = True):
        from rag.ingest.chunks import chunk_articles
        from rag.index.lexical import LexicalIndex, tokenize

        self.articles = {a.id: a for a in articles}
        self.chunks = chunk_articles(articles, chunk_chars)
        title = {a.id: a.title + "\n" if titles else "" for a in articles}
        self.index = LexicalIndex.from_tokens([tokenize(title[c.article_id] + c.text) for c in self.chunks])

    def search(self, query, k=10, article_ids=None, filter=None):
        import numpy as np

        from rag.index.lexical import tokenize, top_k
        from rag.records import Hit
        from rag.scope.facts import facts_for

        if filter:
            admitted = set(facts_for(self.articles).matching(filter))
            article_ids = [a for a in (article_ids if article_ids is not None else admitted) if a in admitted]
        mask = None if article_ids is None else np.array([c.article_id in set(article_ids) for c in self.chunks])
        scores, ids = top_k(self.index.scores(tokenize(query)), k, mask)
        return [Hit(self.chunks[i], float(s), None, r) for r, (s, i) in enumerate(zip(scores, ids))]

    def search_articles(self, query, k=10, filter=None):
        best: dict[str, float] = {}
        for hit in self.search(query, k=50, filter=filter):
            best.setdefault(hit.chunk.article_id, hit.score)
        return list(best.items())[:k]


def lexical_engine(articles: Mapping[str, Article], folder: Path, **settings) -> Engine:
    """The real Engine (answerer, summarizer, summary cache in `folder`) over a BM25-only retriever: no
    embedder, so it answers in milliseconds and loads no model."""
    config = Config(index_dir=Path(folder), **settings)
    retriever = LexicalRetriever(list(articles.values()), titles=False)
    return Engine(config, Snapshot(dict(articles), retriever), embedder=None, log=lambda _m: None)


class FakeEngine(Engine):
    """The real Engine over BM25, as `lexical_engine`, with its corpus and index folders under `folder`, faking
    only what a unit test of the web page cannot get from it:

    - `drafts`: what a streaming language model shows before its verified reply (the extractive answerer has none);
    - `failure`: raised instead of the reply, as an engine that breaks mid-request would;
    - `add_files` without an embedder: uploads are checked and stored (in the uploads folder) by the real `place_upload`, read by the
      real loader and indexed with BM25 only, and the report is a real IngestReport.

    `calls` records each chat request as (message, conversation, k); `filters` the filter of each."""

    def __init__(self, articles: Mapping[str, Article], folder: Path, drafts: Sequence[str] = (),
                 failure: Exception | None = None, **settings):
        folder = Path(folder)
        config = Config(corpus=(folder / "corpus",), index_dir=folder / "index", **settings)
        retriever = LexicalRetriever(list(articles.values()), titles=False)
        super().__init__(config, Snapshot(dict(articles), retriever), embedder=None, log=lambda _m: None)
        self.drafts = tuple(drafts)
        self.failure = failure
        self.calls: list[tuple[str, Conversation | None, int | None]] = []
        self.filters: list[Filter] = []

    def respond_stream(self, message: str, conversation: Conversation | None = None,
                       k: int | None = None, filter: Filter = Filter()) -> Iterator[str | tuple[Reply, Conversation]]:
        self.calls.append((message, conversation, k))
        self.filters.append(filter)
        yield from self.drafts
        if self.failure is not None:
            raise self.failure
        yield from super().respond_stream(message, conversation, k, filter)

    def add_files(self, files: Sequence[Path], progress=True) -> IngestReport:
        target = self.config.uploads_dir
        target.mkdir(parents=True, exist_ok=True)
        articles = dict(self.articles)
        report = IngestReport()
        for f in files:
            stored, problem = place_upload(Path(f), target, articles, self.config.max_upload_mb, lambda _m: None)
            if problem is not None:
                report.skipped.append(problem)
            if stored is not None:
                for article in load_file(stored)[0]:
                    (report.changed if article.id in articles else report.added).append(article.id)
                    articles[article.id] = article
        if callable(progress):
            progress(1, 1, "indexing")
        self._snapshot = Snapshot(articles, LexicalRetriever(list(articles.values()), titles=False))
        return report
