"""The running system: a loaded corpus, its index and retriever, and the answer/summary entry points.

The CLI and the web UI both drive an `Engine`. Its state lives in one immutable `Snapshot` (rag.snapshots),
replaced whole after each commit, so a request never sees a half-built index; each request reads one snapshot
from start to end through an `EngineView`.

Robustness, in one place:
- Serve first, ingest behind: `Engine.serve` answers at once from the last complete index (rag.snapshots
  .last_complete) and brings new, changed and removed articles in on a background thread (rag.indexer), which
  also takes uploads; a restart after a crash never waits for an ingest. `Engine.open(wait=False)` (`rag
  ask`) answers from the last complete index and says what is behind.
- An index that cannot be read (damaged or truncated files, a manifest from another format or chunking,
  chunks that do not match the corpus) is rebuilt from the corpus with a message saying why; an index
  built with another embedder is refused with advice instead (re-embedding is the user's choice).
- Uploads are checked (type, size before reading, quota, content) and stored under a safe name inside the
  uploads folder (Config.uploads_dir), never over a different file, atomically; a failed ingest takes them
  back out.
- A few clients cannot make everyone wait: requests run in bounded lanes, expensive work apart from quick
  answers, and identical requests in flight are computed once (rag.workload).
- Several engines (app replicas) may share one index and one data folder: each notices, at most a second
  after it happens, that another committed a new state of the index, and moves its snapshot to it.
- The summary cache is only a cache: a damaged entry is recomputed, a failed write is logged, and a
  cached summary whose quotes do not hold in its article is never shown.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from rag.answering.factory import make_answerer, make_summarizer
from rag.answering.question import clean_question
from rag.answering.summaries import ALGORITHM
from rag.answering.summary_cache import GuardedSummaries
from rag.chat import Conversation, answer_in_conversation, respond_stream, summary_request
from rag.config import Config
from rag.contracts import Answerer, Retriever, Summarizer
from rag.ingest.articles import Article, LoadReport, Skipped
from rag.ingest.formats import clip
from rag.records import Answer, Filter, Hit, Reply, Summary, TopicMatch
from rag.scope.facts import facts_for
from rag.scope.plan import Scope, plan_scope
from rag.scope.retriever import ScopedRetriever
from rag.shelf import ShelfEntry
from rag.snapshots import (
    Behind,
    IndexDamaged,
    Log,
    Snapshot,
    last_complete,
    load,
    load_snapshot,
    open_snapshot,
    snapshot_of,
    stderr_log,
    update_index,
)
from rag.uploads import remove_stale_staging, store_upload
from rag.workload import LONG_ARTICLE_CHARS, LONG_QUESTION_CHARS, Workload

if TYPE_CHECKING:
    from rag.index.embedders import Embedder, ProgressFn
    from rag.index.pipeline import IngestReport
    from rag.indexer import FileState, Indexer

__all__ = ["Engine", "EngineView", "IndexDamaged", "Snapshot", "update_index"]

REFRESH_SECONDS = 1.0  # how often a request may look for a state of the index another process committed
SERVE_WAIT_SECONDS = 5.0  # `Engine.serve` waits this long for the corpus to load before serving without it


class _SnapshotReads:
    """Reads from `self._snapshot` (an Engine's current one, or the one a view pinned), and the engine's
    answerer and summarizer (chosen once, when it opened), summaries in their lane."""

    _snapshot: Snapshot
    config: Config
    answerer: Answerer
    summarizer: Summarizer
    summaries: GuardedSummaries
    workload: Workload

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
        """The cited summary of one article; KeyError names unknown ids. A cached one comes at once; a long
        article's (and every model summary) waits for the heavy lane; the same summary asked for by several
        users at once is made once."""
        article = self.articles.get(article_id)
        if article is None:
            raise KeyError(f"no article with id {clip(article_id)!r}")
        backend = self.summarizer.backend
        if backend == "extractive" and (cached := self.summaries.get(article, ALGORITHM)) is not None:
            return cached
        heavy = backend != "extractive" or article.chars > LONG_ARTICLE_CHARS
        return self.workload.run(heavy, lambda: self.summarizer.summarize(article),
                                 key=("summary", backend, article.id, article.content_hash))

    def overview(self, article_ids: Sequence[str] | None = None, language: str = "zh") -> Summary:
        """One cited line per article: these (unknown ids are skipped), or all, labelled in `language` ('zh' or
        'en'). Heavy (up to a hundred summaries); the same overview asked for at once is made once."""
        articles = list(self.articles.values()) if article_ids is None else \
            [self.articles[i] for i in article_ids if i in self.articles]
        key = ("overview", self.summarizer.backend, id(self._snapshot),
               None if article_ids is None else tuple(a.id for a in articles), language)
        return self.workload.run(True, lambda: self.summarizer.overview(articles, language), key=key)

    def summarize_topic(self, topic: str, language: str = "zh", filter: Filter = Filter()) -> Summary:
        """A cited summary of the articles about `topic` within `filter`'s dates and outlets, grouped when there
        are many (heavy: it reads up to hundreds of articles; the same one asked for at once is made once)."""
        return self.workload.run(True, lambda: self.summarizer.topic(self._match(topic, language, filter)),
                                 key=("topic", self.summarizer.backend, topic, language, filter, id(self._snapshot)))

    def timeline(self, topic: str, language: str = "zh", filter: Filter = Filter()) -> Summary:
        """The articles about `topic` within `filter` as dated, cited events, oldest first (heavy, merged, as a
        topic summary)."""
        return self.workload.run(True, lambda: self.summarizer.timeline(self._match(topic, language, filter)),
                                 key=("timeline", self.summarizer.backend, topic, language, filter, id(self._snapshot)))

    def _match(self, topic: str, language: str, filter: Filter) -> TopicMatch:
        """The articles about `topic` among those `filter` admits (searches kept within it, in the index)."""
        from rag.answering.topics import match_topic

        if not filter:
            return match_topic(topic, self.articles, self.retriever, language)
        facts = facts_for(self.articles)
        admitted = {i: self.articles[i] for i in facts.matching(filter)}
        return match_topic(topic, admitted, ScopedRetriever(self.retriever, facts, scope=filter), language)


class EngineView(_SnapshotReads):
    """One request's view of the engine (a `rag.contracts.Corpus`): every read comes from the same snapshot,
    even when an ingest swaps in a new one meanwhile (articles and retriever never come from two indexes)."""

    def __init__(self, engine: "Engine", snapshot: Snapshot):
        self._snapshot = snapshot
        self.config = engine.config
        self.answerer = engine.answerer
        self.summarizer = engine.summarizer
        self.summaries = engine.summaries
        self.workload = engine.workload


class Engine(_SnapshotReads):
    def __init__(self, config: Config, snapshot: Snapshot, embedder: Embedder, log: Log = stderr_log):
        self.config = config
        self._snapshot = snapshot
        self._embedder = embedder
        self._log = log
        self._place_lock = threading.Lock()  # uploads are checked against each other one at a time
        self._refresh_lock = threading.Lock()
        self._checked = time.monotonic()
        self._indexer: Indexer | None = None
        self._loaded = threading.Event()  # the corpus is loaded and the snapshot is over it
        self._loaded.set()
        self.startup_error: BaseException | None = None
        self.behind = Behind()  # what the index lacked when the engine opened (without waiting for it)
        self.summaries = GuardedSummaries(config.summaries_dir, log)
        self.answerer = make_answerer(config)
        self.summarizer = make_summarizer(config, self.summaries)
        self.workload = Workload(config.answer_workers, config.heavy_workers)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def open(cls, config: Config, progress=True, log: Log = stderr_log, wait: bool = True) -> "Engine":
        """Load the corpus and the index. `wait`: bring the index up to date first (built when missing, rebuilt
        when damaged); else answer from the last complete index, with `engine.behind` saying what it lacks (an
        index that is missing or unusable is still built first: there is nothing else to answer from)."""
        embedder = _embedder(config)
        behind = Behind()
        if wait:
            snapshot = open_snapshot(config, embedder, progress, log)
        else:
            snapshot, behind = last_complete(load(config, log), config, embedder)
            if behind.rebuild or snapshot.index is None:
                snapshot, behind = open_snapshot(config, embedder, progress, log), Behind()
        engine = cls(config, snapshot, embedder, log)
        engine.behind = behind
        return engine

    @classmethod
    def serve(cls, config: Config, log: Log = stderr_log, wait_s: float = SERVE_WAIT_SECONDS) -> "Engine":
        """Serve first, ingest behind: the engine over the last complete index (none yet: no articles), and
        whatever the index lacks brought in on the background thread, committed as it goes. The corpus is read
        on a thread too: this returns when it is loaded or after `wait_s` seconds, whichever comes first (a
        corpus of 100,000 records takes longer to read; until then requests are told it is loading). An index
        built with another embedder raises here, as `open` does, when found within `wait_s`."""
        from rag.snapshots import NoIndex

        embedder = _embedder(config)
        engine = cls(config, Snapshot({}, NoIndex(), None), embedder, log)
        engine._loaded.clear()

        def start() -> None:
            try:
                snapshot, behind = last_complete(load(config, log), config, embedder)
                engine._snapshot, engine.behind = snapshot, behind
                if behind:
                    log(f"index behind the corpus ({behind.describe()}): answering from the "
                        f"{len(snapshot.articles)} articles it holds, indexing the rest in the background")
                    engine.indexer.submit(f"{len(behind.pending)} articles of the corpus", behind.pending,
                                          rebuild=behind.rebuild)
            except Exception as exc:  # noqa: BLE001 - raised by serve when in time, else logged and shown
                engine.startup_error = exc
                log(f"error: {exc}")
            finally:
                engine._loaded.set()

        threading.Thread(target=start, name="rag-load", daemon=True).start()
        if engine._loaded.wait(wait_s) and engine.startup_error is not None:
            raise engine.startup_error
        return engine

    @property
    def loading(self) -> bool:
        """The corpus is still being read (`Engine.serve`)."""
        return not self._loaded.is_set()
    # ---- reading ------------------------------------------------------------------------------
    def view(self) -> EngineView:
        """The current snapshot, pinned for one request."""
        self.refresh()
        return EngineView(self, self._snapshot)

    def refresh(self, force: bool = False) -> bool:
        """Move to a newer committed state of the index, if another process (a replica, `rag ingest`) made one:
        looked for at most every REFRESH_SECONDS, by one request at a time, the others carrying on with the
        current snapshot. True when the snapshot changed. (While this engine's own indexer works, it is the
        writer, and it swaps its commits in itself.)"""
        if not force and time.monotonic() - self._checked < REFRESH_SECONDS:
            return False
        if self._indexer is not None and self._indexer.busy:
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
                loaded = load(self.config, lambda _m: None)
                snapshot = snapshot_of(newer, loaded, self.config, self._embedder, following=True)
            except Exception as exc:  # noqa: BLE001 - a replica keeps answering from what it has
                self._log(f"a newer index at {index.where} could not be loaded ({exc}); still answering from the previous one")
                return False
            self._snapshot = snapshot
            return True
        finally:
            self._refresh_lock.release()

    def ask(self, question: str, conversation: Conversation | None = None, k: int | None = None,
            filter: Filter = Filter()) -> Answer:
        """A cited answer to one question, following up on `conversation` if given, within `filter` (dates
        and outlets; the question's own narrow it where the filter sets none). The same question asked again
        while it is being answered (no conversation) is answered once.

        Raises rag.answering.question.QuestionError (a ValueError) for a question too long to ask."""
        view = self.view()
        if (pending := self._still_indexing(view, question)) is not None:
            return pending
        heavy = len(clean_question(question)) > LONG_QUESTION_CHARS
        key = None if conversation and conversation.turns else ("ask", question, k, filter, id(view._snapshot))
        return self.workload.run(heavy, lambda: answer_in_conversation(view, question, conversation, k, filter),
                                 key=key)

    def respond(self, message: str, conversation: Conversation | None = None,
                k: int | None = None, filter: Filter = Filter()) -> tuple[Reply, Conversation]:
        """Chat entry point: routes summary requests, follow-ups and questions (rag.chat.respond).

        `k`: sources to use for this request (the web page's setting); None uses config.k. `filter`: the
        dates and outlets the user set."""
        *_drafts, final = self.respond_stream(message, conversation, k, filter)
        return final

    def respond_stream(self, message: str, conversation: Conversation | None = None,
                       k: int | None = None, filter: Filter = Filter()) -> Iterator[str | tuple[Reply, Conversation]]:
        """`respond` as it happens: a model's unverified draft as it grows (str), then (reply, conversation).
        A question holds a slot of its lane (a long one the heavy lane's) while it is answered; a summary
        request takes its lane when it comes to the summary."""
        view = self.view()
        cleaned = clean_question(message)
        if (pending := self._still_indexing(view, cleaned)) is not None:
            yield pending, conversation or Conversation()
            return
        if summary_request(cleaned) is not None or (conversation is not None and conversation.pending):
            yield from respond_stream(view, message, conversation, k, filter)
            return
        with self.workload.lane(len(cleaned) > LONG_QUESTION_CHARS).slot():
            yield from respond_stream(view, message, conversation, k, filter)

    def _still_indexing(self, view: EngineView, question: str) -> Answer | None:
        """While the corpus is read, or the first index built, there is nothing to answer from: say so."""
        if view.articles or not clean_question(question):
            return None
        if self.loading:
            return Answer(question, "文章正在载入，请稍后再问。The articles are being loaded; ask again in a moment.",
                          True, note="loading")
        if self._indexer is None or not self._indexer.busy:
            return None
        done, total = self._indexer.progress()
        return Answer(question, f"文章正在建立索引（{done}/{total}），请稍后再问。The articles are being indexed "
                      f"({done:,} of {total:,} passages); ask again in a moment.", True, note="index pending")

    # ---- writing ------------------------------------------------------------------------------
    @property
    def indexer(self) -> Indexer:
        """The background ingest (started on first use)."""
        if self._indexer is None:
            from rag.indexer import Indexer

            self._indexer = Indexer(self.config, self._embedder, self.articles, self._commit,
                                    previous_vectors=self._previous_vectors, log=self._log)
        return self._indexer

    def submit_files(self, files: Sequence[Path], progress: ProgressFn | None = None) -> list[FileState]:
        """Store uploads in the uploads folder (`Config.uploads_dir`, never a corpus folder) and queue them for
        the background ingest; returns each file's state (a file that was not stored is 'skipped' with the
        reason at once). Each file is checked before anything is stored (type, size before it is read, the
        quota, its content, its ids against the articles indexed and queued), one file at a time; a story
        already on the shelf or queued (an earlier file of the batch), in whatever format, is not stored twice.
        `progress(done, total, message)` hears of each file as it is checked."""
        from rag.indexer import FileState

        say = progress or (lambda _done, _total, _message: None)

        target = self.config.uploads_dir
        if target.is_file():
            raise ValueError(f"uploads need a folder, and {target} is a file (see --data-dir, RAG_DATA_DIR)")
        states: list[FileState] = []
        for i, f in enumerate(files):
            say(i, len(files), f"checking {Path(f).name} ({i + 1} of {len(files)})")
            with self._place_lock:
                target.mkdir(parents=True, exist_ok=True)
                remove_stale_staging(target)
                known = {**self.articles, **self.indexer.pending()}
                stored, problem = store_upload(Path(f), target, known, self.config.max_upload_mb, self._log,
                                               quota_mb=self.config.upload_quota_mb)
                if stored is None:
                    states.append(FileState(problem.origin, "skipped", reason=problem.reason))
                    continue
                states.append(self.indexer.submit(stored.path.name, stored.articles, stored.path, stored.skipped))
        say(len(files), len(files), f"checked {len(files)} file{'s' if len(files) != 1 else ''}")
        return states

    def add_files(self, files: Sequence[Path], progress=True) -> IngestReport:
        """`submit_files`, waiting until each file is in the index; returns an IngestReport (files not added
        are in its `skipped` with the reason). A commit that fails raises (the upload is taken back out, and
        the engine answers from the previous index). `progress(done, total, message)`, when callable, hears of
        each file, then of the embedded passages ("embedding", done of total) as they grow."""
        from rag.index.pipeline import IngestReport

        say = progress if callable(progress) else None
        states = self.submit_files(files, say)
        queued = [s for s in states if not s.finished]
        shown = None
        while queued and not self.indexer.wait(queued, timeout=None if say is None else 0.2):
            now = (sum(s.done for s in queued), sum(s.total for s in queued))
            if now != shown and now[1]:
                say(*now, "embedding")
                shown = now
        if say is not None and (total := sum(s.total for s in queued)):
            say(total, total, "embedding")
        failed = [s for s in states if s.state == "failed"]
        if failed and failed[0].error is not None:
            raise failed[0].error
        report = IngestReport(unchanged=[a for a in self.articles if not any(a in s.added + s.changed for s in states)])
        for s in states:
            report.added += s.added
            report.changed += s.changed
            report.skipped += ([Skipped(s.name, s.reason or "")] if s.state == "skipped" else []) + list(s.skipped)
        return report

    def rescan(self) -> IngestReport:
        """Read the corpus again and bring what changed on disk (new, changed and removed files) into the index
        through the background ingest; returns when it is in."""
        from rag.index.pipeline import IngestReport

        loaded = load(self.config, self._log)
        indexed = self.articles
        ids = {a.id for a in loaded.articles}
        behind = Behind([a for a in loaded.articles if a.id not in indexed or indexed[a.id].content_hash != a.content_hash],
                        [aid for aid in indexed if aid not in ids])
        report = IngestReport(skipped=list(loaded.skipped))
        if behind:
            state = self.indexer.submit("the corpus folder", behind.pending, removed=behind.removed)
            self.indexer.wait([state])
            if state.error is not None:
                raise state.error
            report.added, report.changed, report.removed = state.added, state.changed, state.removed
        report.unchanged = [aid for aid in self.articles if aid not in report.added + report.changed]
        return report

    def ingest_status(self) -> dict:
        """The background ingest as the page and the API show it: articles answerable now, each recent job's
        state, and what the lanes hold."""
        states = self._indexer.states() if self._indexer is not None else []
        return {"articles": len(self.articles), "loading": self.loading,
                "error": str(self.startup_error) if self.startup_error else None,
                "indexing": self.loading or bool(self._indexer and self._indexer.busy),
                "jobs": [{"name": s.name, "state": s.state, "done": s.done, "total": s.total, "resumed": s.resumed,
                          "articles": s.articles,
                          "added": len(s.added), "changed": len(s.changed), "reason": s.reason,
                          "skipped": [[k.origin, k.reason] for k in s.skipped]} for s in states],
                "lanes": self.workload.stats()}

    def _previous_vectors(self, article_id: str) -> dict:
        """What the embedder saw for each chunk of the article's indexed version → its vector (none: {})."""
        index = self._snapshot.index
        return index.previous_vectors(article_id) if index is not None else {}

    def _commit(self, articles: list[Article], embedder: Embedder, rebuild: bool) -> None:
        """The indexer's commit: these articles as the index (every vector is in its journal), then the new
        snapshot swapped in."""
        from rag.index.pipeline import ingest

        loaded = LoadReport(articles)
        if rebuild:
            ingest(articles, self.config, embedder, progress=False, rebuild=True)
        else:
            update_index(loaded, self.config, embedder, progress=False, log=self._log)
        self._snapshot = load_snapshot(loaded, self.config, self._embedder)


def _embedder(config: Config) -> Embedder:
    from rag.index.embedders import make_embedder

    if config.llm != "extractive":
        from rag.answering.llm.backends import check_config

        check_config(config)  # a bad --llm fails here, in one line, before any index work
    return make_embedder(config)
