"""The `faiss` index backend: an index folder on this machine (rag.index.manifest's layout, unchanged), read
through `VectorIndex` and written a generation at a time.

Reading: filters become a mask over the chunks (dates and sources per article, from the manifest); dense search
goes through a bitmap of the allowed rows on the exact FAISS index (or, past the graph threshold, an exact
search of the allowed rows: a graph searched through a filter loses recall), BM25 through the same mask.

Writing: `begin` takes the folder's writer lock (rag.index.lock) and reads the newest generation; each article
written replaces that article's part; `commit` writes every part as a new generation folder beside the live
one and swaps the manifest (rag.index.manifest: digests, fsync, atomic rename). Unchanged articles keep their
chunks, vectors and tokens; past Config.ann_min_chunks the previous graph is updated, not rebuilt.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Mapping, Sequence

import numpy as np

from rag.config import Config
from rag.index import graph as hnsw
from rag.index.backend import ArticleChunks, CandidateSet, ChunkTable, Found, IndexBackend, Where
from rag.index.lock import WriterLock
from rag.index.manifest import (
    MANIFEST,
    Generation,
    IndexMismatch,
    check_manifest,
    fsync_tree,
    new_manifest,
    read_manifest,
    rebuild_hint,
    remove_old_generations,
    write_json,
)
from rag.index.store import VectorIndex
from rag.ingest.articles import Article
from rag.ingest.chunks import Chunk


@dataclass
class _Part:
    """One article's part of the generation being written."""

    article_id: str
    entry: dict  # its manifest entry, less "rows"
    chunks: list[Chunk]
    vectors: np.ndarray
    tokens: list[list[str]] | None  # None: re-tokenised at commit (the previous index used another tokenizer)
    title_tokens: list[str] | None
    prev_rows: range | None = None  # its rows in the previous generation, while unchanged


