"""The fusion rules the product's (rag.retrieve.Fusion: article-level z-score) was measured against.

Each is a rag.retrieve.FusionRule: pass one to `Retriever(index, embedder, config, fusion=...)`.

    DenseOnly(), LexicalOnly()          one signal alone (its own top `pool` chunks, by its own score)
    RRF(dense_weight, lexical_weight)   weighted reciprocal rank fusion of the two chunk rankings
    ChunkFusion(scale="zscore"|"minmax") each chunk's two scores, each scaled over its own side's top
                                        `pool` candidates, weighted and added; an article counts its best chunk

Used by bench/bench_retrieval.py, bench/fusion_grid.py and tests/test_retrieve.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rag.retrieve import Candidates, standardise


@dataclass(frozen=True)
class DenseOnly:
    pool: int = 100
    uses_dense: ClassVar[bool] = True
    uses_lexical: ClassVar[bool] = False
    whole_articles: ClassVar[bool] = False

    def fuse(self, found: Candidates) -> tuple[np.ndarray, None]:
        return found.dense, None


@dataclass(frozen=True)
class LexicalOnly:
    pool: int = 100
    uses_dense: ClassVar[bool] = False
    uses_lexical: ClassVar[bool] = True
    whole_articles: ClassVar[bool] = False

    def fuse(self, found: Candidates) -> tuple[np.ndarray, None]:
        return found.lexical, None


@dataclass(frozen=True)
class RRF:
    dense_weight: float = 0.3
    lexical_weight: float = 1.0
    pool: int = 100
    rrf_k: int = 60
    uses_dense: ClassVar[bool] = True
    uses_lexical: ClassVar[bool] = True
    whole_articles: ClassVar[bool] = False

    def fuse(self, found: Candidates) -> tuple[np.ndarray, None]:
        return (rrf(found.rows, found.dense_ids, self.dense_weight, self.rrf_k)
                + rrf(found.rows, found.lexical_ids, self.lexical_weight, self.rrf_k)), None


@dataclass(frozen=True)
class ChunkFusion:
    scale: str = "zscore"  # or "minmax"
    dense_weight: float = 0.3
    lexical_weight: float = 1.0
    pool: int = 100
    article_weight: float = 0.0  # adds a share of the article's best chunk score to each chunk
    uses_dense: ClassVar[bool] = True
    uses_lexical: ClassVar[bool] = True
    whole_articles: ClassVar[bool] = False

    def fuse(self, found: Candidates) -> tuple[np.ndarray, None]:
        scale = {"zscore": standardise, "minmax": min_max}[self.scale]
        dense, lexical = found.dense, found.lexical
        fused = self.dense_weight * scale(dense, dense[np.isin(found.rows, found.dense_ids)])
        fused += self.lexical_weight * scale(lexical, lexical[np.isin(found.rows, found.lexical_ids)])
        if self.article_weight:
            fused += self.article_weight * article_best(found.articles, fused)
        return fused, None


def min_max(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Scaled so that the reference scores span 0..1."""
    if len(reference) < 2:
        return np.zeros_like(values, dtype=np.float64)
    lo, hi = float(np.min(reference)), float(np.max(reference))
    return (values - lo) / (hi - lo if hi - lo > 1e-9 else 1.0)


def rrf(candidates: np.ndarray, ranked: np.ndarray, weight: float, k0: int) -> np.ndarray:
    pos = {int(c): r for r, c in enumerate(ranked)}
    return np.array([weight / (k0 + pos[int(c)] + 1) if int(c) in pos else 0.0 for c in candidates])


def article_best(owner: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """For each candidate, the best score among candidates of the same article."""
    best = np.full(owner.max() + 1, -np.inf, dtype=np.float64)
    np.maximum.at(best, owner, scores)
    return best[owner]
