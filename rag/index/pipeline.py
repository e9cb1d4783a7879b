"""Ingest: bring an index (any rag.index.backend) up to date with a corpus, embedding only what is new or changed.

Under the index's writer lock, articles are compared with the committed ones by content hash; removed ones are
deleted; new and changed ones are chunked, embedded and tokenised a block at a time and written. A chunk whose
text the article already had keeps its vector, a passage several articles share is embedded once, and every
vector computed goes to an embedding journal (rag.index.journal) first. The work is committed every
Config.commit_articles articles or Config.commit_seconds seconds and at the end: a long ingest is answerable as
it goes, and one that is killed resumes from its last commit without embedding anything again.

`ingest` may run on a background thread: `progress` receives (done, total, message) — total 0 for a phase
message — and nothing else is printed.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from rag.config import Config
from rag.index.backend import ArticleChunks, IndexBackend, open_backend
from rag.index.embedders import Embedder, ProgressFn
from rag.index.inputs import passage_input
from rag.index.journal import EmbeddingJournal
from rag.ingest.articles import Article, LoadReport, Skipped
from rag.ingest.chunks import chunk_article

BLOCK_CHUNKS = 512  # chunks embedded per call between commit checks (the embedder's workers share each block)


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
    commits: int = 0
    resumed: int = 0  # vectors taken from the journal of an earlier, interrupted ingest

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
        if self.resumed:
            line += f"; {self.resumed} vectors kept from an interrupted ingest"
        return line + f" in {self.seconds:.1f} s"


def ingest(
    articles: Sequence[Article] | LoadReport,
    config: Config,
    embedder: Embedder,
    progress: bool | ProgressFn = True,
    rebuild: bool = False,
    wait: bool = True,
    backend: IndexBackend | None = None,
) -> IngestReport:
    """Bring the configured index up to date with `articles`, embedding only what is new or changed.

    `wait`: when another process is writing the index, wait for it (saying so) or raise WriterBusy."""
    t0 = time.perf_counter()
    arts, skipped = _unique(articles)
    say = _phase_reporter(progress)
    report = IngestReport(skipped=skipped)
    backend = backend or open_backend(config)
    backend.begin(embedder.id, embedder.dim, rebuild=rebuild, wait=wait, say=_waiting_reporter(progress))
    try:
        say("reading the previous index")
        previous = {} if rebuild else backend.articles()
        todo = []
        for art in arts:
            entry = previous.get(art.id)
            # an entry without a date was written before dates were stored: rewritten (its vectors are reused)
            if entry and entry["hash"] == art.content_hash and "date" in entry:
                report.unchanged.append(art.id)
            else:
                (report.changed if entry else report.added).append(art.id)
                todo.append(art)
        current = {a.id for a in arts}
        report.removed = [aid for aid in previous if aid not in current]
        if report.removed:
            backend.delete(report.removed)
        journal = EmbeddingJournal(_journal_folder(config, backend), embedder.id, embedder.dim)
        _write_articles(todo, previous, backend, embedder, journal, config, report, progress, say)
        backend.commit(final=False, say=say)
        report.commits += 1
        journal.clear()  # (still under the lock: the next writer's journal is never touched)
    finally:
        backend.abort()  # releases the lock; after a failure, also drops what was not committed
    report.chunks = int(backend.manifest.get("counts", {}).get("chunks", 0))
    report.seconds = time.perf_counter() - t0
    say("done")
    return report


def _write_articles(todo: list[Article], previous: dict[str, dict], backend: IndexBackend, embedder: Embedder,
                    journal: EmbeddingJournal, config: Config, report: IngestReport, progress: bool | ProgressFn,
                    say: Callable[[str], None]) -> None:
    """Chunk, embed, tokenise and write `todo` a block at a time, committing every so many articles or seconds."""
    from rag.index.lexical import tokenize

    chunked = [(art, chunk_article(art, config.chunk_chars)) for art in todo]
    total = sum(len(chunks) for _, chunks in chunked)
    bar = _Progress(progress, total)
    since_commit, last_commit = 0, time.monotonic()
    block: list[tuple[Article, list]] = []
    for i, item in enumerate(chunked):
        block.append(item)
        last = i + 1 == len(chunked)
        full = sum(len(c) for _, c in block) >= BLOCK_CHUNKS or since_commit + len(block) >= config.commit_articles
        if not (full or last):
            continue
        vectors = _embed_block(block, previous, backend, embedder, journal, report, bar)
        say("tokenising for keyword search")
        for (art, chunks), vecs in zip(block, vectors):
            backend.upsert(ArticleChunks.of(art, chunks, vecs, [tokenize(c.text) for c in chunks], tokenize(art.title)))
        since_commit += len(block)
        block = []
        due = since_commit >= config.commit_articles or time.monotonic() - last_commit >= config.commit_seconds
        if due and not last:
            say(f"committing {since_commit} articles")
            backend.commit(final=False, say=say)
            report.commits += 1
            since_commit, last_commit = 0, time.monotonic()
    bar.close()


def _embed_block(block: list[tuple[Article, list]], previous: dict[str, dict], backend: IndexBackend,
                 embedder: Embedder, journal: EmbeddingJournal, report: IngestReport, bar: "_Progress") -> list[np.ndarray]:
    """Each article's chunk vectors: its previous version's where the passage is unchanged, the journal's where
    an interrupted ingest embedded it, else embedded now (a passage several articles share, once)."""
    out, todo = [], []
    for art, chunks in block:
        vecs = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
        old = backend.previous_vectors(art.id) if art.id in previous else {}
        for i, chunk in enumerate(chunks):
            text = passage_input(art.title, chunk.text)
            if text in old:
                vecs[i] = old[text]
            elif (kept := journal.get(text)) is not None:
                vecs[i] = kept
                report.resumed += 1
            else:
                todo.append((vecs, i, text))
        out.append(vecs)
    distinct = list(dict.fromkeys(t for _, _, t in todo))
    if distinct:
        t0 = time.perf_counter()
        new = embedder.embed_passages(distinct, progress=bar.within(len(distinct)))
        report.seconds_embedding += time.perf_counter() - t0
        journal.add(distinct, new)
        row = {text: r for r, text in enumerate(distinct)}
        for vecs, i, text in todo:
            vecs[i] = new[row[text]]
        report.chunks_embedded += len(distinct)
        report.chars_embedded += sum(map(len, distinct))
    bar.advance(sum(len(c) for _, c in block) - len(distinct))
    return out


def _journal_folder(config: Config, backend: IndexBackend) -> Path:
    """A hidden folder of the index folder (for Milvus, the local one), one per index."""
    slug = hashlib.sha1(backend.where.encode("utf-8")).hexdigest()[:10]
    return Path(config.index_dir) / f".journal-{slug}"


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


class _Progress:
    """One embedding count over the whole ingest (blocks report into it): a callback or a tqdm bar."""

    def __init__(self, progress: bool | ProgressFn, total: int):
        self.total, self.done = total, 0
        self.callback = progress if callable(progress) else None
        self.bar = None
        if progress is True and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="embedding", unit="chunk", file=sys.stderr, leave=False)

    def within(self, n: int) -> ProgressFn:
        """A progress function for one block of n embeddings."""
        base = self.done

        def report(done: int, _total: int, _message: str) -> None:
            self._show(base + done)

        self.done += n
        return report

    def advance(self, n: int) -> None:
        self.done += n
        self._show(self.done)

    def _show(self, done: int) -> None:
        done = min(done, self.total)
        if self.callback:
            self.callback(done, self.total, "embedding")
        elif self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _phase_reporter(progress: bool | ProgressFn) -> Callable[[str], None]:
    """Phase messages go to a callback as (0, 0, message) — total 0 means "no count" — and nowhere else."""
    if callable(progress):
        return lambda message: progress(0, 0, message)
    return lambda message: None


def _waiting_reporter(progress: bool | ProgressFn) -> Callable[[str], None]:
    """'Waiting for another writer' reaches a person whatever the progress setting: the callback, or stderr."""
    if callable(progress):
        return lambda message: progress(0, 0, message)
    return lambda message: print(message, file=sys.stderr, flush=True)
