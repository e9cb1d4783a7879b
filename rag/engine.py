"""The running system: a loaded corpus, its index and retriever, and the answer/summary entry points.

The CLI and the web UI both drive an `Engine`. Its state lives in one immutable `Snapshot`, replaced
whole after an ingest, so a request never sees a half-built index; each request reads one snapshot
from start to end through an `EngineView`.

Robustness, in one place:
- An index that cannot be read (damaged or truncated files, a manifest from another format or chunking,
  chunks that do not match the corpus) is rebuilt from the corpus with a message saying why; an index
  built with another embedder is refused with advice instead (re-embedding is the user's choice).
- Uploads are checked (type, size before reading, content) and stored under a safe name inside the
  uploads folder (Config.uploads_dir), never over a different file, atomically; a failed ingest takes them
  back out.
- Several engines (app replicas) may share one index and one data folder: each notices, at most a second
  after it happens, that another committed a new state of the index, and moves its snapshot to it.
- The summary cache is only a cache: a damaged entry is recomputed, a failed write is logged, and a
  cached summary whose quotes do not hold in its article is never shown.
"""

from __future__ import annotations

import errno
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from rag.answering.factory import make_answerer, make_summarizer
from rag.answering.summary_cache import GuardedSummaries
from rag.chat import Conversation, answer_in_conversation, respond, respond_stream
from rag.config import Config
from rag.contracts import Answerer, Retriever, Summarizer
from rag.index.backend import IndexBackend
from rag.ingest.articles import Article, LoadReport, Skipped, load_corpus
from rag.ingest.formats import clip
from rag.records import Answer, Hit, Reply, Summary
from rag.uploads import place_upload, remove_stale_staging

if TYPE_CHECKING:
    from rag.index.embedders import Embedder
    from rag.index.pipeline import IngestReport

Log = Callable[[str], None]
REFRESH_SECONDS = 1.0  # how often a request may look for a state of the index another process committed


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class IndexDamaged(Exception):
    """The index on disk cannot be used as it is; the engine rebuilds it from the corpus."""


@dataclass(frozen=True)
class Snapshot:
    """Everything a request reads; never mutated after construction."""

    articles: dict[str, Article]
    retriever: Retriever
    index: IndexBackend | None = None  # the committed state the retriever reads (None: a retriever of its own)


class _SnapshotReads:
    """Reads from `self._snapshot` (an Engine's current one, or the one a view pinned), and the engine's
    answerer and summarizer (chosen once, when it opened)."""

    _snapshot: Snapshot
    config: Config
    answerer: Answerer
    summarizer: Summarizer

    @property
    def articles(self) -> dict[str, Article]:
        return self._snapshot.articles

    @property
    def retriever(self) -> Retriever:
        return self._snapshot.retriever

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return self._snapshot.retriever.search(query, k=k)

    def summarize(self, article_id: str) -> Summary:
        """The cited summary of one article; KeyError names unknown ids."""
        article = self.articles.get(article_id)
        if article is None:
            raise KeyError(f"no article with id {clip(article_id)!r}")
        return self.summarizer.summarize(article)

    def overview(self) -> Summary:
        """One cited line per article."""
        return self.summarizer.overview(list(self.articles.values()))


class EngineView(_SnapshotReads):
    """One request's view of the engine (a `rag.contracts.Corpus`): every read comes from the same snapshot,
    even when an ingest swaps in a new one meanwhile (articles and retriever never come from two indexes)."""

    def __init__(self, engine: "Engine", snapshot: Snapshot):
        self._snapshot = snapshot
        self.config = engine.config
        self.answerer = engine.answerer
        self.summarizer = engine.summarizer


