"""The running system: a loaded corpus, its index and retriever, and the answer/summary entry points.

The CLI and the web UI both drive an `Engine`. Its state lives in one immutable `Snapshot`, replaced
whole after an ingest, so a request never sees a half-built index; each request reads one snapshot
from start to end through an `EngineView`.

Robustness, in one place:
- An index that cannot be read (damaged or truncated files, a manifest from another format or chunking,
  chunks that do not match the corpus) is rebuilt from the corpus with a message saying why; an index
  built with another embedder is refused with advice instead (re-embedding is the user's choice).
- Uploads are checked (type, size before reading, content) and stored under a safe name inside the
  uploads folder (`Config.uploads_dir`; corpus folders are only read), never over a different file,
  atomically; a failed ingest takes them back out.
- The summary cache is only a cache: a damaged entry is recomputed, a failed write is logged, and a
  cached summary whose quotes do not hold in its article is never shown.
"""

from __future__ import annotations

import errno
import re
import sys
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from rag.answering.factory import make_answerer, make_summarizer
from rag.answering.summary_cache import GuardedSummaries
from rag.chat import Conversation, answer_in_conversation, respond, respond_stream
from rag.config import Config
from rag.contracts import Answerer, Retriever, Summarizer
from rag.ingest.articles import Article, LoadReport, Skipped, load_corpus, load_file
from rag.records import Answer, Filter, Hit, Reply, Summary
from rag.scope.facts import facts_for
from rag.scope.plan import Scope, plan_scope
from rag.scope.retriever import ScopedRetriever
from rag.shelf import ShelfEntry, shelf_entries
from rag.uploads import place_upload, remove_stale_staging

if TYPE_CHECKING:
    from rag.index.embedders import Embedder
    from rag.index.pipeline import IngestReport

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class IndexDamaged(Exception):
    """The index on disk cannot be used as it is; the engine rebuilds it from the corpus."""


