"""Ingest: bring an index folder up to date with a corpus, embedding only what is new or changed.

Each article becomes one part of the new generation: an unchanged article keeps its chunks, vectors and
tokens; a new or changed one is chunked, embedded (a passage it already had keeps its vector) and
tokenised. The parts are written as a new generation folder beside the live one, which the manifest then
names (rag.index.manifest: the atomic swap, digests, fsync).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from rag.config import Config
from rag.index import graph as hnsw
from rag.index.embedders import Embedder, ProgressFn
from rag.index.inputs import passage_input
from rag.index.manifest import (
    Generation,
    IndexMismatch,
    fsync_tree,
    new_manifest,
    rebuild_hint,
    remove_old_generations,
    write_json,
)
from rag.index.store import VectorIndex
from rag.ingest.articles import Article, LoadReport, Skipped
from rag.ingest.chunks import Chunk, chunk_article


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
    generation = Generation.start(index_dir)
    tmp = generation.folder
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
        write_json(tmp / "chunks.json", table)
        write_json(tmp / "tokens.json", {"chunks": chunk_tokens, "titles": titles})
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)  # (made durable with the rest below)
        say("building the keyword index")
        LexicalIndex.from_tokens(lexical_documents(chunk_tokens, chunk_titles)).save(tmp / "lexical")
        spans = _row_spans(parts)
        ann = {"type": "flat"}
        if len(chunks) >= config.ann_min_chunks:
            ann = hnsw.write(_next_graph(prev, parts, spans, vectors, say), tmp)

        articles = {
            p.article.id: {"hash": p.article.content_hash, "title": p.article.title,
                           "rows": [span.start, span.stop], "chars": p.article.chars}
            for p, span in zip(parts, spans)
        }
        manifest = new_manifest(generation.name, tmp, embedder.id, embedder.dim, config,
                                {"tokenizer": TOKENIZER_VERSION, "documents": "title+chunk"}, ann, articles, len(chunks))
        fsync_tree(tmp)  # the graph and keyword files too: all durable before the manifest names them
        say("swapping the new index in")
        generation.publish(manifest)
    except BaseException:
        # A failed write (disk full, a killed process's siblings, ...) leaves no half-written folder behind;
        # the previous manifest still names the previous generation, which is untouched.
        generation.discard()
        raise
    remove_old_generations(index_dir, keep=generation.name)


def _phase_reporter(progress: bool | ProgressFn) -> Callable[[str], None]:
    """Phase messages go to a callback as (0, 0, message) — total 0 means "no count" — and nowhere else."""
    if callable(progress):
        return lambda message: progress(0, 0, message)
    return lambda message: None