class Engine(_SnapshotReads):
    def __init__(self, config: Config, snapshot: Snapshot, embedder: Embedder, log: Log = stderr_log):
        self.config = config
        self._snapshot = snapshot
        self._embedder = embedder
        self._log = log
        self._ingest_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._checked = time.monotonic()
        self.summaries = GuardedSummaries(config.summaries_dir, log)
        self.answerer = make_answerer(config)
        self.summarizer = make_summarizer(config, self.summaries)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def open(cls, config: Config, progress=True, log: Log = stderr_log) -> "Engine":
        """Load the corpus, build or update the index when missing, stale or damaged, and load it."""
        from rag.index.embedders import make_embedder

        if config.llm != "extractive":
            from rag.answering.llm.backends import check_config

            check_config(config)  # a bad --llm fails here, in one line, before any index work
        embedder = make_embedder(config)
        snapshot = _build_snapshot(config, embedder, progress, log)
        return cls(config, snapshot, embedder, log)

    # ---- reading ------------------------------------------------------------------------------
    def view(self) -> EngineView:
        """The current snapshot, pinned for one request."""
        self.refresh()
        return EngineView(self, self._snapshot)

    def refresh(self, force: bool = False) -> bool:
        """Move to a newer committed state of the index, if another process (a replica, `rag ingest`) made one:
        looked for at most every REFRESH_SECONDS, by one request at a time, the others carrying on with the
        current snapshot. True when the snapshot changed."""
        if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
            return False
        if not self._refresh_lock.acquire(blocking=force):
            return False
        try:
            self._checked = time.monotonic()
            index = self._snapshot.index
            if index is None:
                return False  # (a retriever over no index backend: nothing to follow)
            try:
                newer = index.latest()
                if newer is index:
                    return False
                loaded = _load(self.config, lambda _m: None)
                snapshot = _snapshot_of(newer, loaded, self.config, self._embedder, following=True)
            except Exception as exc:  # noqa: BLE001 - a replica keeps answering from what it has
                self._log(f"a newer index at {index.where} could not be loaded ({exc}); still answering from the previous one")
                return False
            self._snapshot = snapshot
            return True
        finally:
            self._refresh_lock.release()

    def ask(self, question: str, conversation: Conversation | None = None, k: int | None = None) -> Answer:
        """A cited answer to one question, following up on `conversation` if given.

        Raises rag.answering.question.QuestionError (a ValueError) for a question too long to ask."""
        return answer_in_conversation(self.view(), question, conversation, k)

    def respond(self, message: str, conversation: Conversation | None = None,
                k: int | None = None) -> tuple[Reply, Conversation]:
        """Chat entry point: routes summary requests, follow-ups and questions (rag.chat.respond).

        `k`: sources to use for this request (the web page's setting); None uses config.k."""
        return respond(self.view(), message, conversation, k)

    def respond_stream(self, message: str, conversation: Conversation | None = None,
                       k: int | None = None) -> Iterator[str | tuple[Reply, Conversation]]:
        """`respond` as it happens: a model's unverified draft as it grows (str), then (reply, conversation)."""
        return respond_stream(self.view(), message, conversation, k)

    # ---- writing ------------------------------------------------------------------------------
    def add_files(self, files: Sequence[Path], progress=True) -> IngestReport:
        """Store uploads in the first corpus folder, re-ingest, and swap in the new snapshot.

        Returns the IngestReport; files that were not added are in its `skipped` with the reason.
        Each file is checked before anything is stored (type, then size before it is read, then its
        content), stored under a safe name that never replaces a different file, and taken back out
        if the ingest fails, so a failed upload changes nothing.
        """
        target = self.config.uploads_dir
        if target.is_file():
            raise ValueError(f"uploads need a folder, and {target} is a file")
        with self._ingest_lock:
            target.mkdir(parents=True, exist_ok=True)
            remove_stale_staging(target)
            placed: list[Path] = []
            rejected: list[Skipped] = []
            for f in files:
                stored, problem = place_upload(Path(f), target, self.articles, self.config.max_upload_mb, self._log)
                if stored is not None:
                    placed.append(stored)
                if problem is not None:
                    rejected.append(problem)
            if not placed:
                # Nothing new to index: report without touching the index.
                from rag.index.pipeline import IngestReport

                return IngestReport(unchanged=list(self.articles), skipped=rejected)
            try:
                snapshot, report = _ingest_snapshot(self.config, self._embedder, progress, self._log)
            except BaseException:
                for p in placed:  # the upload failed as a whole: the corpus goes back to what the index holds
                    p.unlink(missing_ok=True)
                raise
            report.skipped = rejected + list(report.skipped)
            self._snapshot = snapshot
            return report


# ---- building snapshots --------------------------------------------------------------------------------


def _load(config: Config, log: Log) -> LoadReport:
    report = load_corpus(list(config.corpus_paths))
    for skipped in report.skipped:
        log(f"warning: {skipped}")
    return report


def _ingest_snapshot(config: Config, embedder, progress, log: Log):
    loaded = _load(config, log)
    report = update_index(loaded, config, embedder, progress, log)
    report.skipped = list(loaded.skipped)
    snapshot = _snapshot(loaded, config, embedder, progress, log)
    return snapshot, report


def _build_snapshot(config: Config, embedder, progress, log: Log) -> Snapshot:
    from rag.index.backend import open_backend

    loaded = _load(config, log)
    try:
        status = open_backend(config).status(loaded.articles)
    except Exception:  # noqa: BLE001 - an unreadable manifest: the update below says why, or rebuilds
        status = "stale"
    if status != "fresh":
        where = config.index_uri or config.index_dir
        log(f"index {status} at {where}: building it now ({len(loaded.articles)} articles)")
        report = update_index(loaded, config, embedder, progress, log)
        log(report.summary())
    return _snapshot(loaded, config, embedder, progress, log)


