"""The summary cache: summaries by article content hash and backend, persisted as summaries.json in
Config.summaries_dir (the index folder, or the data folder app replicas share) (`SummaryCache`), and the guard
that makes it safe to depend on (`GuardedSummaries`): a damaged entry is recomputed, a failed write is logged,
and a cached summary whose quotes do not hold in its article is never shown."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Callable

from rag.ingest.articles import Article
from rag.records import Summary

Log = Callable[[str], None]


class SummaryCache:
    """Summaries by article content hash and backend, persisted as summaries.json in the index folder."""

    FILE = "summaries.json"

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / self.FILE
        self._lock = threading.Lock()
        self._data: dict[str, dict] | None = None

    @staticmethod
    def key(article: Article, backend: str) -> str:
        return f"{article.content_hash}:{backend}"

    def _load(self) -> dict[str, dict]:
        if self._data is None:
            try:
                self._data = json.loads(self.path.read_text(encoding="utf-8"))
                if not isinstance(self._data, dict):
                    self._data = {}
            except (OSError, ValueError):
                self._data = {}  # missing or unreadable: start afresh; it is only a cache
        return self._data

    def get(self, article: Article, backend: str) -> Summary | None:
        with self._lock:
            obj = self._load().get(self.key(article, backend))
        if obj is None:
            return None
        summary = Summary.from_json(obj)
        # The cache is keyed by content, not id: the same text under another id keeps its own id.
        summary.article_id = article.id
        summary.title = article.title
        for c in summary.citations:
            c.article_id, c.title = article.id, article.title
        return summary

    def get_or_make(self, article: Article, fn: Callable[[Article], Summary], backend: str) -> Summary:
        """The cached summary, or fn(article) computed now and stored. Other processes (app replicas sharing
        the folder) may write the file too: what they stored is read back before writing, not overwritten."""
        cached = self.get(article, backend)
        if cached is None:
            with self._lock:
                self._data = None  # another process may have summarised it meanwhile
            cached = self.get(article, backend)
        if cached is not None:
            return cached
        summary = fn(article)
        with self._lock:
            self._data = None
            self._load()[self.key(article, backend)] = summary.to_json()
            self._write()
        return summary

    def _write(self) -> None:
        """Atomic: a reader never sees a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".summaries-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._data, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def quotes_hold(summary: Summary, article: Article) -> bool:
    """True when every citation of a summary quotes the article verbatim where it says."""
    for c in summary.citations:
        if not 1 <= c.paragraph <= len(article.paragraphs):
            return False
        if article.paragraph(c.paragraph)[c.start : c.end] != c.quote or not c.quote:
            return False
    return True


class GuardedSummaries:
    """SummaryCache, made safe to depend on: it is only a cache."""

    def __init__(self, index_dir: Path, log: Log):
        self._folder = Path(index_dir)
        self._cache = SummaryCache(self._folder)
        self._log = log

    @property
    def path(self) -> Path:
        return self._cache.path

    def _reset(self, why: str) -> None:
        """Start the cache afresh (a damaged file would fail every request that reads it)."""
        self._log(f"summary cache {self._cache.path} {why}: starting it afresh")
        try:
            self._cache.path.unlink(missing_ok=True)
        except OSError:
            pass
        self._cache = SummaryCache(self._folder)

    def get(self, article: Article, backend: str) -> Summary | None:
        try:
            cached = self._cache.get(article, backend)
        except Exception as exc:  # noqa: BLE001 - any damaged entry (wrong types, missing keys)
            self._reset(f"has a damaged entry ({type(exc).__name__})")
            return None
        if cached is not None and not quotes_hold(cached, article):
            self._reset(f"holds a summary of {article.id} whose quotes are not in the article")
            return None
        return cached

    def get_or_make(self, article: Article, fn: Callable[[Article], Summary], backend: str) -> Summary:
        cached = self.get(article, backend)
        if cached is not None:
            return cached
        summary = fn(article)
        try:
            self._cache.get_or_make(article, lambda _a: summary, backend)
        except Exception as exc:  # noqa: BLE001 - disk full, read-only folder: the summary is still good
            self._log(f"could not save the summary cache ({exc}); the summary is shown anyway")
        return summary
