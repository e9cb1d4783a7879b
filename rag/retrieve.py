"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused, optionally reranked.

Fusion is measured, not assumed (bench/bench_retrieval.py, CRUD qa_dev): see `Fusion` for what is used
and why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Collection

import numpy as np

from rag.ingest.chunks import Chunk
from rag.config import Config
from rag.index.embedders import Embedder, EmbedderError
from rag.index.inputs import query_input
from rag.index.store import VectorIndex


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    dense_rank: int | None  # 0-based rank among dense candidates, None when not among them
    lexical_rank: int | None

    @property
    def article_id(self) -> str:
        return self.chunk.article_id


@dataclass(frozen=True)
class Ranking:
    """Fused candidates, best first, as arrays: Hit objects are made only for the ones asked for (a question
    has hundreds of candidates and needs a handful)."""

    index: VectorIndex
    rows: np.ndarray  # chunk ids, best first
    scores: np.ndarray  # their fused scores
    article_scores: np.ndarray | None  # (article-level fusion) each row's article score
    dense_ids: np.ndarray  # the dense and lexical top lists, for each hit's rank in them
    lexical_ids: np.ndarray

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


@dataclass(frozen=True)
class Fusion:
    """How dense and lexical evidence are combined (the defaults are the measured best on CRUD qa_dev).

    mode:
      "dense" / "lexical": one signal alone (benchmark rows);
      "rrf": weighted reciprocal rank fusion of the two chunk rankings;
      "zscore": each signal standardised over its own top `pool` candidates, then weighted and added;
      "minmax": the same with each signal scaled to 0..1 over its own top candidates.
    Both signals are known exactly for every candidate (a dense-only candidate's BM25 score and a
    lexical-only candidate's cosine are computed), so nothing is imputed.
    """

    mode: str = "zscore"
    # dense is the weaker signal here (CRUD qa_dev article hit@1 0.63 vs BM25 0.79): it adds evidence
    dense_weight: float = 0.3
    lexical_weight: float = 1.0
    pool: int = 100  # candidates taken from each side
    # "article": an article's score fuses its best dense and its best lexical chunk, which need not be the
    # same chunk; "chunk": each chunk's two scores are fused and an article counts its best chunk
    level: str = "article"
    # (article level) the scaling statistics come from the lexical candidates and only the strongest
    # `dense_core` dense chunks: dense's long tail brought noise. Every dense candidate is still scored, so
    # no article is dropped; with no lexical candidate at all (an English question) all of them count.
    dense_core: int = 10
    chunk_weight: float = 0.3  # (article level) a chunk ranks by its article's score + this × its own
    rrf_k: int = 60
    article_weight: float = 0.0  # (chunk level) adds a share of the article's best chunk score to each chunk


RERANK_CANDIDATES = 30  # chunks the cross-encoder rescores