@dataclass(frozen=True)
class Snapshot:
    """Everything a request reads; never mutated after construction (its shelf is worked out on first use)."""

    articles: dict[str, Article]
    retriever: Retriever

    @cached_property
    def shelf(self) -> list[ShelfEntry]:
        """Every article with its shelf number and near-duplicate group (rag.shelf)."""
        from rag.ingest.duplicates import group_near_duplicates

        articles = list(self.articles.values())
        return shelf_entries(articles, group_near_duplicates(articles))


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

    @property
    def shelf(self) -> list[ShelfEntry]:
        """Every article in shelf order, numbered from 1, with the other outlets that carried its story."""
        return self._snapshot.shelf

    def search(self, query: str, k: int = 10, filter: Filter = Filter()) -> list[Hit]:
        """The best chunks for `query` within the dates and outlets it names and `filter` sets (rag.scope)."""
        facts = facts_for(self.articles)
        scope = self.scope(query, filter)
        return ScopedRetriever(self.retriever, facts, scope.anchor, scope.recency, scope.filter).search(query, k=k)

    def scope(self, question: str, filter: Filter = Filter()) -> Scope:
        """What `question` may be answered from under `filter`: rag.scope.plan.plan_scope on this snapshot."""
        facts = facts_for(self.articles)
        return plan_scope(question, filter, facts, facts.anchor(self.config))

    def summarize(self, article_id: str) -> Summary:
        """The cited summary of one article; KeyError names unknown ids."""
        article = self.articles.get(article_id)
        if article is None:
            raise KeyError(f"no article with id {article_id!r}")
        return self.summarizer.summarize(article)

    def overview(self, article_ids: Sequence[str] | None = None) -> Summary:
        """One cited line per article: these (unknown ids are skipped), or all."""
        if article_ids is None:
            return self.summarizer.overview(list(self.articles.values()))
        return self.summarizer.overview([self.articles[i] for i in article_ids if i in self.articles])


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
        self.summaries = GuardedSummaries(config.index_dir, log)
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
        return EngineView(self, self._snapshot)

    def ask(self, question: str, conversation: Conversation | None = None, k: int | None = None,
            filter: Filter = Filter()) -> Answer:
        """A cited answer to one question, following up on `conversation` if given, within `filter` (dates
        and outlets; the question's own narrow it where the filter sets none).

        Raises rag.answering.question.QuestionError (a ValueError) for a question too long to ask."""
        return answer_in_conversation(self.view(), question, conversation, k, filter)

    def respond(self, message: str, conversation: Conversation | None = None,
                k: int | None = None, filter: Filter = Filter()) -> tuple[Reply, Conversation]:
        """Chat entry point: routes summary requests, follow-ups and questions (rag.chat.respond).

        `k`: sources to use for this request (the web page's setting); None uses config.k. `filter`: the
        dates and outlets the user set."""
        return respond(self.view(), message, conversation, k, filter)

    def respond_stream(self, message: str, conversation: Conversation | None = None,
                       k: int | None = None, filter: Filter = Filter()) -> Iterator[str | tuple[Reply, Conversation]]:
        """`respond` as it happens: a model's unverified draft as it grows (str), then (reply, conversation)."""
        return respond_stream(self.view(), message, conversation, k, filter)

    # ---- writing ------------------------------------------------------------------------------
    def add_files(self, files: Sequence[Path], progress=True) -> IngestReport:
        """Store uploads in the uploads folder (`Config.uploads_dir`, never a corpus folder), re-ingest, and
        swap in the new snapshot.

        Returns the IngestReport; files that were not added are in its `skipped` with the reason.
        Each file is checked before anything is stored (type, then size before it is read, then its
        content), stored under a safe name that never replaces a different file, and taken back out
        if the ingest fails, so a failed upload changes nothing. A story already on the shelf (or earlier in
        the same batch), in whatever format, is not stored twice. `progress(done, total, message)`, when
        callable, hears of each file, then of each batch of embedded passages.
        """
        target = self.config.uploads_dir
        if target.is_file():
            raise ValueError(f"uploads need a folder, and {target} is a file (see --data-dir, RAG_DATA_DIR)")
        report_file = progress if callable(progress) else (lambda _done, _total, _message: None)
        with self._ingest_lock:
            target.mkdir(parents=True, exist_ok=True)
            remove_stale_staging(target)
            placed: list[Path] = []
            rejected: list[Skipped] = []
            existing = dict(self.articles)
            for i, f in enumerate(files):
                report_file(i, len(files), f"checking {Path(f).name} ({i + 1} of {len(files)})")
                stored, problem = place_upload(Path(f), target, existing, self.config.max_upload_mb, self._log)
                if stored is not None:
                    placed.append(stored)
                    existing.update((a.id, a) for a in load_file(stored)[0])  # a twin later in the batch is found
                if problem is not None:
                    rejected.append(problem)
            report_file(len(files), len(files), f"checked {len(files)} file{'s' if len(files) != 1 else ''}")
            if not placed:
                # Nothing new to index: report without touching the index.
                from rag.index.pipeline import IngestReport

                return IngestReport(unchanged=list(self.articles), skipped=rejected)
            try:
                snapshot, report = _ingest_snapshot(self.config, self._embedder, progress, self._log)
            except BaseException:
                for p in placed:  # the upload failed as a whole: the uploads go back to what the index holds
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
    from rag.index.manifest import index_status

    loaded = _load(config, log)
    status = index_status(loaded.articles, config)
    if status != "fresh":
        log(f"index {status} at {config.index_dir}: building it now ({len(loaded.articles)} articles)")
        report = update_index(loaded, config, embedder, progress, log)
        log(report.summary())
    return _snapshot(loaded, config, embedder, progress, log)


