"""Hybrid retrieval: dense and lexical (BM25) candidates from the index backend (rag.index.backend: FAISS or
Milvus), fused, optionally reranked. A `Filter` (dates, outlets) is applied inside the index, by both searches,
never to a top-k afterwards.

Fusion is measured, not assumed (bench/bench_retrieval.py, CRUD qa_dev): the product fuses at article level
with z-scores (`Fusion`); the variants it was measured against (one signal alone, RRF, chunk-level z-score
and min-max) are `FusionRule`s in bench/fusion_variants.py.

Public API: `Retriever` (`search`, `search_timed`, `search_articles`, `rank`, `warm_up`) and what it returns
(`Hit`, `SearchResult`, `Ranking`); `Fusion` and the `FusionRule` contract it meets (with `Candidates`, what
a rule fuses); `Searcher`, what answering needs from a retriever.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar, Collection, Protocol

import numpy as np

from rag import contracts
from rag.config import Config
from rag.index.backend import ChunkPool, IndexBackend, Pool, Where
from rag.index.embedders import Embedder, EmbedderError
from rag.index.inputs import query_input
from rag.records import Filter, Hit

__all__ = ["Candidates", "Fusion", "FusionRule", "Hit", "Ranking", "Retriever", "SearchResult", "Searcher",
           "STAGES", "load_reranker", "standardise"]

# What a search's timings measure, in milliseconds (a stage that did not run is 0).
STAGES = ("embed", "dense", "lexical", "fusion", "rerank")


@dataclass(frozen=True)
class SearchResult:
    """One search's hits, best first, and how long each stage took (ms, by STAGES)."""

    hits: list[Hit]
    timings: dict[str, float]


@dataclass(frozen=True)
class Ranking:
    """Fused candidates, best first, as arrays: Hit objects are made only for the ones asked for (a question
    has hundreds of candidates and needs a handful)."""

    index: ChunkPool  # what the ids number (the FAISS index itself, or one question's candidates)
    rows: np.ndarray  # chunk ids, best first
    scores: np.ndarray  # their fused scores
    article_scores: np.ndarray | None  # (article-level fusion) each row's article score
    dense_ids: np.ndarray  # the dense and lexical top lists, for each hit's rank in them
    lexical_ids: np.ndarray
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))  # ms, by STAGES

    def __len__(self) -> int:
        return len(self.rows)

    def hits(self, n: int) -> list[Hit]:
        """The n best as Hits."""
        dense_rank = {int(c): r for r, c in enumerate(self.dense_ids)}
        lex_rank = {int(c): r for r, c in enumerate(self.lexical_ids)}
        chunks = self.index.chunks
        return [Hit(chunks[c], float(s), dense_rank.get(c), lex_rank.get(c))
                for c, s in zip(self.rows[: max(n, 0)].tolist(), self.scores[: max(n, 0)].tolist())]

    def articles(self, k: int) -> list[tuple[str, float]]:
        """The k best distinct articles: by their article score, or by their best chunk."""
        owners = self.index.chunk_article[self.rows]
        _, first = np.unique(owners, return_index=True)
        first.sort()  # each article at its best chunk's place
        scores = self.scores[first] if self.article_scores is None else self.article_scores[first]
        order = np.argsort(-scores, kind="stable")[: max(k, 0)]  # stable: chunk order among equal scores
        ids = self.index.article_ids
        return [(ids[owners[first[i]]], float(scores[i])) for i in order]


EMPTY = np.zeros(0, dtype=np.int64)
NO_CANDIDATES = Pool([], EMPTY, [])


@dataclass(frozen=True)
class Candidates:
    """What a question's candidates are, for a fusion rule: both signals are known exactly for every candidate
    (a dense-only candidate's BM25 score and a lexical-only candidate's cosine are computed), so nothing is
    imputed."""

    rows: np.ndarray  # candidate chunk ids, ascending
    articles: np.ndarray  # each candidate's article number (ChunkPool.chunk_article)
    dense_ids: np.ndarray  # the dense top `pool` chunk ids, best first (empty when the rule uses no dense)
    lexical_ids: np.ndarray  # the BM25 top `pool`, best first (empty when the rule uses no BM25)
    dense: np.ndarray | None  # each candidate's cosine (None when the rule uses no dense)
    lexical: np.ndarray | None  # each candidate's BM25 score (None when the rule uses no BM25)