def update_index(loaded: LoadReport, config: Config, embedder, progress=True, log: Log = stderr_log,
                 wait: bool = True):
    """rag.index.pipeline.ingest; an index it cannot update (damaged, another format or chunking) is rebuilt.

    An index built with another embedder is refused (IndexMismatch says how to rebuild): re-embedding
    everything with another model is the user's decision. A write that fails (disk full, size limit)
    raises OSError saying that the previous index is unchanged."""
    from rag.index.manifest import IndexMismatch
    from rag.index.pipeline import ingest

    try:
        try:
            return ingest(loaded.articles, config, embedder, progress=progress, wait=wait)
        except IndexMismatch as exc:
            if _built_with_other_embedder(config, embedder):
                raise
            if config.index_backend != "faiss":
                raise  # a shared index is never dropped by an update: `rag ingest --rebuild` does that
            log(f"{_without_hint(exc)}: rebuilding it from the corpus")
            return ingest(loaded.articles, config, embedder, progress=progress, rebuild=True, wait=wait)
    except OSError as exc:
        # The new generation is written beside the old one and swapped in last, so the old one stands.
        # (numpy reports a short write as "N requested and M written", without an errno.)
        reason = exc.strerror or str(exc)
        if exc.errno is None or exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason += ": the disk is full or a file size limit was reached"
        failure = OSError(f"could not save the index at {config.index_uri or config.index_dir} ({reason}); "
                          "the previous index is unchanged")
        failure.errno = exc.errno  # (kept for callers; OSError(errno, msg) would print "[Errno None]" without one)
        raise failure from exc


def _snapshot(loaded: LoadReport, config: Config, embedder, progress, log: Log) -> Snapshot:
    """The snapshot over the index; a damaged FAISS folder is rebuilt once, with a message. A shared (Milvus)
    index is only ever updated, never dropped, by an app: its other replicas are reading it."""
    from rag.index.pipeline import ingest

    try:
        return _load_snapshot(loaded, config, embedder)
    except IndexDamaged as exc:
        rebuild = config.index_backend == "faiss"
        log(f"{exc}: {'rebuilding' if rebuild else 'updating'} it from the corpus")
        ingest(loaded.articles, config, embedder, progress=progress, rebuild=rebuild)
        return _load_snapshot(loaded, config, embedder)


def _load_snapshot(loaded: LoadReport, config: Config, embedder) -> Snapshot:
    """Load and check the index: every file is read now (not on a first request), and it must match the corpus."""
    from rag.index.backend import open_backend
    from rag.index.manifest import IndexMismatch

    where = config.index_uri or config.index_dir
    try:
        return _snapshot_of(open_backend(config), loaded, config, embedder)
    except FileNotFoundError as exc:
        raise IndexDamaged(f"index at {where} is incomplete ({exc})") from exc
    except IndexMismatch as exc:
        if _built_with_other_embedder(config, embedder):
            raise
        raise IndexDamaged(_without_hint(exc)) from exc
    except IndexDamaged:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. EOFError from an empty vectors.npy
        raise IndexDamaged(f"index at {where} is damaged ({type(exc).__name__}: {exc})") from exc


def _snapshot_of(index: IndexBackend, loaded: LoadReport, config: Config, embedder, following: bool = False) -> Snapshot:
    """A snapshot over one committed state of the index; IndexDamaged when it does not hold these articles.
    `following` another process's commit: files of articles still being ingested (an upload through another
    replica, placed before its commit) may already be there, and wait for the commit that adds them."""
    from rag.retrieve import Retriever

    if not index.exists:
        raise FileNotFoundError(f"no index at {index.where}; build one with: rag ingest")
    retriever = Retriever(index, embedder, config)
    articles = {a.id: a for a in loaded.articles}
    if following:
        held = index.articles()
        articles = {aid: a for aid, a in articles.items() if aid in held}
    problem = index.verify(articles)
    if problem:
        raise IndexDamaged(f"index at {index.where} does not match the corpus ({problem})")
    return Snapshot(articles, retriever, index)


def _built_with_other_embedder(config: Config, embedder) -> bool:
    """True when a readable manifest names another embedder (or dimension) than this run's."""
    from rag.index.backend import open_backend

    try:
        built = open_backend(config).manifest["embedder"]
        return built["id"] != embedder.id or int(built["dim"]) != int(embedder.dim)
    except Exception:  # noqa: BLE001 - missing or unreadable: not a question of embedders
        return False


def _without_hint(exc: Exception) -> str:
    """An IndexMismatch message without its "Rebuild with: ..." advice (the engine rebuilds itself)."""
    return re.split(r"\.?\s*Rebuild with", str(exc))[0].rstrip(". ")
