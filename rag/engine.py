"""The running system: a loaded corpus, its index and retriever, and the answer/summary entry points.

The CLI and the web UI both drive an `Engine`. Its state lives in one immutable `Snapshot`, replaced
whole after an ingest, so a request never sees a half-built index.
"""

from __future__ import annotations

import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from rag.articles import Article, LoadReport, load_corpus
from rag.config import Config

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Snapshot:
    """Everything a request reads; never mutated after construction."""

    articles: dict[str, Article]
    retriever: "object"  # rag.retrieve.Retriever


class Engine:
    def __init__(self, config: Config, snapshot: Snapshot, embedder, log: Log = stderr_log):
        self.config = config
        self._snapshot = snapshot
        self._embedder = embedder
        self._log = log
        self._ingest_lock = threading.Lock()
        self._summaries = None

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def open(cls, config: Config, progress=True, log: Log = stderr_log) -> "Engine":
        """Load the corpus, build or update the index when missing or stale, and load it."""
        from rag.embedders import make_embedder

        embedder = make_embedder(config)
        snapshot = _build_snapshot(config, embedder, progress, log)
        return cls(config, snapshot, embedder, log)

    # ---- reading ------------------------------------------------------------------------------
    @property
    def articles(self) -> dict[str, Article]:
        return self._snapshot.articles

    @property
    def retriever(self):
        return self._snapshot.retriever

    def search(self, query: str, k: int = 10):
        return self._snapshot.retriever.search(query, k=k)

    def ask(self, question: str, conversation=None, k: int | None = None):
        """A cited answer (rag.answer.Answer) to one question, following up on `conversation` if given."""
        from rag.chat import answer_in_conversation

        return answer_in_conversation(self, question, conversation, k)

    def respond(self, message: str, conversation=None, k: int | None = None):
        """Chat entry point: routes summary requests, follow-ups and questions (rag.chat.respond).

        `k`: sources to use for this request (the web page's setting); None uses config.k."""
        from rag.chat import respond

        return respond(self, message, conversation, k)

    @property
    def summaries(self):
        if self._summaries is None:
            from rag.summary import SummaryCache

            self._summaries = SummaryCache(self.config.index_dir)
        return self._summaries

    def summarize(self, article_id: str):
        """The cited summary (rag.summary.Summary) of one article; KeyError names unknown ids."""
        from rag.summary import summarize_article

        article = self.articles.get(article_id)
        if article is None:
            raise KeyError(f"no article with id {article_id!r}")
        return self.summaries.get_or_make(article, summarize_article)

    def overview(self):
        """One cited line per article."""
        from rag.summary import overview

        return overview(list(self.articles.values()), self.summaries)

    # ---- writing ------------------------------------------------------------------------------
    def add_files(self, files: Sequence[Path], progress=True):
        """Copy files into the first corpus folder, re-ingest, and swap in the new snapshot.

        Returns the IngestReport. Files are validated by loading them before anything is copied, so a
        bad upload changes nothing.
        """
        from rag.articles import load_file

        target = self.config.corpus[0]
        with self._ingest_lock:
            accepted: list[Path] = []
            rejected = []
            for f in files:
                arts, skipped = load_file(Path(f))
                rejected.extend(skipped)
                if arts:
                    accepted.append(Path(f))
            target.mkdir(parents=True, exist_ok=True)
            for f in accepted:
                shutil.copyfile(f, target / Path(f).name)
            snapshot, report = _ingest_snapshot(self.config, self._embedder, progress, self._log)
            report.skipped = rejected + list(report.skipped)
            self._snapshot = snapshot
            return report


def _load(config: Config, log: Log) -> LoadReport:
    report = load_corpus(list(config.corpus))
    for skipped in report.skipped:
        log(f"warning: {skipped}")
    return report


def _ingest_snapshot(config: Config, embedder, progress, log: Log):
    from rag.index import VectorIndex, ingest
    from rag.retrieve import Retriever

    loaded = _load(config, log)
    report = ingest(loaded.articles, config, embedder, progress=progress)
    report.skipped = list(loaded.skipped)
    index = VectorIndex.load(config.index_dir)
    snapshot = Snapshot({a.id: a for a in loaded.articles}, Retriever(index, embedder, config))
    return snapshot, report


def _build_snapshot(config: Config, embedder, progress, log: Log) -> Snapshot:
    from rag.index import VectorIndex, index_status, ingest
    from rag.retrieve import Retriever

    loaded = _load(config, log)
    status = index_status(loaded.articles, config)
    if status != "fresh":
        log(f"index {status} at {config.index_dir}: building it now ({len(loaded.articles)} articles)")
        report = ingest(loaded.articles, config, embedder, progress=progress)
        log(report.summary())
    index = VectorIndex.load(config.index_dir)
    return Snapshot({a.id: a for a in loaded.articles}, Retriever(index, embedder, config))
