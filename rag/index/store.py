"""The loaded index: chunks, their vectors and article ids, exact or approximate (HNSW) vector search, and the
BM25 index beside them (rag.index.lexical). The files and their manifest: rag.index.manifest; writing them:
rag.index.pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import numpy as np

from rag.config import Config
from rag.index import graph as hnsw
from rag.index.cpu import faiss_threads
from rag.index.manifest import IndexMismatch, check_digests, check_manifest, read_manifest
from rag.ingest.chunks import Chunk


class VectorIndex:
    """Chunks, their vectors and article ids, an exact (or HNSW) FAISS index, the BM25 index and the manifest."""

    def __init__(
        self,
        folder: Path,
        manifest: dict,
        chunks: list[Chunk],
        chunk_article: np.ndarray,
        article_ids: list[str],
        vectors: np.ndarray,
        lexical=None,
        ann=None,
    ):
        self.folder = Path(folder)
        self.manifest = manifest
        self.chunks = chunks
        self.chunk_article = chunk_article  # (n,) int32: index into article_ids
        self.article_ids = article_ids
        self.vectors = vectors
        self._lexical = lexical
        self._article_lexical = None
        self.ann = ann
        self._flat = None
        self._rows = {aid: range(*self.manifest["articles"][aid]["rows"]) for aid in article_ids}

    # -- facts ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.chunks)

    @property
    def embedder_id(self) -> str:
        return self.manifest["embedder"]["id"]

    @property
    def dim(self) -> int:
        return int(self.manifest["embedder"]["dim"])

    def article_of(self, chunk_id: int) -> str:
        return self.article_ids[self.chunk_article[chunk_id]]

    def title(self, article_id: str) -> str:
        return self.manifest["articles"][article_id].get("title", "")

    def article_rows(self, article_id: str) -> range:
        """Chunk ids of one article (empty for an unknown id)."""
        return self._rows.get(article_id, range(0))

    def rows_for(self, article_ids: Iterable[str]) -> np.ndarray:
        rows = [np.arange(r.start, r.stop) for a in article_ids if (r := self.article_rows(a))]
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)

    @property
    def lexical(self):
        """BM25 over chunks (title words included), loaded on first use."""
        if self._lexical is None:
            from rag.index.lexical import LexicalIndex

            self._lexical = LexicalIndex.load(self.data_folder / "lexical")
        return self._lexical

    @property
    def data_folder(self) -> Path:
        return self.folder / self.manifest["data"]

    # -- search --------------------------------------------------------------------------------
    def search(self, qvecs: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product search: (scores, chunk ids), each (n_queries, k), best first; -1 pads missing hits."""
        q = np.ascontiguousarray(np.atleast_2d(qvecs), dtype=np.float32)
        if q.shape[1] != self.dim:
            raise IndexMismatch(f"query vectors have dim {q.shape[1]}, the index {self.dim}")
        if rows is not None:
            return _exact_subset(self.vectors, q, k, np.asarray(rows, dtype=np.int64))
        if len(self) == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        k = min(k, len(self))
        if self.ann is None:
            return self.flat.search(q, k)
        return hnsw.search(self.ann, self.vectors, q, k)

    @property
    def flat(self):
        """Exact inner-product search over all vectors: `.search(q, k)` → (scores, ids), like a FAISS index,
        but over the index's own array (no second copy of the vectors)."""
        if self._flat is None:
            self._flat = ExactSearch(self.vectors)
        return self._flat

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, index_dir: Path) -> "VectorIndex":
        """Read manifest.json first, then the generation it names. Missing → FileNotFoundError."""
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        data = index_dir / manifest["data"]
        check_digests(data, manifest.get("files"), index_dir)
        try:
            table = json.loads((data / "chunks.json").read_text(encoding="utf-8"))
            has_ann = manifest["ann"]["type"] == "hnsw"
            # With a graph, only the rows a search rescores are read: the vectors stay on disk (page cache)
            # instead of in the process's memory (1M chunks: 1.5 GB).
            vectors = np.load(data / "vectors.npy", allow_pickle=False, mmap_mode="r" if has_ann else None)
            if has_ann:
                _advise_random(vectors)
            ann = hnsw.read(data, len(table["article"])) if has_ann else None
        except (OSError, ValueError, KeyError, RuntimeError) as exc:  # (FAISS raises RuntimeError)
            raise IndexMismatch(f"index at {index_dir} is damaged ({exc}). Rebuild with: rag ingest --rebuild") from exc
        article_ids = table["articles"]
        if not all(0 <= a < len(article_ids) for a in table["article"]):
            raise IndexMismatch(f"index at {index_dir} is damaged (chunk table). Rebuild with: rag ingest --rebuild")
        chunks = [
            Chunk(article_ids[a], p, s, e, t)
            for a, p, s, e, t in zip(table["article"], table["paragraph"], table["start"], table["end"], table["text"])
        ]
        n, dim = len(chunks), int(manifest["embedder"]["dim"])
        if vectors.shape != (n, dim) or vectors.dtype != np.float32:
            raise IndexMismatch(
                f"index at {index_dir} is damaged: {vectors.shape} vectors for {n} chunks of dim {dim}. "
                "Rebuild with: rag ingest --rebuild"
            )
        return cls(index_dir, manifest, chunks, np.asarray(table["article"], dtype=np.int32), article_ids, vectors, ann=ann)

    def check(self, embedder_id: str, dim: int, config: Config) -> None:
        """Refuse (IndexMismatch) when this run's embedder or chunking differs from the index's."""
        check_manifest(self.manifest, self.folder, embedder_id, dim, config)


def _advise_random(vectors: np.ndarray) -> None:
    """Rescoring reads scattered rows: without this hint each one faults in the kernel's readahead window too
    (1M chunks: 1.5 GB of the file resident after a few thousand searches instead of the rows read)."""
    import mmap

    mm = getattr(vectors, "_mmap", None)
    if mm is not None and hasattr(mm, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        mm.madvise(mmap.MADV_RANDOM)


class ExactSearch:
    """Exact inner-product top-k over an array of vectors (faiss.knn: no copy of the vectors)."""

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors

    def search(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        q = np.ascontiguousarray(np.atleast_2d(q), dtype=np.float32)
        k = min(k, len(self.vectors))
        if k == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        with faiss_threads(len(q)):
            scores, ids = faiss.knn(q, self.vectors, k, metric=faiss.METRIC_INNER_PRODUCT)
        return scores, ids.astype(np.int64)


def _exact_subset(vectors: np.ndarray, q: np.ndarray, k: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact search among some rows only (a follow-up question about given articles)."""
    k_eff = min(k, len(rows))
    scores = np.full((len(q), k_eff), -np.inf, dtype=np.float32)
    ids = np.full((len(q), k_eff), -1, dtype=np.int64)
    if k_eff == 0:
        return scores, ids
    sims = q @ vectors[rows].T
    for i, row in enumerate(sims):
        top = np.argpartition(-row, k_eff - 1)[:k_eff]
        top = top[np.argsort(-row[top], kind="stable")]
        scores[i], ids[i] = row[top], rows[top]
    return scores, ids