class FusionRule(Protocol):
    """How the two signals' evidence becomes one ranking: `Fusion` in the product, others in bench/."""

    @property
    def pool(self) -> int: ...  # candidates taken from each signal

    @property
    def uses_dense(self) -> bool: ...

    @property
    def uses_lexical(self) -> bool: ...

    @property
    def whole_articles(self) -> bool: ...  # candidates include every chunk of a candidate chunk's article

    def fuse(self, found: Candidates) -> tuple[np.ndarray, np.ndarray | None]:
        """Each candidate's score, and (article-level rules) its article's score, which `Ranking.articles` uses."""
        ...


@dataclass(frozen=True)
class Fusion:
    """Article-level z-score fusion, the measured best on CRUD qa_dev (the defaults).

    An article's score fuses its best dense and its best lexical chunk, which need not be the same chunk, each
    standardised over the candidate articles' own top scores; a chunk ranks by its article's score +
    `chunk_weight` × its own fused score.
    """

    # dense is the weaker signal here (CRUD qa_dev article hit@1 0.63 vs BM25 0.79): it adds evidence
    dense_weight: float = 0.3
    lexical_weight: float = 1.0
    pool: int = 100  # candidates taken from each side
    # The scaling statistics come from the lexical candidates and only the strongest `dense_core` dense
    # chunks: dense's long tail brought noise. Every dense candidate is still scored, so no article is
    # dropped; with no lexical candidate at all (an English question) all of them count.
    dense_core: int = 10
    chunk_weight: float = 0.3  # a chunk ranks by its article's score + this × its own

    uses_dense: ClassVar[bool] = True
    uses_lexical: ClassVar[bool] = True
    whole_articles: ClassVar[bool] = True

    def fuse(self, found: Candidates) -> tuple[np.ndarray, np.ndarray]:
        dense_ids, lex_ids = found.dense_ids, found.lexical_ids
        core_ids = dense_ids if len(lex_ids) == 0 else np.concatenate([dense_ids[: self.dense_core], lex_ids])
        core = np.isin(found.rows, core_ids)  # the candidates whose articles give the scaling statistics
        dense_cos, lex_scores = found.dense, found.lexical
        assert dense_cos is not None and lex_scores is not None  # (it uses both)
        owner = np.unique(found.articles, return_inverse=True)[1]
        n = owner.max() + 1
        best_dense, best_lex = np.full(n, -np.inf), np.full(n, -np.inf)
        np.maximum.at(best_dense, owner, dense_cos)
        np.maximum.at(best_lex, owner, lex_scores)
        is_core = np.zeros(n, dtype=bool)
        is_core[owner[core]] = True
        ref_dense = -np.sort(-best_dense[is_core])[: self.pool]
        ref_lex = -np.sort(-best_lex[is_core])[: self.pool]
        article = (self.dense_weight * standardise(best_dense, ref_dense)
                   + self.lexical_weight * standardise(best_lex, ref_lex))
        own = (self.dense_weight * standardise(dense_cos, dense_cos[core])
               + self.lexical_weight * standardise(lex_scores, lex_scores[core]))
        return article[owner] + self.chunk_weight * own, article[owner]