class Retriever:
    def __init__(self, index: VectorIndex, embedder: Embedder, config: Config, fusion: Fusion | None = None):
        index.check(embedder.id, embedder.dim, config)
        self.index = index
        self.embedder = embedder
        self.config = config
        self.fusion = fusion or Fusion()
        self.timings: dict[str, float] = {}
        self._reranker = None
        self._spans: tuple[np.ndarray, np.ndarray] | None = None

    # -- public ----------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None) -> list[Hit]:
        """The k best chunks for a question, best first; `article_ids` restricts the search to those articles."""
        ranking = self._ranked(query, article_ids)
        if self.config.reranker and len(ranking):
            t0 = time.perf_counter()
            hits = self._rerank(query, ranking.hits(max(k, RERANK_CANDIDATES)))
            self.timings["rerank"] = round((time.perf_counter() - t0) * 1000, 3)
            return hits[: max(k, 0)]
        return ranking.hits(k)

    def search_articles(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """Distinct articles, best first: by the article-level fused score, or by their best chunk."""
        if not self.config.reranker:
            return self._ranked(query, None).articles(k)
        best: dict[str, float] = {}
        for hit in self.search(query, k=RERANK_CANDIDATES):
            best.setdefault(hit.article_id, hit.score)
        return list(best.items())[: max(k, 0)]

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the model, jieba's dictionary, BM25, FAISS,
        and the pinyin tables an English question naming a place needs (~0.6 s the first time)."""
        from rag.index.lexical import tokenize
        from rag.lang.pinyin import char_readings

        if self.fusion.mode != "lexical":
            self.embedder.embed_query("warm up")
            if self.index.ann is None:
                self.index.flat  # noqa: B018 - builds the exact FAISS index
        if self.fusion.mode != "dense":
            self.index.lexical  # noqa: B018 - loads the BM25 arrays
            tokenize("预热")  # loads jieba's dictionary
            try:
                char_readings()
            except ImportError:  # pypinyin absent: English names are not romanised
                pass

    # -- ranking ---------------------------------------------------------------------------------
    def _ranked(self, query: str, article_ids: Collection[str] | None) -> Ranking:
        """Every candidate chunk (dense top `pool` ∪ lexical top `pool`; at article level, every chunk of
        their articles), fused, best first, with the article scores when fusion is article-level."""
        t = {"embed": 0.0, "dense": 0.0, "lexical": 0.0, "fusion": 0.0, "rerank": 0.0}
        self.timings = t
        query = (query or "").strip()
        rows = self.index.rows_for(article_ids) if article_ids is not None else None
        if not query or len(self.index) == 0 or (rows is not None and len(rows) == 0):
            return Ranking(self.index, EMPTY, np.zeros(0), None, EMPTY, EMPTY)
        f = self.fusion
        clock = time.perf_counter()

        def lap(key: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            t[key] = round((now - clock) * 1000, 3)
            clock = now

        qvec = lex = None
        dense_ids = lex_ids = np.zeros(0, dtype=np.int64)
        if f.mode != "lexical":
            qvec = self.embedder.embed_query(query_input(query))
            lap("embed")
            _, ids = self.index.search(qvec, f.pool, rows)
            dense_ids = ids[0][ids[0] >= 0]
            lap("dense")
        if f.mode != "dense":
            lex, lex_ids = self._lexical(query, rows)
            lap("lexical")
        candidates = np.unique(np.concatenate([dense_ids, lex_ids]))
        if f.level == "article" and f.mode in ("zscore", "minmax"):
            candidates = self._whole_articles(candidates)
        # both signals are computed exactly for every candidate: nothing is imputed
        dense_cos = None if qvec is None else self.index.vectors[candidates] @ qvec
        scores, article_scores = self._fuse(candidates, dense_ids, lex_ids, dense_cos,
                                            None if lex is None else lex[candidates])
        order = np.argsort(-scores, kind="stable")
        ranking = Ranking(self.index, candidates[order], scores[order],
                          None if article_scores is None else article_scores[order], dense_ids, lex_ids)
        lap("fusion")
        return ranking

    def _lexical(self, query: str, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """BM25 score of every chunk, and the top `pool` chunk ids (within `rows` when given)."""
        from rag.index.lexical import top_k

        lexical = self.index.lexical
        scores = lexical.scores(lexical.query_tokens(query))
        mask = None
        if rows is not None:
            mask = np.zeros(len(self.index), dtype=bool)
            mask[rows] = True
        _, ids = top_k(scores, self.fusion.pool, mask)
        return scores, ids

    # -- fusion ----------------------------------------------------------------------------------
    def _fuse(self, candidates, dense_ids, lex_ids, dense_cos, lex_scores) -> tuple[np.ndarray, np.ndarray | None]:
        """Chunk scores of the candidates, and (article-level fusion only) each candidate's article score."""
        f = self.fusion
        if f.mode == "dense":
            return dense_cos, None
        if f.mode == "lexical":
            return lex_scores, None
        if f.mode == "rrf":
            return _rrf(candidates, dense_ids, f.dense_weight, f.rrf_k) + _rrf(candidates, lex_ids, f.lexical_weight, f.rrf_k), None
        if f.mode in ("zscore", "minmax"):
            scale = _standardise if f.mode == "zscore" else _min_max
            if f.level == "article":
                core = dense_ids if len(lex_ids) == 0 else np.concatenate([dense_ids[: f.dense_core], lex_ids])
                return self._fuse_articles(candidates, np.isin(candidates, core), dense_cos, lex_scores, scale)
            fused = f.dense_weight * scale(dense_cos, dense_cos[np.isin(candidates, dense_ids)])
            fused += f.lexical_weight * scale(lex_scores, lex_scores[np.isin(candidates, lex_ids)])
            if f.article_weight:
                fused += f.article_weight * self._article_best(candidates, fused)
            return fused, None
        raise ValueError(f"unknown fusion mode {f.mode!r}")

    def _whole_articles(self, candidates: np.ndarray) -> np.ndarray:
        """Every chunk of every article that has a candidate chunk."""
        owners = np.unique(self.index.chunk_article[candidates])
        starts, stops = self._article_spans()
        lengths = stops[owners] - starts[owners]
        # each article's rows are one range: start + 0..length-1, for all of them at once
        offsets = np.repeat(starts[owners] - (np.cumsum(lengths) - lengths), lengths)
        return offsets + np.arange(int(lengths.sum()), dtype=np.int64)

    def _article_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """First and past-last chunk row of every article, by article number (computed once)."""
        if self._spans is None:
            ranges = [self.index.article_rows(a) for a in self.index.article_ids]
            self._spans = (np.array([r.start for r in ranges], dtype=np.int64),
                           np.array([r.stop for r in ranges], dtype=np.int64))
        return self._spans

    def _fuse_articles(self, candidates, core, dense_cos, lex_scores, scale) -> tuple[np.ndarray, np.ndarray]:
        """Article score = weighted sum of the article's best dense and best lexical chunk scores, each scaled
        by the statistics of the core candidate articles; a chunk scores its article's + `chunk_weight` × its own."""
        f = self.fusion
        owner = np.unique(self.index.chunk_article[candidates], return_inverse=True)[1]
        n = owner.max() + 1
        best_dense, best_lex = np.full(n, -np.inf), np.full(n, -np.inf)
        np.maximum.at(best_dense, owner, dense_cos)
        np.maximum.at(best_lex, owner, lex_scores)
        is_core = np.zeros(n, dtype=bool)
        is_core[owner[core]] = True
        ref_dense = -np.sort(-best_dense[is_core])[: f.pool]
        ref_lex = -np.sort(-best_lex[is_core])[: f.pool]
        article = f.dense_weight * scale(best_dense, ref_dense) + f.lexical_weight * scale(best_lex, ref_lex)
        own = f.dense_weight * scale(dense_cos, dense_cos[core]) + f.lexical_weight * scale(lex_scores, lex_scores[core])
        return article[owner] + f.chunk_weight * own, article[owner]

    def _article_best(self, candidates: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """For each candidate, the best score among candidates of the same article."""
        owner = self.index.chunk_article[candidates]
        best = np.full(owner.max() + 1, -np.inf, dtype=np.float64)
        np.maximum.at(best, owner, scores)
        return best[owner]

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


def _standardise(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(values - mean) / std, with mean and std taken over the reference scores (one side's own top list)."""
    if len(reference) < 2:
        return np.zeros_like(values, dtype=np.float64)
    sd = float(np.std(reference))
    return (values - float(np.mean(reference))) / (sd if sd > 1e-9 else 1.0)


def _min_max(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Scaled so that the reference scores span 0..1."""
    if len(reference) < 2:
        return np.zeros_like(values, dtype=np.float64)
    lo, hi = float(np.min(reference)), float(np.max(reference))
    return (values - lo) / (hi - lo if hi - lo > 1e-9 else 1.0)


def _rrf(candidates: np.ndarray, ranked: np.ndarray, weight: float, k0: int) -> np.ndarray:
    pos = {int(c): r for r, c in enumerate(ranked)}
    return np.array([weight / (k0 + pos[int(c)] + 1) if int(c) in pos else 0.0 for c in candidates])