def update_index(loaded: LoadReport, config: Config, embedder, progress=True, log: Log = stderr_log):
    """rag.index.pipeline.ingest; an index it cannot update (damaged, another format or chunking) is rebuilt.

    An index built with another embedder is refused (IndexMismatch says how to rebuild): re-embedding
    everything with another model is the user's decision. A write that fails (disk full, size limit)
    raises OSError saying that the previous index is unchanged."""
    from rag.index.manifest import IndexMismatch
    from rag.index.pipeline import ingest

    try:
        try:
            return ingest(loaded.articles, config, embedder, progress=progress)
        except IndexMismatch as exc:
            if _built_with_other_embedder(config, embedder):
                raise
            log(f"{_without_hint(exc)}: rebuilding it from the corpus")
            return ingest(loaded.articles, config, embedder, progress=progress, rebuild=True)
    except OSError as exc:
        # The new generation is written beside the old one and swapped in last, so the old one stands.
        # (numpy reports a short write as "N requested and M written", without an errno.)
        reason = exc.strerror or str(exc)
        if exc.errno is None or exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason += ": the disk is full or a file size limit was reached"
        raise OSError(exc.errno, f"could not save the index at {config.index_dir} ({reason}); "
                      "the previous index is unchanged") from exc


def _snapshot(loaded: LoadReport, config: Config, embedder, progress, log: Log) -> Snapshot:
    """The snapshot over the index on disk; a damaged index is rebuilt once, with a message."""
    from rag.index.pipeline import ingest

    try:
        return _load_snapshot(loaded, config, embedder)
    except IndexDamaged as exc:
        log(f"{exc}: rebuilding it from the corpus")
        ingest(loaded.articles, config, embedder, progress=progress, rebuild=True)
        return _load_snapshot(loaded, config, embedder)


def _load_snapshot(loaded: LoadReport, config: Config, embedder) -> Snapshot:
    """Load and check the index: every file is read now (not on a first request), and it must match the corpus."""
    from rag.index.manifest import IndexMismatch
    from rag.index.store import VectorIndex
    from rag.retrieve import Retriever

    where = config.index_dir
    try:
        index = VectorIndex.load(where)
        retriever = Retriever(index, embedder, config)
    except FileNotFoundError as exc:
        raise IndexDamaged(f"index at {where} is incomplete ({exc})") from exc
    except IndexMismatch as exc:
        if _built_with_other_embedder(config, embedder):
            raise
        raise IndexDamaged(_without_hint(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - e.g. EOFError from an empty vectors.npy
        raise IndexDamaged(f"index at {where} is damaged ({type(exc).__name__}: {exc})") from exc
    try:
        # BM25 loads lazily from the generation folder: load it now, so damage shows here, and so an
        # old snapshot still in use never needs a folder that a later ingest has deleted.
        index.lexical.pinyin()  # (and its pinyin map, read on the first English question otherwise)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged keyword index raises
        raise IndexDamaged(f"index at {where} is damaged (keyword index: {type(exc).__name__}: {exc})") from exc
    articles = {a.id: a for a in loaded.articles}
    problem = _mismatch(index, articles)
    if problem:
        raise IndexDamaged(f"index at {where} does not match the corpus ({problem})")
    return Snapshot(articles, retriever)


def _mismatch(index, articles: dict[str, Article]) -> str | None:
    """Why the index cannot be trusted with these articles, or None: every chunk must be the text of its
    article's paragraph at its offsets, every vector finite, every article's rows its own."""
    import numpy as np

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


def _built_with_other_embedder(config: Config, embedder) -> bool:
    """True when a readable manifest names another embedder (or dimension) than this run's."""
    from rag.index.manifest import read_manifest

    try:
        built = read_manifest(config.index_dir)["embedder"]
        return built["id"] != embedder.id or int(built["dim"]) != int(embedder.dim)
    except Exception:  # noqa: BLE001 - missing or unreadable: not a question of embedders
        return False


def _without_hint(exc: Exception) -> str:
    """An IndexMismatch message without its "Rebuild with: ..." advice (the engine rebuilds itself)."""
    return re.split(r"\.?\s*Rebuild with", str(exc))[0].rstrip(". ")
