"""The approximate-search graph of a large index (FAISS HNSW over 8-bit vectors): build, update, read, search.

From Config.ann_min_chunks chunks on, dense search goes through this graph instead of exact search; below it
exact search is fast enough (bench/results_scale.json). The graph stores 8-bit scalar-quantised vectors
(384 bytes a vector instead of 1,536: 1M chunks take ~0.65 GB instead of ~1.8 GB beside the float32
vectors); its best RESCORE candidates (at least k) are then rescored exactly against the float32 vectors,
which are memory-mapped, not read into memory. Measured on 1M chunks in bench/bench_scale.py: recall@10
against exact search 0.888 / 0.932 / 0.961 at efSearch 128 / 256 / 512, median 1.2 / 2.2 / 4.2 ms a
question (exact search: 150 ms).

An ingest does not rebuild the graph (8.6 min at 1M chunks): it adds the new chunks' vectors to the previous
generation's graph and marks the nodes of changed or removed articles deleted, which searches skip. Each
node knows its row (`rows`, saved as ann-rows.npy): rows move when articles before them change. The graph is
built anew when deleted nodes would pass MAX_DELETED of it (they still cost memory and search time), or when
it was built with other settings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.index.cpu import faiss_threads

M = 32
EF_CONSTRUCTION = 80
EF_SEARCH = 512
STORAGE = "sq8"
RESCORE = 64
MAX_DELETED = 0.25
GRAPH_FILE = "ann.faiss"
ROWS_FILE = "ann-rows.npy"  # int64 per node: its row in the generation, -1 when deleted
BUILT_WITH = ("type", "storage", "M", "ef_construction")  # a graph built otherwise is rebuilt, not updated


def settings() -> dict:
    """What a graph built now is built with (a manifest's "ann" entry, less its counts)."""
    return {"type": "hnsw", "storage": STORAGE, "M": M, "ef_construction": EF_CONSTRUCTION,
            "ef_search": EF_SEARCH, "rescore": RESCORE}


class Graph:
    """An HNSW graph and, per node, the row of the index it stands for (-1: deleted since it was built)."""

    def __init__(self, index, rows: np.ndarray | None = None):
        self.index = index
        self.rows = np.arange(index.ntotal, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        if len(self.rows) != index.ntotal:
            raise ValueError(f"graph has {index.ntotal} nodes but {len(self.rows)} row numbers")
        self.deleted = int((self.rows < 0).sum())
        self._params = None
        if self.deleted:
            import faiss

            # a bitmap of live nodes, kept alive here: FAISS holds only a pointer to it
            self._live_bits = np.packbits(self.rows >= 0, bitorder="little")
            self._params = faiss.SearchParametersHNSW()
            # (its first argument is the bitmap's length in bytes, not the number of nodes)
            self._params.sel = faiss.IDSelectorBitmap(len(self._live_bits), faiss.swig_ptr(self._live_bits))

    @property
    def nodes(self) -> int:
        return int(self.index.ntotal)

    def candidates(self, q: np.ndarray, want: int) -> np.ndarray:
        """Up to `want` rows per query, nearest first in the graph's approximate order; -1 pads."""
        with faiss_threads(len(q)):
            if self._params is None:
                _, nodes = self.index.search(q, want)
            else:
                self._params.efSearch = self.index.hnsw.efSearch  # (the parameters' own default is 16)
                _, nodes = self.index.search(q, want, params=self._params)
        return np.where(nodes >= 0, self.rows[np.maximum(nodes, 0)], -1)

    def manifest_entry(self) -> dict:
        return settings() | {"nodes": self.nodes, "deleted": self.deleted}


def build(vectors: np.ndarray) -> Graph:
    """A new graph over all `vectors` (node i = row i)."""
    import faiss

    index = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.train(vectors)  # the quantiser's per-dimension ranges (one pass)
    index.add(vectors)
    index.hnsw.efSearch = EF_SEARCH
    return Graph(index)


def update(graph: Graph | None, built_with: dict | None, moved: np.ndarray, added: np.ndarray,
           added_rows: np.ndarray) -> Graph | None:
    """`graph` brought to the next generation, or None when building anew is better. `moved[old_row]` is the
    row an old row has now (-1: its article changed or went); `added` are new vectors for `added_rows`.
    Changes `graph` in place (it must be this ingest's own copy)."""
    built_with, now = built_with or {}, settings()
    if graph is None or any(built_with.get(k) != now[k] for k in BUILT_WITH):
        return None
    rows = graph.rows.copy()
    live = rows >= 0
    rows[live] = moved[rows[live]]
    deleted = int((rows < 0).sum())
    if deleted > MAX_DELETED * (graph.nodes + len(added)):
        return None
    if len(added):
        # new vectors outside the ranges the quantiser was trained on are clipped to them: rescoring on
        # the float32 vectors corrects the order, and a rebuild retrains
        graph.index.hnsw.efConstruction = EF_CONSTRUCTION
        graph.index.add(np.ascontiguousarray(added, dtype=np.float32))
    return Graph(graph.index, np.concatenate([rows, np.asarray(added_rows, dtype=np.int64)]))


def write(graph: Graph, folder: Path) -> dict:
    """The graph and its row numbers into a generation folder; returns the manifest's "ann" entry."""
    import faiss

    faiss.write_index(graph.index, str(folder / GRAPH_FILE))
    np.save(folder / ROWS_FILE, graph.rows, allow_pickle=False)
    return graph.manifest_entry()


def read(folder: Path, n_rows: int) -> Graph:
    """The graph of a generation folder (older ones have no row file: node i = row i); raises on damage."""
    import faiss

    index = faiss.read_index(str(folder / GRAPH_FILE))
    index.hnsw.efSearch = EF_SEARCH  # a search-time setting: the current one applies
    rows_path = folder / ROWS_FILE
    rows = np.load(rows_path, allow_pickle=False) if rows_path.exists() else None
    graph = Graph(index, rows)
    if len(graph.rows) and int(graph.rows.max()) >= n_rows:
        raise ValueError(f"{ROWS_FILE} names rows past the {n_rows} the index has")
    return graph


def search(graph: Graph, vectors: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The graph's best max(k, RESCORE) candidates per query, rescored exactly on the float32 vectors."""
    want = min(max(k, RESCORE), len(vectors))
    cand = graph.candidates(q, want)
    scores = np.full((len(q), k), -np.inf, dtype=np.float32)
    ids = np.full((len(q), k), -1, dtype=np.int64)
    for i, row in enumerate(cand):
        row = np.sort(row[row >= 0])  # ascending rows: the memory-mapped file is read in order
        if not len(row):
            continue
        exact = vectors[row] @ q[i]
        top = np.argsort(-exact, kind="stable")[:k]
        scores[i, : len(top)], ids[i, : len(top)] = exact[top], row[top]
    return scores, ids