class FaissBackend(IndexBackend):
    name = "faiss"

    def __init__(self, config: Config, index: VectorIndex | None = None):
        super().__init__(config)
        self.folder = Path(config.index_dir)
        self._index = index
        self._manifest: dict | None = index.manifest if index is not None else None
        self._seen = _stamp(self.folder)
        self._lock = WriterLock(self.folder)
        self._parts: dict[str, _Part] | None = None  # while writing: the next generation, by article
        self._embedder: tuple[str, int] | None = None
        self._spans: tuple[VectorIndex, np.ndarray, np.ndarray] | None = None  # each article's first, past-last row

    @classmethod
    def of(cls, index: VectorIndex, config: Config | None = None) -> "FaissBackend":
        """A loaded index as a backend (benchmarks and tests that load one themselves)."""
        return cls((config or Config()).with_(index_dir=index.folder), index)

    # -- reading ------------------------------------------------------------------------------------------
    @property
    def where(self) -> str:
        return str(self.folder)

    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            try:
                self._manifest = read_manifest(self.folder)
            except FileNotFoundError:
                self._manifest = {}
        return self._manifest

    @property
    def index(self) -> VectorIndex:
        """The loaded generation (FileNotFoundError when there is none; IndexMismatch when damaged)."""
        if self._index is None:
            self._index = VectorIndex.load(self.folder)
            self._manifest = self._index.manifest  # (a writer may have committed since the manifest was read)
        return self._index

    def check(self, embedder_id: str, dim: int) -> None:
        if self.exists:
            self.index.check(embedder_id, dim, self.config)

    def dense_search(self, qvec: np.ndarray, k: int, where: Where | None = None) -> Found:
        if where is not None and where.empty():
            return Found.none()
        scores, ids = self.index.search(qvec, k, mask=self.index.mask(where))
        keep = ids[0] >= 0
        return self._found(ids[0][keep], scores[0][keep])

    def lexical_search(self, tokens: Sequence[str], k: int, where: Where | None = None) -> Found:
        from rag.index.lexical import top_k

        if where is not None and where.empty():
            return Found.none()
        scores, ids = top_k(self.index.lexical.scores(tokens), k, self.index.mask(where))
        return self._found(ids, scores)

    def _found(self, rows: np.ndarray, scores: np.ndarray) -> Found:
        return Found(rows.astype(np.int64), scores, [self.index.article_of(int(r)) for r in rows])

    def fetch(self, keys: Sequence | None = None, article_ids: Collection[str] | None = None,
              vectors: bool = False) -> ChunkTable:
        index = self.index
        if keys is not None:
            rows = np.array([int(k) for k in keys if 0 <= int(k) < len(index)], dtype=np.int64)
        else:
            rows = index.rows_for(article_ids or ())
        return ChunkTable(rows, [index.chunks[r] for r in rows.tolist()], index.vectors[rows] if vectors else None)

    def articles(self) -> dict[str, dict]:
        return self.manifest.get("articles", {})

    def verify(self, articles: Mapping[str, Article]) -> str | None:
        """Every file is read now (not on a first request): every chunk must be the text of its article's
        paragraph at its offsets, every vector finite, every article's rows its own, the BM25 index whole."""
        index = self.index
        try:
            # BM25 loads lazily from the generation folder: load it now, so damage shows here, and so an old
            # snapshot still in use never needs a folder that a later ingest has deleted.
            index.lexical.pinyin()  # (and its pinyin map, read on the first English question otherwise)
        except Exception as exc:  # noqa: BLE001 - whatever a damaged keyword index raises
            return f"keyword index: {type(exc).__name__}: {exc}"
        if set(index.article_ids) != set(articles):
            extra = sorted(set(index.article_ids) ^ set(articles))
            return f"articles differ: {', '.join(extra[:3])}"
        for chunk in index.chunks:
            paras = articles[chunk.article_id].paragraphs
            if not 1 <= chunk.paragraph <= len(paras) or paras[chunk.paragraph - 1][chunk.start : chunk.end] != chunk.text:
                return f"chunk of {chunk.article_id} ¶{chunk.paragraph} is not the article's text"
        # in blocks: the vectors may be memory-mapped (a large index), and a whole-array check would allocate
        # a temporary as large as they are
        for start in range(0, len(index.vectors), 65_536):
            if not np.isfinite(index.vectors[start : start + 65_536]).all():
                return "vectors that are not numbers"
        for i, aid in enumerate(index.article_ids):
            rows = index.article_rows(aid)
            if rows.stop > len(index.chunks) or (len(rows) and not (index.chunk_article[rows.start : rows.stop] == i).all()):
                return f"rows of {aid} do not hold its chunks"
        return None

    def query_tokens(self, query: str) -> list[str]:
        return self.index.lexical.query_tokens(query)

    def candidates(self, qvec: np.ndarray | None, tokens: Sequence[str] | None, pool: int, where: Where,
                   whole_articles: bool) -> CandidateSet:
        """The generic candidates, numbered by row: one BM25 pass scores every chunk for both the top list and
        the candidates, and an article's chunks are one range of rows."""
        index = self.index
        t = {"dense": 0.0, "lexical": 0.0}
        mask = index.mask(where)
        none = np.zeros(0, dtype=np.int64)
        if where.empty() or (mask is not None and not mask.any()):
            return CandidateSet(index, none, none, none, None, None, t)
        clock = time.perf_counter()
        dense_ids = lex_ids = none
        lex = None
        if qvec is not None:
            _, ids = index.search(qvec, pool, mask=mask)
            dense_ids = ids[0][ids[0] >= 0]
            clock = _lap(t, "dense", clock)
        if tokens is not None:
            from rag.index.lexical import top_k

            lex = index.lexical.scores(tokens)
            _, lex_ids = top_k(lex, pool, mask)
            clock = _lap(t, "lexical", clock)
        rows = np.unique(np.concatenate([dense_ids, lex_ids]))
        if whole_articles:
            rows = self._whole_articles(rows)
        dense = None if qvec is None else index.vectors[rows] @ np.asarray(qvec, dtype=np.float32)
        return CandidateSet(index, rows, dense_ids, lex_ids, dense, None if lex is None else lex[rows], t)

    def _whole_articles(self, rows: np.ndarray) -> np.ndarray:
        """Every chunk of every article that has a candidate chunk (each article's rows are one range)."""
        index = self.index
        spans = self._spans
        if spans is None or spans[0] is not index:
            ranges = [index.article_rows(a) for a in index.article_ids]
            spans = (index, np.array([r.start for r in ranges], dtype=np.int64),
                     np.array([r.stop for r in ranges], dtype=np.int64))
            self._spans = spans
        _, starts, stops = spans
        owners = np.unique(index.chunk_article[rows])
        lengths = stops[owners] - starts[owners]
        offsets = np.repeat(starts[owners] - (np.cumsum(lengths) - lengths), lengths)
        return offsets + np.arange(int(lengths.sum()), dtype=np.int64)

    def latest(self) -> "FaissBackend":
        stamp = _stamp(self.folder)
        if stamp == self._seen:
            return self
        try:
            data = read_manifest(self.folder)["data"]
        except (FileNotFoundError, IndexMismatch):
            return self
        if self.exists and data == self.generation:
            self._seen = stamp
            return self
        return FaissBackend(self.config)

    # -- writing ------------------------------------------------------------------------------------------
    def begin(self, embedder_id: str, dim: int, rebuild: bool = False, wait: bool = True,
              say: Callable[[str], None] | None = None) -> None:
        self._lock.acquire(wait, say)
        try:
            self._embedder = (embedder_id, int(dim))
            self._index, self._manifest = None, None  # the newest generation, read under the lock
            self._parts = {} if rebuild or not self.exists else self._previous_parts()
        except BaseException:
            self._lock.release()
            raise

    def _previous_parts(self) -> dict[str, _Part]:
        from rag.index.lexical import TOKENIZER_VERSION

        index = self.index
        check_manifest(index.manifest, self.folder, *self._embedder, self.config)
        tokens = None
        if index.manifest.get("lexical", {}).get("tokenizer") == TOKENIZER_VERSION:
            try:
                tokens = json.loads((index.data_folder / "tokens.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise IndexMismatch(f"index at {self.folder} is damaged ({exc}). {rebuild_hint(self.config)}") from exc
        parts = {}
        for aid in index.article_ids:
            rows = index.article_rows(aid)
            entry = {k: v for k, v in index.manifest["articles"][aid].items() if k != "rows"}
            parts[aid] = _Part(aid, entry, index.chunks[rows.start : rows.stop], index.vectors[rows.start : rows.stop],
                               tokens["chunks"][rows.start : rows.stop] if tokens else None,
                               tokens["titles"].get(aid) if tokens else None, prev_rows=rows)
        return parts

    def _writing(self) -> dict[str, _Part]:
        if self._parts is None:
            raise RuntimeError("begin() first: the index is written under its writer lock")
        return self._parts

    def upsert(self, part: ArticleChunks) -> None:
        self._writing()[part.article_id] = _Part(part.article_id, dict(part.entry), list(part.chunks), part.vectors,
                                                 part.tokens, part.title_tokens)

    def delete(self, article_ids: Collection[str]) -> None:
        parts = self._writing()
        for aid in article_ids:
            parts.pop(aid, None)

    def commit(self, final: bool = True, say: Callable[[str], None] | None = None) -> None:
        parts = list(self._writing().values())
        try:
            self._index = self._write_generation(parts, say or (lambda _m: None))
            self._manifest = self._index.manifest
            self._seen = _stamp(self.folder)
            # the parts now stand for the generation just written (views of it: no second copy of the vectors)
            for part, aid in zip(parts, self._index.article_ids):
                rows = self._index.article_rows(aid)
                part.prev_rows, part.vectors = rows, self._index.vectors[rows.start : rows.stop]
        finally:
            if final:
                self._parts = None
                self._lock.release()

    def abort(self) -> None:
        self._parts = None
        self._lock.release()

    def _write_generation(self, parts: list[_Part], say: Callable[[str], None]) -> VectorIndex:
        from rag.index.lexical import TOKENIZER_VERSION, LexicalIndex, tokenize

        embedder_id, dim = self._embedder
        for part in parts:  # a previous index written with another tokenizer: its words are made again
            if part.tokens is None:
                part.tokens = [tokenize(c.text) for c in part.chunks]
            if part.title_tokens is None:
                part.title_tokens = tokenize(part.entry.get("title", ""))
        previous = self._index if self._index is not None and self.exists else None
        say("writing the new index beside the old one")
        generation = Generation.start(self.folder)
        tmp = generation.folder
        try:
            article_ids = [p.article_id for p in parts]
            chunks = [c for p in parts for c in p.chunks]
            owner = [i for i, p in enumerate(parts) for _ in p.chunks]
            vectors = np.concatenate([p.vectors for p in parts]) if parts else np.zeros((0, dim), np.float32)
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            chunk_tokens = [t for p in parts for t in p.tokens]
            titles = {p.article_id: p.title_tokens for p in parts}
            chunk_titles = [p.title_tokens for p in parts for _ in p.chunks]
            table = {
                "articles": article_ids,
                "article": owner,
                "paragraph": [c.paragraph for c in chunks],
                "start": [c.start for c in chunks],
                "end": [c.end for c in chunks],
                "text": [c.text for c in chunks],
            }
            write_json(tmp / "chunks.json", table)
            write_json(tmp / "tokens.json", {"chunks": chunk_tokens, "titles": titles})
            np.save(tmp / "vectors.npy", vectors, allow_pickle=False)  # (made durable with the rest below)
            say("building the keyword index")
            lexical = LexicalIndex.from_tokens(lexical_documents(chunk_tokens, chunk_titles))
            lexical.save(tmp / "lexical")
            spans = _row_spans(parts)
            ann, graph = {"type": "flat"}, None
            if len(chunks) >= self.config.ann_min_chunks:
                graph = _next_graph(previous, parts, spans, vectors, say)
                ann = hnsw.write(graph, tmp)
            articles = {p.article_id: {**p.entry, "rows": [s.start, s.stop]} for p, s in zip(parts, spans)}
            manifest = new_manifest(generation.name, tmp, embedder_id, dim, self.config,
                                    {"tokenizer": TOKENIZER_VERSION, "documents": "title+chunk"}, ann, articles,
                                    len(chunks))
            fsync_tree(tmp)  # the graph and keyword files too: all durable before the manifest names them
            say("swapping the new index in")
            generation.publish(manifest)
        except BaseException:
            # A failed write (disk full, a killed process's siblings, ...) leaves no half-written folder behind;
            # the previous manifest still names the previous generation, which is untouched.
            generation.discard()
            raise
        remove_old_generations(self.folder, keep=generation.name)  # (under the lock: no other writer's files)
        lexical.folder = self.folder / generation.name / "lexical"
        return VectorIndex(self.folder, manifest, chunks, np.asarray(owner, dtype=np.int32), article_ids,
                           vectors, lexical=lexical, ann=graph)


def lexical_documents(chunk_tokens: Sequence[list[str]], chunk_titles: Sequence[list[str]]) -> list[list[str]]:
    """What BM25 indexes per chunk: the article title's words, then the chunk's."""
    return [t + c for c, t in zip(chunk_tokens, chunk_titles)]


def _row_spans(parts: list[_Part]) -> list[range]:
    """Each part's rows in the new generation (parts are stored one after another)."""
    stops = np.cumsum([len(p.chunks) for p in parts], dtype=np.int64).tolist()
    return [range(stop - len(p.chunks), stop) for p, stop in zip(parts, stops)]


def _next_graph(prev: VectorIndex | None, parts: list[_Part], spans: list[range], vectors: np.ndarray,
                say: Callable[[str], None]) -> hnsw.Graph:
    """The previous generation's graph with this write's changes (rag.index.graph), or a new one."""
    if prev is not None and prev.ann is not None:
        moved = np.full(len(prev), -1, dtype=np.int64)  # old row → new row (-1: changed or removed)
        added_rows = []
        for part, span in zip(parts, spans):
            new = np.arange(span.start, span.stop, dtype=np.int64)
            if part.prev_rows is not None:
                moved[part.prev_rows.start : part.prev_rows.stop] = new
            else:
                added_rows.append(new)
        added = np.concatenate(added_rows) if added_rows else np.zeros(0, dtype=np.int64)
        say(f"adding {len(added):,} chunks to the approximate search graph")
        graph = hnsw.update(prev.ann, prev.manifest.get("ann"), moved, vectors[added], added)
        if graph is not None:
            return graph
    say("building the approximate search graph")
    return hnsw.build(vectors)


def _lap(t: dict[str, float], key: str, since: float) -> float:
    now = time.perf_counter()
    t[key] = round((now - since) * 1000, 3)
    return now


def _stamp(folder: Path) -> tuple[int, int] | None:
    """What changes when a writer swaps the manifest (its inode and modification time)."""
    try:
        st = os.stat(folder / MANIFEST)
        return st.st_ino, st.st_mtime_ns
    except OSError:
        return None
