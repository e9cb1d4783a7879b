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
from rag.index.backend import Where, day_number, month_day
from rag.index.cpu import faiss_threads
from rag.index.manifest import IndexMismatch, check_digests, check_manifest, read_manifest
from rag.ingest.chunks import Chunk

MASK_BLOCK = 65_536  # rows scored at once by a filtered search over memory-mapped vectors


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
        # what filters test, per article number: its date as a day number (UNDATED: none or year-less) and as a
        # day of the year (MMDD, for year-less filters), and its stored source
        entries = [self.manifest["articles"][aid] for aid in article_ids]
        self.article_days = np.array([day_number(e.get("date")) for e in entries], dtype=np.int64)
        self.article_month_days = np.array([month_day(e.get("date")) for e in entries], dtype=np.int64)
        self._number = {aid: i for i, aid in enumerate(article_ids)}
        self._by_source: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            if e.get("source"):
                self._by_source.setdefault(e["source"], []).append(i)

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
    def mask(self, where: Where | None) -> np.ndarray | None:
        """Which chunks a search may return (bool per chunk), or None when `where` admits every chunk."""
        if not where:
            return None
        ok = np.ones(len(self.article_ids), dtype=bool)
        rule = where.dates()
        if rule is not None:
            ok &= rule.mask(self.article_days, self.article_month_days)
        if where.filter.sources:
            ok &= self._articles_mask(i for s in where.filter.sources for i in self._by_source.get(s, ()))
        if where.article_ids is not None:
            ok &= self._articles_mask(self._number[a] for a in where.article_ids if a in self._number)
        return ok[self.chunk_article] if len(self.chunk_article) else np.zeros(0, dtype=bool)

    def _articles_mask(self, numbers) -> np.ndarray:
        mask = np.zeros(len(self.article_ids), dtype=bool)
        mask[np.fromiter(numbers, dtype=np.int64)] = True
        return mask

    def search(self, qvecs: np.ndarray, k: int, rows: np.ndarray | None = None,
               mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product search: (scores, chunk ids), each (n_queries, k), best first; -1 pads missing hits.
        `rows` (chunk ids) or `mask` (bool per chunk) limit it to some chunks: that search is exact, also
        where the index has a graph (a graph searched through a filter loses recall)."""
        q = np.ascontiguousarray(np.atleast_2d(qvecs), dtype=np.float32)
        if q.shape[1] != self.dim:
            raise IndexMismatch(f"query vectors have dim {q.shape[1]}, the index {self.dim}")
        if rows is not None:
            mask = np.zeros(len(self), dtype=bool)
            mask[np.asarray(rows, dtype=np.int64)] = True
        if mask is not None:
            return self._search_masked(q, k, mask)
        if len(self) == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        k = min(k, len(self))
        if self.ann is None:
            return self.flat.search(q, k)
        return hnsw.search(self.ann, self.vectors, q, k)

    def _search_masked(self, q: np.ndarray, k: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        allowed = int(mask.sum())
        k_eff = min(k, allowed)
        if k_eff == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        if self.ann is None:
            return self.flat.search(q, k_eff, mask)
        return _exact_blocks(self.vectors, q, k_eff, mask)

    @property
    def flat(self) -> "ExactSearch":
        """Exact inner-product search over all vectors (a FAISS flat index), optionally through a bitmap of the
        allowed rows. It holds the vectors: `self.vectors` becomes a view of its copy (no second one)."""
        if self._flat is None:
            self._flat = ExactSearch(self.vectors)
            if not isinstance(self.vectors, np.memmap):
                self.vectors = self._flat.vectors
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
    """Exact inner-product top-k over a copy of the vectors held by a FAISS flat index (`vectors` views it),
    optionally among the rows a bitmap allows (faiss.IDSelectorBitmap: ~1 ms at any selectivity on 16k rows)."""

    def __init__(self, vectors: np.ndarray):
        import faiss

        n, dim = vectors.shape
        self.index = faiss.IndexFlatIP(dim)
        if n:
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
            self.vectors = faiss.rev_swig_ptr(self.index.get_xb(), n * dim).reshape(n, dim)
        else:
            self.vectors = np.zeros((0, dim), dtype=np.float32)

    def search(self, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        q = np.ascontiguousarray(np.atleast_2d(q), dtype=np.float32)
        k = min(k, len(self.vectors))
        if k == 0:
            return np.zeros((len(q), 0), np.float32), np.zeros((len(q), 0), np.int64)
        params = None
        if mask is not None:
            bits = np.packbits(mask, bitorder="little")  # kept alive here: FAISS holds only a pointer
            params = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(bits))
        with faiss_threads(len(q)):
            scores, ids = self.index.search(q, k, params=params)
        return scores, ids.astype(np.int64)


def _exact_blocks(vectors: np.ndarray, q: np.ndarray, k: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact search among the allowed rows of (memory-mapped) vectors, a block at a time."""
    scores = np.full((len(q), k), -np.inf, dtype=np.float32)
    ids = np.full((len(q), k), -1, dtype=np.int64)
    for start in range(0, len(vectors), MASK_BLOCK):
        rows = start + np.flatnonzero(mask[start : start + MASK_BLOCK])
        if not len(rows):
            continue
        sims = q @ np.asarray(vectors[rows]).T
        both_s = np.concatenate([scores, sims], axis=1)
        both_i = np.concatenate([ids, np.broadcast_to(rows, sims.shape)], axis=1)
        top = np.argsort(-both_s, axis=1, kind="stable")[:, :k]
        scores, ids = np.take_along_axis(both_s, top, 1), np.take_along_axis(both_i, top, 1)
    return scores, ids