def standardise(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(values - mean) / std, with mean and std taken over the reference scores (one side's own top list)."""
    if len(reference) < 2:
        return np.zeros_like(values, dtype=np.float64)
    sd = float(np.std(reference))
    return (values - float(np.mean(reference))) / (sd if sd > 1e-9 else 1.0)


RERANK_CANDIDATES = 30  # chunks the cross-encoder rescores


class Retriever(contracts.Retriever):
    """The hybrid retriever over one committed state of an index (the `rag.contracts.Retriever` the engine uses);
    safe to share between concurrent requests (each search keeps its own timings, on its result)."""

    def __init__(self, index: IndexBackend, embedder: Embedder, config: Config, fusion: FusionRule | None = None):
        index.check(embedder.id, embedder.dim)
        self.index = index
        self.embedder = embedder
        self.config = config
        self.fusion: FusionRule = fusion or Fusion()
        self._reranker = None

    # -- public ----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        """The k best chunks for a question, best first; `article_ids` restricts the search to those articles,
        `filter` to articles of those dates and outlets."""
        return self.search_timed(query, k, article_ids, filter).hits

    def search_timed(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
                     filter: Filter | None = None) -> SearchResult:
        """`search`, with how long each stage took."""
        ranking = self.rank(query, article_ids, filter)
        if self.config.reranker and len(ranking):
            t0 = time.perf_counter()
            hits = self._rerank(query, ranking.hits(max(k, RERANK_CANDIDATES)))
            timings = {**ranking.timings, "rerank": round((time.perf_counter() - t0) * 1000, 3)}
            return SearchResult(hits[: max(k, 0)], timings)
        return SearchResult(ranking.hits(k), ranking.timings)

    def search_articles(self, query: str, k: int = 10, filter: Filter | None = None) -> list[tuple[str, float]]:
        """Distinct articles, best first: by the article-level fused score, or by their best chunk."""
        if not self.config.reranker:
            return self.rank(query, None, filter).articles(k)
        best: dict[str, float] = {}
        for hit in self.search(query, k=RERANK_CANDIDATES, filter=filter):
            best.setdefault(hit.article_id, hit.score)
        return list(best.items())[: max(k, 0)]

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the model, jieba's dictionary, BM25, FAISS,
        and the pinyin tables an English question naming a place needs (~0.6 s the first time)."""
        from rag.index.lexical import tokenize
        from rag.lang.pinyin import char_readings

        if self.fusion.uses_dense:
            self.embedder.embed_query("warm up")
        if self.fusion.uses_lexical:
            tokenize("预热")  # loads jieba's dictionary
            try:
                char_readings()
            except ImportError:  # pypinyin absent: English names are not romanised
                pass
        if len(self.index.articles()):
            self.rank("预热 warm up")  # the index's own structures (exact FAISS index, BM25 arrays, a connection)

    # -- ranking ---------------------------------------------------------------------------------
    def rank(self, query: str, article_ids: Collection[str] | None = None, filter: Filter | None = None) -> Ranking:
        """Every candidate chunk (dense top `pool` ∪ lexical top `pool`; for a `whole_articles` rule, every chunk
        of their articles), fused, best first, with the article scores when fusion is article-level."""
        t = dict.fromkeys(STAGES, 0.0)
        query = (query or "").strip()
        where = Where.of(filter, article_ids)
        if not query or not self.index.exists or where.empty():
            return Ranking(NO_CANDIDATES, EMPTY, np.zeros(0), None, EMPTY, EMPTY, t)
        f = self.fusion
        clock = time.perf_counter()
        qvec = None
        if f.uses_dense:
            qvec = self.embedder.embed_query(query_input(query))
            t["embed"] = round((time.perf_counter() - clock) * 1000, 3)
        clock = time.perf_counter()
        tokens = self.index.query_tokens(query) if f.uses_lexical else None
        tokenising = (time.perf_counter() - clock) * 1000
        found = self.index.candidates(qvec, tokens, f.pool, where, f.whole_articles)
        t.update(found.timings)
        t["lexical"] = round(t.get("lexical", 0.0) + tokenising, 3)
        if not len(found.rows):
            return Ranking(found.pool, EMPTY, np.zeros(0), None, EMPTY, EMPTY, t)
        clock = time.perf_counter()
        # both signals are computed exactly for every candidate: nothing is imputed
        candidates = Candidates(found.rows, found.pool.chunk_article[found.rows], found.dense_ids, found.lexical_ids,
                                found.dense, found.lexical)
        scores, article_scores = f.fuse(candidates)
        order = np.argsort(-scores, kind="stable")
        ranking = Ranking(found.pool, found.rows[order], scores[order],
                          None if article_scores is None else article_scores[order], found.dense_ids,
                          found.lexical_ids, t)
        t["fusion"] = round((time.perf_counter() - clock) * 1000, 3)
        return ranking

    # -- reranking -------------------------------------------------------------------------------
    def _rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Reorder by a sentence-transformers cross-encoder (config.reranker), loaded offline on first use."""
        if self._reranker is None:
            self._reranker = load_reranker(self.config.reranker)
        pairs = [(query, self.index.title(h.article_id) + "\n" + h.chunk.text) for h in hits]
        scores = np.asarray(self._reranker.predict(pairs, show_progress_bar=False), dtype=np.float64)
        order = np.argsort(-scores, kind="stable")
        return [Hit(hits[i].chunk, float(scores[i]), hits[i].dense_rank, hits[i].lexical_rank) for i in order]


def load_reranker(spec: str):
    """A sentence-transformers CrossEncoder from a folder or the local Hugging Face cache (never downloads)."""
    from sentence_transformers import CrossEncoder  # heavy: torch, only when a reranker is configured

    try:
        return CrossEncoder(spec, local_files_only=True)
    except Exception as exc:  # missing folder, unknown id, not a cross-encoder
        raise EmbedderError(
            f"cannot load reranker {spec!r}: {exc}. Give a local cross-encoder folder or download it first "
            f"(e.g. `hf download {spec}`)."
        ) from exc

