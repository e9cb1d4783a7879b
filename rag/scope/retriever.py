"""Searches within a scope: the scope's filter, its outlets turned into the credits the index stores
(CorpusFacts.index_filter), is handed to the retriever, whose index applies it inside both searches
(rag.index.backend.Where: FAISS and BM25 through a mask, Milvus through an expression), never after the top-k;
a question that asks for the latest (`最新`, `latest`, `最近`) prefers newer articles."""

from __future__ import annotations

from datetime import date
from typing import Collection, Mapping

from rag import contracts
from rag.ingest.articles import Article
from rag.records import Filter, Hit
from rag.scope.facts import CorpusFacts
from rag.scope.plan import Scope

# Recency (tuned on bench/date_qa.jsonl's recency questions r01-r05): among RECENCY_POOL × k candidates, those
# whose fused score is within RECENCY_MARGIN of the best (z-score units) come newest first.
RECENCY_MARGIN = 1.5
RECENCY_POOL = 4
ARTICLE_POOL = 50  # chunks read for search_articles under recency


class ScopedRetriever(contracts.Retriever):
    """A retriever that takes outlets by name, alias or group (新华社 with 新华网), searching within `scope` unless
    a search names its own filter, and, when asked, prefers newer articles; the search, filter included, is the
    inner retriever's (its index's)."""

    def __init__(self, inner: contracts.Retriever, facts: CorpusFacts, anchor: date | None = None,
                 recency: bool = False, scope: Filter = Filter()):
        self.inner = inner
        self.facts = facts
        self.anchor = anchor
        self.recency = recency
        self.scope = scope

    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        f = self.facts.index_filter(filter or self.scope)
        if not self.recency:
            return self.inner.search(query, k, article_ids, f)
        hits = self.inner.search(query, max(k * RECENCY_POOL, 20), article_ids, f)
        return boost_recent(hits, self.facts.articles)[: max(k, 0)]

    def search_articles(self, query: str, k: int = 10, filter: Filter | None = None) -> list[tuple[str, float]]:
        if not self.recency:
            return self.inner.search_articles(query, k, self.facts.index_filter(filter or self.scope))
        best: dict[str, float] = {}
        for hit in self.search(query, max(ARTICLE_POOL, k * 5), filter=filter):
            best.setdefault(hit.article_id, hit.score)
        return list(best.items())[: max(k, 0)]


def boost_recent(hits: list[Hit], articles: Mapping[str, Article]) -> list[Hit]:
    """The hits about as relevant as the best (fused score within RECENCY_MARGIN of it) newest first, then the
    rest as ranked: a question for the latest wants the newest of what answers it, not the newest article."""
    if not hits:
        return hits
    best = max(h.score for h in hits)

    def day(h: Hit) -> str:
        a = articles.get(h.article_id)
        return a.date[:10] if a is not None and a.date and not a.date.startswith("--") else ""

    near = [h for h in hits if h.score >= best - RECENCY_MARGIN]
    near.sort(key=lambda h: (day(h), h.score), reverse=True)
    ids = {id(h) for h in near}
    return near + [h for h in hits if id(h) not in ids]


class ScopedCorpus(contracts.Corpus):
    """A corpus as one question's scope sees it: the same articles, every search kept within the scope's
    filter (the request's `filter`: the answerers need not pass it on) and boosted for recency when asked."""

    def __init__(self, corpus: contracts.Corpus, scope: Scope, facts: CorpusFacts):
        self._articles = corpus.articles
        self._retriever = ScopedRetriever(corpus.retriever, facts, scope.anchor, scope.recency, scope.filter)

    @property
    def articles(self) -> Mapping[str, Article]:
        return self._articles

    @property
    def retriever(self) -> contracts.Retriever:
        return self._retriever
